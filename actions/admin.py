"""The secretary's admin view of actions: every change goes through `actions.services`.

Adding raises the action between meetings (`action_record`); changing the due date or owners adds
an update to its history (`action_update`); status changes are admin actions that take one note
(`actions_bulk_update`). The origin (meeting, item, wording) and the history are read-only, and
nothing is deleted: a wrong action is dropped, with a reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import construct_change_message
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from actions import services
from actions.errors import ActionRefused
from actions.models import ActionItem, ActionStatus, ActionUpdate


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0
    can_delete = False
    fields = ["at", "author", "note", "status", "due_on", "owners_text", "reviewed_in"]
    readonly_fields = fields
    ordering = ["at", "pk"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ActionAdminForm(forms.ModelForm):
    note = forms.CharField(
        required=False,
        max_length=services.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the history with this change.",
    )

    class Meta:
        model = ActionItem
        fields = ["board", "description", "owners", "for_all", "due_on"]


def _status_action(status: str, label: str):
    def change_status(modeladmin, request: HttpRequest, queryset) -> None:
        try:
            updates = services.actions_bulk_update(
                actions=list(queryset.prefetch_related("owners")),
                actor=request.user,
                status=status,
                note=f"{label} in the admin",
            )
        except ActionRefused as refused:
            modeladmin.message_user(request, refused.message, messages.ERROR)
        else:
            modeladmin.message_user(request, f"{label}: {len(updates)} action(s).")

    change_status.__name__ = f"mark_{status}"
    change_status.short_description = f"{label} (records it in each history)"
    return change_status


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    form = ActionAdminForm
    list_display = ["description_short", "owner_names", "status", "due_on", "meeting", "board"]
    list_filter = ["board", "status", "for_all", "meeting"]
    search_fields = ["description", "owners__full_name"]
    autocomplete_fields = ["owners"]
    readonly_fields = ["status", "meeting", "item", "said_as", "created_by", "created_at"]
    inlines = [ActionUpdateInline]
    actions = [
        _status_action(ActionStatus.DONE, "Mark done"),
        _status_action(ActionStatus.DROPPED, "Drop"),
        _status_action(ActionStatus.OPEN, "Reopen"),
    ]

    @admin.display(description="action")
    def description_short(self, obj: ActionItem) -> str:
        return obj.description[:80]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # The board and the wording are the record's once the action exists.
        return fields + ["board", "description"] if obj is not None else fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        found = super().get_actions(request, action_location=action_location)
        found.pop("delete_selected", None)
        return found

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if not change:
                saved = services.action_record(
                    board=data["board"],
                    description=data["description"],
                    owners=list(data["owners"]),
                    for_all=data["for_all"],
                    due_on=data["due_on"],
                    actor=request.user,
                )
                obj.pk = saved.pk
            else:
                original = ActionItem.objects.get(pk=obj.pk)
                services.action_update(
                    action=original,
                    actor=request.user,
                    note=data.get("note", ""),
                    due_on=data["due_on"],
                    owners=list(data["owners"]),
                    for_all=data["for_all"],
                )
        except ActionRefused as refused:
            raise ValidationError(refused.message) from refused

    def save_related(self, request, form, formsets, change):
        # Owners were saved by the service; the inline history is read-only.
        pass

    def construct_change_message(self, request, form, formsets, add=False):
        # The history inline is never saved (the service writes the update), so it has no
        # saved objects to describe.
        return construct_change_message(form, None, add)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refused:  # raised in the admin's transaction: nothing kept
            if request.method != "POST":
                raise
            # The same form again, as it was sent, with the reason at its top; the form is
            # invalid this time, so nothing is saved.
            request.refusal = refused.messages[0]
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "refusal", None)
        if refusal is None:
            return form

        class Refused(form):
            def clean(self):
                super().clean()
                raise ValidationError(refusal)

        return Refused
