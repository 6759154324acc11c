from django.apps import AppConfig


class MinutesConfig(AppConfig):
    name = "minutes"
    verbose_name = "Minutes"

    def ready(self) -> None:
        from minutes import (
            approvals,  # noqa: F401  (a carried motion approves the minutes put to it)
            cards,  # noqa: F401  (registers the dashboard card)
            sections,  # noqa: F401  (motions and the action summary in generated minutes)
        )
