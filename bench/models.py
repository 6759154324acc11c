"""The controls' tables: they exist only in a database migrated with BENCH on."""

from django.db import models


class Fortune(models.Model):
    message = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.message


class InsertedRow(models.Model):
    """One row per bare-insert control request: the cheapest write the app can make."""

    note = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.note
