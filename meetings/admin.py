"""The secretary's view of meetings. The admin is a caller, not a second write path: every save
and delete goes through a service (which validates, locks, audits and tells live pages), or is
not offered. Status, times and versions are read-only; starting and adjourning are actions that
call the services; an adjourned meeting's record changes only by "Correct the record".
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from governance.formatting import when
from meetings import admin_services, services
from meetings.errors import DomainError
from meetings.models import AgendaItem, Attendance, Correction, Meeting, Note, Presence
from meetings.services import ItemDetails


class RefusalsAsMessages:
    """A refusal of a service becomes a message on the page the secretary was on, with nothing
    saved (the admin's own transaction is rolled back), never a 500."""

    def _refused(self, request, error: DomainError):
        self.message_user(request, f"Nothing was saved. {error.message}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except DomainError as error:
            return self._refused(request, error)

    def delete_view(self, request, *args, **kwargs):
        try:
            return super().delete_view(request, *args, **kwargs)
        except DomainError as error:
            return self._refused(request, error)

    def changelist_view(self, request, *args, **kwargs):
        try:
            return super().changelist_view(request, *args, **kwargs)
        except DomainError as error:
            return self._refused(request, error)


def _correction_link(meeting: Meeting) -> str:
    if not meeting.is_adjourned:
        return "—"
    return format_html(
        '<a href="{}">Correct the record</a> (the chair or a secretary, with a reason)',
        reverse("meetings:corrections", args=[meeting.board.slug, meeting.pk]),
    )


class ReadOnlyInline(admin.TabularInline):
    """Shown for reference; written in the console, the agenda page or by a correction."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = [
        "position",
        "title",
        "kind",
        "presenter",
        "planned_minutes",
        "board_only",
        "embargo_until",
    ]
    readonly_fields = ["position"]
    autocomplete_fields = ["presenter"]
    ordering = ["position", "pk"]
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not (obj and obj.is_adjourned)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.is_adjourned)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and bool(obj and obj.is_scheduled)


def _presence_said(attendance: Attendance) -> str:
    if not attendance.is_present:
        return "—"
    stretches = attendance.presence
    if not stretches:
        return "no stretch recorded"
    return "; ".join(
        f"{when(s.arrived_at, 'time') or 'from the opening'} to "
        f"{when(s.departed_at, 'time') or 'the end'}"
        for s in stretches
    )


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ["name", "organisation_name", "role", "status", "in_the_room"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).with_presence()

    @admin.display(description="In the room")
    def in_the_room(self, attendance: Attendance) -> str:
        return _presence_said(attendance)


class PresenceInline(ReadOnlyInline):
    """Stretches are recorded by the console's Left and Back, and corrected on the meeting's
    "Correct the record" page: here they are read."""

    model = Presence
    fields = ["arrived_at", "departed_at"]
    readonly_fields = fields
    show_change_link = False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class NoteInline(ReadOnlyInline):
    model = Note
    fields = ["recorded_at", "speaker", "text", "author"]
    readonly_fields = fields
    ordering = ["recorded_at", "pk"]


def _details(item: AgendaItem) -> ItemDetails:
    return ItemDetails(
        title=item.title,
        kind=item.kind,
        planned_minutes=item.planned_minutes,
        presenter=item.presenter,
        description=item.description,
        board_only=item.board_only,
        embargo_until=item.embargo_until,
    )


class NoBulkDelete:
    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Meeting)
class MeetingAdmin(RefusalsAsMessages, NoBulkDelete, admin.ModelAdmin):
    list_display = ["title", "board", "starts_at", "status", "chair", "minute_taker", "location"]
    list_filter = ["status", "board"]
    search_fields = ["title", "board__name", "location"]
    list_select_related = ["board", "chair", "minute_taker"]
    autocomplete_fields = ["board", "chair", "minute_taker"]
    date_hierarchy = "starts_at"
    readonly_fields = [
        "status",
        "started_at",
        "adjourned_at",
        "scheduled_for",
        "agenda_published_at",
        "live_version",
        "correct_the_record",
    ]
    inlines = [AgendaItemInline, AttendanceInline]
    actions = ["start_meetings", "adjourn_meetings"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "board",
                    "title",
                    "kind",
                    "starts_at",
                    "time_of_day_known",
                    "planned_end_at",
                    "status",
                ]
            },
        ),
        ("Where", {"fields": ["location", "dial_in"]}),
        ("People", {"fields": ["chair", "minute_taker"]}),
        (
            "Record",
            {
                "fields": [
                    "started_at",
                    "adjourned_at",
                    "scheduled_for",
                    "agenda_published_at",
                    "live_version",
                    "correct_the_record",
                ]
            },
        ),
    ]

    @admin.display(description="Corrections")
    def correct_the_record(self, meeting: Meeting) -> str:
        return _correction_link(meeting) if meeting.pk else "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("board")
            if obj.is_adjourned:
                fields += [name.removesuffix("_id") for name in admin_services.MEETING_DETAILS]
        return fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_scheduled)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            values = {}
            for name in admin_services.MEETING_DETAILS:
                field = name.removesuffix("_id")
                if field in form.changed_data:
                    value = data[field]
                    values[name] = value.pk if name != field and value is not None else value
            if values:
                admin_services.meeting_details_update(
                    meeting=obj, actor=request.user, values=values
                )
            return
        meeting = services.meeting_schedule(
            board=data["board"],
            title=data["title"],
            starts_at=data["starts_at"],
            actor=request.user,
            kind=data.get("kind") or "regular",
            time_of_day_known=data.get("time_of_day_known", True),
            planned_end_at=data.get("planned_end_at"),
            location=data.get("location", ""),
            dial_in=data.get("dial_in", ""),
            chair=data.get("chair"),
            minute_taker=data.get("minute_taker"),
        )
        obj.pk, obj._state.adding, obj._state.db = meeting.pk, False, meeting._state.db
        obj.starts_at, obj.planned_end_at = meeting.starts_at, meeting.planned_end_at

    def save_formset(self, request, form, formset, change):
        if formset.model is not AgendaItem:
            # The other inlines are read-only: nothing to save, nothing to report.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        meeting = form.instance
        items = formset.save(commit=False)
        for item in formset.deleted_objects:
            services.agenda_item_remove(item=item, actor=request.user)
        for item in items:
            details, actor = _details(item), request.user
            if item.pk is None:
                services.agenda_item_add(meeting=meeting, details=details, actor=actor)
            else:
                services.agenda_item_update(item=item, details=details, actor=actor)

    def delete_model(self, request, obj):
        admin_services.meeting_delete(meeting=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for meeting in queryset:
                admin_services.meeting_delete(meeting=meeting, actor=request.user)

    @admin.action(description="Start the selected meetings now")
    def start_meetings(self, request, queryset):
        self._each(request, queryset, services.meeting_start, "Started")

    @admin.action(description="Adjourn the selected meetings now")
    def adjourn_meetings(self, request, queryset):
        self._each(request, queryset, services.meeting_adjourn, "Adjourned")

    def _each(self, request, queryset, service, done: str) -> None:
        for meeting in queryset.select_related("board"):
            try:
                service(meeting=meeting, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{meeting}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{done} “{meeting.title}”.", messages.SUCCESS)


@admin.register(AgendaItem)
class AgendaItemAdmin(RefusalsAsMessages, NoBulkDelete, admin.ModelAdmin):
    list_display = [
        "title",
        "meeting",
        "position",
        "kind",
        "presenter",
        "planned_minutes",
        "board_only",
        "embargo_until",
    ]
    list_filter = ["kind", "board_only", "meeting__board"]
    search_fields = ["title", "description", "summary", "meeting__title"]
    list_select_related = ["meeting", "presenter"]
    autocomplete_fields = ["meeting", "presenter"]
    fields = [
        "meeting",
        "title",
        "kind",
        "presenter",
        "planned_minutes",
        "description",
        "board_only",
        "embargo_until",
        "position",
        "summary",
        "summary_version",
        "summary_updated_by",
        "summary_updated_at",
    ]
    readonly_fields = [
        "position",
        "summary",
        "summary_version",
        "summary_updated_by",
        "summary_updated_at",
    ]
    inlines = [NoteInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.meeting.is_adjourned:
            return self.fields
        return [*super().get_readonly_fields(request, obj), *(["meeting"] if obj else [])]

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.meeting.is_scheduled
        )

    def save_model(self, request, obj, form, change):
        if change:
            services.agenda_item_update(item=obj, details=_details(obj), actor=request.user)
            return
        item = services.agenda_item_add(
            meeting=obj.meeting, details=_details(obj), actor=request.user
        )
        obj.pk, obj._state.adding, obj._state.db = item.pk, False, item._state.db

    def save_formset(self, request, form, formset, change):
        # Notes are read-only here: nothing to save, nothing to report.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        services.agenda_item_remove(item=obj, actor=request.user)


@admin.register(Attendance)
class AttendanceAdmin(NoBulkDelete, admin.ModelAdmin):
    """Read-only: attendance is taken in the console's roll call (apologies on the meeting
    page) and, once the meeting is adjourned, changed by a correction."""

    list_display = ["name", "meeting", "organisation_name", "role", "status", "in_the_room"]
    list_filter = ["status", "role", "meeting__board"]
    search_fields = ["person__full_name", "guest_name", "organisation_name", "meeting__title"]
    list_select_related = ["meeting", "person"]
    inlines = [PresenceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_presence()

    @admin.display(description="In the room")
    def in_the_room(self, attendance: Attendance) -> str:
        return _presence_said(attendance)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Note)
class NoteAdmin(RefusalsAsMessages, admin.ModelAdmin):
    """Statements are recorded in the console; here they are read, and deleted while the
    meeting runs (through the service: audited, live pages told). Once the meeting is
    adjourned, a statement changes only by a correction."""

    list_display = ["recorded_at", "item", "speaker", "statement", "author"]
    list_filter = ["item__meeting__board", "item__meeting"]
    search_fields = ["text", "item__title", "speaker__person__full_name", "speaker__guest_name"]
    list_select_related = ["item__meeting", "speaker__person", "author"]
    date_hierarchy = "recorded_at"

    @admin.display(description="Statement")
    def statement(self, note: Note) -> str:
        return Truncator(note.text).chars(80)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or not obj.item.meeting.is_adjourned
        )

    def delete_model(self, request, obj):
        admin_services.note_delete(note=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for note in queryset:
                admin_services.note_delete(note=note, actor=request.user)


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Corrections are made on the meeting's "Correct the record" page; here they are read."""

    list_display = ["meeting", "kind", "made_by", "made_at", "reason"]
    list_filter = ["kind", "meeting__board"]
    list_select_related = ["meeting", "made_by"]
    search_fields = ["reason", "meeting__title"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
