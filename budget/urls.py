from django.urls import path

from budget import views

app_name = "budget"

urlpatterns = [
    path("", views.year_list, name="year_list"),
    path("<int:year>/", views.year_overview, name="year_overview"),
    path("<int:year>/status/", views.year_status, name="year_status"),
    path(
        "<int:year>/export.xlsx", views.year_export, {"extension": "xlsx"}, name="year_export_xlsx"
    ),
    path("<int:year>/export.csv", views.year_export, {"extension": "csv"}, name="year_export_csv"),
    path("<int:year>/carry-over/", views.carry_over, name="carry_over"),
    path("<int:year>/lines/new/", views.line_create, name="line_create"),
    path("lines/<int:line_id>/", views.line_detail, name="line_detail"),
    path("lines/<int:line_id>/requests/new/", views.request_create, name="request_create"),
    path("lines/<int:line_id>/payments/new/", views.payment_create, name="payment_create"),
    path("requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:request_id>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:request_id>/propose/", views.request_propose, name="request_propose"),
    path("requests/<int:request_id>/approve/", views.request_approve, name="request_approve"),
    path(
        "requests/<int:request_id>/put-to-board/",
        views.request_put_to_board,
        name="request_put_to_board",
    ),
    path("requests/<int:request_id>/reject/", views.request_reject, name="request_reject"),
    path("requests/<int:request_id>/settle/", views.request_settle, name="request_settle"),
]
