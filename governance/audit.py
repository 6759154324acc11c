"""The audit log: services call `record` inside their transaction for every change that matters.

An entry says who did what to which row, and, for a change, each field's value before and after
(`snapshot` before the write, `snapshot` after, `changes_between` the two). The summary is a
plain sentence; pages and the admin render times in the reader's zone when they read it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import models

from governance.models import AuditEntry, Board

Snapshot = dict[str, Any]


def record(
    *,
    board: Board | None,
    actor,
    action: str,
    target: models.Model | None = None,
    summary: str,
    data: dict[str, Any] | None = None,
    changes: dict[str, list[Any]] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        board=board,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        summary=summary[:300],
        data=data or {},
        changes=changes or {},
    )


def plain(value: Any) -> Any:
    """A field value as JSON keeps it exactly: money and times as text, rows as their key."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [plain(item) for item in value]
    return value


def snapshot(instance: models.Model | None, fields: list[str] | None = None) -> Snapshot:
    """The concrete fields of a row (foreign keys by id), to compare with `changes_between`."""
    if instance is None:
        return {}
    names = fields or [
        field.attname for field in instance._meta.concrete_fields if not field.primary_key
    ]
    return {name: plain(getattr(instance, name)) for name in names}


def changes_between(before: Snapshot, after: Snapshot) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field whose value differs; absent counts as None."""
    names = [*before, *(name for name in after if name not in before)]
    return {
        name: [before.get(name), after.get(name)]
        for name in names
        if before.get(name) != after.get(name)
    }
