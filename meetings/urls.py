from django.urls import path

from meetings import correction_views, planning, proxy_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("schedule/", planning.meeting_schedule, name="meeting_schedule"),
    path("<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("<int:meeting_id>/agenda/", planning.agenda_plan, name="agenda_plan"),
    path(
        "<int:meeting_id>/agenda/carry-over/",
        planning.agenda_carry_over,
        name="agenda_carry_over",
    ),
    path("<int:meeting_id>/agenda/publish/", planning.agenda_publish, name="agenda_publish"),
    path("<int:meeting_id>/agenda/<int:item_id>/move/", planning.agenda_move, name="agenda_move"),
    path(
        "<int:meeting_id>/agenda/<int:item_id>/remove/",
        planning.agenda_remove,
        name="agenda_remove",
    ),
    path("<int:meeting_id>/apologies/", planning.apologies, name="apologies"),
    path("<int:meeting_id>/proxies/", proxy_views.proxy_new, name="proxy_new"),
    path(
        "<int:meeting_id>/proxies/<int:proxy_id>/withdraw/",
        proxy_views.proxy_take_back,
        name="proxy_withdraw",
    ),
    path("<int:meeting_id>/live/", views.meeting_live, name="meeting_live"),
    path("<int:meeting_id>/items/<int:item_id>/notes/", views.item_notes, name="item_notes"),
    path("<int:meeting_id>/console/", views.live_console, name="live_console"),
    path("<int:meeting_id>/console/start/", views.console_start, name="console_start"),
    path("<int:meeting_id>/console/adjourn/", views.console_adjourn, name="console_adjourn"),
    path(
        "<int:meeting_id>/console/attendance/",
        views.console_attendance,
        name="console_attendance",
    ),
    path("<int:meeting_id>/console/guests/", views.console_guest, name="console_guest"),
    path("<int:meeting_id>/console/next/", views.console_next_item, name="console_next_item"),
    path("<int:meeting_id>/console/items/", views.console_add_item, name="console_add_item"),
    path(
        "<int:meeting_id>/console/items/<int:item_id>/open/",
        views.console_open_item,
        name="console_open_item",
    ),
    path(
        "<int:meeting_id>/console/items/<int:item_id>/move/",
        views.console_move_item,
        name="console_move_item",
    ),
    path(
        "<int:meeting_id>/console/items/<int:item_id>/notes/",
        views.console_note,
        name="console_note",
    ),
    path(
        "<int:meeting_id>/console/items/<int:item_id>/summary/",
        views.console_summary,
        name="console_summary",
    ),
    path("<int:meeting_id>/items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("<int:meeting_id>/corrections/", correction_views.correction_list, name="corrections"),
    path(
        "<int:meeting_id>/corrections/attendance/<int:attendance_id>/",
        correction_views.correct_attendance,
        name="correct_attendance",
    ),
    path(
        "<int:meeting_id>/corrections/notes/<int:note_id>/",
        correction_views.correct_note,
        name="correct_note",
    ),
    path(
        "<int:meeting_id>/corrections/items/<int:item_id>/",
        correction_views.correct_item,
        name="correct_item",
    ),
]
