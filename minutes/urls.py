from django.urls import path

from minutes import views

app_name = "minutes"

urlpatterns = [
    path("", views.minutes_list, name="minutes_list"),
    path("feed/", views.minutes_feed, name="minutes_feed"),
    path("generate/<int:meeting_id>/", views.minutes_generate, name="minutes_generate"),
    path("<int:meeting_id>/", views.minutes_detail, name="minutes_detail"),
    path("<int:meeting_id>/action-summary/", views.action_summary, name="action_summary"),
    path("<int:meeting_id>/pdf/", views.minutes_pdf, name="minutes_pdf"),
    path("<int:meeting_id>/markdown/", views.minutes_markdown, name="minutes_markdown"),
    path("<int:meeting_id>/edit/", views.minutes_edit, name="minutes_edit"),
    path("<int:meeting_id>/revisions/", views.revision_list, name="revision_list"),
    path("<int:meeting_id>/revisions/compare/", views.revision_compare, name="revision_compare"),
    path("<int:meeting_id>/circulate/", views.minutes_circulate, name="minutes_circulate"),
    path("<int:meeting_id>/approve/", views.minutes_approve, name="minutes_approve"),
    path("<int:meeting_id>/put-to-board/", views.minutes_put_to_board, name="minutes_put_to_board"),
    path("<int:meeting_id>/publish/", views.minutes_publish, name="minutes_publish"),
    path(
        "<int:meeting_id>/take-corrections/",
        views.minutes_take_corrections,
        name="minutes_take_corrections",
    ),
    path("<int:meeting_id>/comments/", views.comment_add, name="comment_add"),
    path(
        "<int:meeting_id>/comments/<int:comment_id>/apply/",
        views.comment_apply,
        name="comment_apply",
    ),
]
