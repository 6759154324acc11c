"""Minutes in the admin, for finding them: read-only. The text changes only by a revision
(`minutes_revise`, on the minutes page), so every version stays; circulating and publishing are
admin actions that call the same services as the page's buttons, which check the status and the
officer and write the audit entry. Nothing is deleted: published minutes are the board's record.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.db import transaction
from django.http import HttpRequest

from minutes import services
from minutes.errors import MinutesError
from minutes.models import Minutes, Revision
from motions.admin import ReadOnlyAdmin


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["number", "kind", "summary", "reason", "status_at_save", "author", "created_at"]
    readonly_fields = fields
    ordering = ["number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _step(service, label: str, done: str):
    def take_step(modeladmin, request: HttpRequest, queryset) -> None:
        try:
            with transaction.atomic():  # all of the ticked minutes, or none
                for minutes in queryset.order_by("pk"):
                    service(minutes=minutes, actor=request.user)
        except MinutesError as refused:
            modeladmin.message_user(
                request, f"Nothing was changed. {refused.message}", messages.ERROR
            )
        else:
            modeladmin.message_user(request, f"{done}: {queryset.count()}.")

    take_step.__name__ = service.__name__
    take_step.short_description = label
    # Offered although the change form is read-only: the step is the service's, not a save.
    take_step.allowed_permissions = ("view",)
    return take_step


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "revision_count", "circulated_at", "published_at"]
    list_filter = ["status", "meeting__board"]
    search_fields = ["meeting__title", "text"]
    list_select_related = ["meeting__board"]
    inlines = [RevisionInline]
    actions = [
        _step(services.minutes_circulate, "Circulate to the board", "Circulated"),
        _step(services.minutes_publish, "Publish approved minutes", "Published"),
    ]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        found = super().get_actions(request, action_location=action_location)
        found.pop("delete_selected", None)
        return found


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["minutes", "number", "kind", "summary", "author", "created_at"]
    list_filter = ["kind", "minutes__meeting__board"]
    search_fields = ["summary", "reason", "text"]
    list_select_related = ["minutes__meeting", "author"]
