"""Motions in the admin are read-only: they change through the board's pages and services,
which lock, count and audit; a closed motion changes only by a correction."""

from django.contrib import admin

from motions.models import Motion, MotionCorrection


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Motion)
class MotionAdmin(ReadOnlyAdmin):
    list_display = ["title", "board", "meeting", "method", "status", "outcome", "closed_at"]
    list_filter = ["board", "method", "status", "outcome"]
    search_fields = ["text"]
    list_select_related = ["board", "meeting"]


@admin.register(MotionCorrection)
class MotionCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["motion", "corrected_by", "corrected_at", "reason"]
    list_select_related = ["motion", "corrected_by"]
