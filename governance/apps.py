from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from governance import (
            cards,  # noqa: F401 - registers the dashboard card
            signin,  # noqa: F401 - decides the second factor at each login
        )


class BoardroomAdminConfig(admin_apps.AdminConfig):
    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "governance.admin_site.BoardroomAdminSite"
