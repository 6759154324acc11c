from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = "Budget"

    def ready(self) -> None:
        from budget import (
            approvals,  # noqa: F401 - approves requests when their motion carries
            cards,  # noqa: F401 - registers the dashboard card
        )
