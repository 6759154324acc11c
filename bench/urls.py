"""Mounted under /bench/ only when settings.BENCH is on (never in a normal deployment)."""

from django.urls import path

from bench import views

app_name = "bench"

urlpatterns = [
    path("fortunes/", views.fortunes, name="fortunes"),
    path("fortunes/plain/", views.fortunes_plain, name="fortunes_plain"),
    path("insert/", views.insert, name="insert"),
]
