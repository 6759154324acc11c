from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = "Budget"

    def ready(self) -> None:
        from budget import cards  # noqa: F401 - registers the dashboard card
