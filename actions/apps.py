from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Action items"

    def ready(self) -> None:
        # Registers the dashboard card, and the sections, console panels and line parser
        # that meetings shows through its registry.
        from actions import cards, meeting_parts  # noqa: F401
