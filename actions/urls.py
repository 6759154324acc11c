from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("", views.my_actions, name="my_actions"),
    path("new/", views.action_new, name="action_new"),
    path("reconcile/", views.reconcile, name="reconcile"),
    path("reconcile/bulk/", views.reconcile_bulk, name="reconcile_bulk"),
    path("<int:action_id>/", views.action_detail, name="action_detail"),
    path("<int:action_id>/update/", views.action_update, name="action_update"),
    path("meeting/<int:meeting_id>/add/", views.console_add, name="console_add"),
    path(
        "meeting/<int:meeting_id>/summary/<str:group>/",
        views.summary_group,
        name="summary_group",
    ),
    path(
        "meeting/<int:meeting_id>/items/<int:item_id>/",
        views.item_actions,
        name="item_actions",
    ),
    path(
        "meeting/<int:meeting_id>/review/group/<str:group>/",
        views.console_review_group,
        name="console_review_group",
    ),
    path(
        "meeting/<int:meeting_id>/review/<int:action_id>/",
        views.console_review,
        name="console_review",
    ),
]
