"""The audit log: services call `record` inside their transaction for every change that matters."""

from __future__ import annotations

from typing import Any

from django.db import models

from governance.models import AuditEntry, Board


def record(
    *,
    board: Board,
    actor,
    action: str,
    target: models.Model | None = None,
    summary: str,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        board=board,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        data=data or {},
    )
