from django.urls import path

from motions import views

app_name = "motions"

urlpatterns = [
    path("", views.motion_list, name="motion_list"),
    path("new/", views.motion_new, name="motion_new"),
    path("<int:motion_id>/", views.motion_detail, name="motion_detail"),
    path("<int:motion_id>/progress/", views.motion_progress, name="motion_progress"),
    path("<int:motion_id>/vote/", views.motion_vote, name="motion_vote"),
    path("<int:motion_id>/<slug:action>/", views.motion_act, name="motion_act"),
]
