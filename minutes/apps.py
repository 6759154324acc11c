from django.apps import AppConfig


class MinutesConfig(AppConfig):
    name = "minutes"
    verbose_name = "Minutes"

    def ready(self) -> None:
        from minutes import (
            cards,  # noqa: F401  (registers the dashboard card)
            sections,  # noqa: F401  (motions and the action summary in generated minutes)
        )
