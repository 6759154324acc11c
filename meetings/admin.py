"""The secretary's view of meetings: agenda and attendance are edited under the meeting.

Admin edits go through `services.meeting_admin_changed`, so live views notice them and the audit
log names the change like any other.
"""

from operator import attrgetter

from django.contrib import admin
from django.utils.text import Truncator

from meetings import services
from meetings.models import AgendaItem, Attendance, Meeting, Note


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
    autocomplete_fields = ["presenter"]
    ordering = ["position", "pk"]
    show_change_link = True


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = [
        "person",
        "guest_name",
        "organisation",
        "organisation_name",
        "role",
        "status",
        "arrived_at",
        "departed_at",
    ]
    autocomplete_fields = ["person", "organisation"]


class NoteInline(admin.TabularInline):
    model = Note
    extra = 0
    fields = ["recorded_at", "speaker", "text", "author"]
    autocomplete_fields = ["speaker", "author"]
    ordering = ["recorded_at", "pk"]


class RecordChangesMixin:
    """After an admin edit, tell live views and the audit log, as services do.

    `meeting_path` is the dotted path from the edited object to its meeting ("" for a meeting).
    """

    meeting_path = ""

    def meeting_of(self, obj) -> Meeting:
        return attrgetter(self.meeting_path)(obj) if self.meeting_path else obj

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.meeting_admin_changed(
            meeting=self.meeting_of(obj),
            actor=request.user,
            target=obj,
            summary=f"{'Changed' if change else 'Added'} {obj._meta.verbose_name} “{obj}” "
            "in the admin",
        )

    def delete_model(self, request, obj):
        meeting = self.meeting_of(obj)
        label = f"Deleted {obj._meta.verbose_name} “{obj}” in the admin"
        super().delete_model(request, obj)
        if Meeting.objects.filter(pk=meeting.pk).exists():
            services.meeting_admin_changed(
                meeting=meeting, actor=request.user, target=None, summary=label
            )


@admin.register(Meeting)
class MeetingAdmin(RecordChangesMixin, admin.ModelAdmin):
    list_display = ["title", "board", "starts_at", "status", "chair", "minute_taker", "location"]
    list_filter = ["status", "board"]
    search_fields = ["title", "board__name", "location"]
    list_select_related = ["board", "chair", "minute_taker"]
    autocomplete_fields = ["board", "chair", "minute_taker"]
    date_hierarchy = "starts_at"
    readonly_fields = ["started_at", "adjourned_at", "live_version"]
    inlines = [AgendaItemInline, AttendanceInline]
    fieldsets = [
        (None, {"fields": ["board", "title", "starts_at", "planned_end_at", "status"]}),
        ("Where", {"fields": ["location", "dial_in"]}),
        ("People", {"fields": ["chair", "minute_taker"]}),
        ("Record", {"fields": ["started_at", "adjourned_at", "live_version"]}),
    ]


@admin.register(AgendaItem)
class AgendaItemAdmin(RecordChangesMixin, admin.ModelAdmin):
    meeting_path = "meeting"
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
    readonly_fields = ["summary_version", "summary_updated_by", "summary_updated_at"]
    inlines = [NoteInline]


@admin.register(Attendance)
class AttendanceAdmin(RecordChangesMixin, admin.ModelAdmin):
    meeting_path = "meeting"
    list_display = ["name", "meeting", "organisation_name", "role", "status", "arrived_at"]
    list_filter = ["status", "role", "meeting__board"]
    search_fields = ["person__full_name", "guest_name", "organisation_name", "meeting__title"]
    list_select_related = ["meeting", "person"]
    autocomplete_fields = ["meeting", "person", "organisation"]


@admin.register(Note)
class NoteAdmin(RecordChangesMixin, admin.ModelAdmin):
    meeting_path = "item.meeting"
    list_display = ["recorded_at", "item", "speaker", "statement", "author"]
    list_filter = ["item__meeting__board", "item__meeting"]
    search_fields = ["text", "item__title", "speaker__person__full_name", "speaker__guest_name"]
    list_select_related = ["item", "speaker__person", "author"]
    autocomplete_fields = ["item", "speaker", "author"]
    date_hierarchy = "recorded_at"

    @admin.display(description="Statement")
    def statement(self, note: Note) -> str:
        return Truncator(note.text).chars(80)
