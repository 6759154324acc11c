from django.apps import AppConfig


class MotionsConfig(AppConfig):
    name = "motions"
    verbose_name = "Motions and votes"

    def ready(self) -> None:
        from motions import cards  # noqa: F401  (registers the dashboard card)
