from django.apps import AppConfig


class MotionsConfig(AppConfig):
    name = "motions"
    verbose_name = "Motions and votes"

    def ready(self) -> None:
        from motions import cards, meeting_parts  # noqa: F401  (dashboard card, meeting parts)
