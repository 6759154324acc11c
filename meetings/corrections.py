"""Correct the record: the one way an adjourned meeting's record changes.

The chair or a secretary states what changes and why; the correction is kept as a row (each
field before and after, who, when, the reason), audited, and shown on the meeting page beside
what it changed. Quorum and the timeline are read from the attendance rows and their stretches,
so correcting an arrival, a departure or a time away recomputes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from governance import audit
from governance.access import acting_standing
from governance.formatting import day, when
from governance.models import Standing
from meetings.errors import CorrectionRefused
from meetings.locking import _locked, _recorded
from meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Correction,
    CorrectionKind,
    Meeting,
    Note,
    Presence,
)
from meetings.presence import (
    Stretch,
    minute,
    presence_snapshot,
    stretches_refusal,
    stretches_stored,
)

REASON_MAX = 500

FIELD_LABELS = {
    "status": "Attendance",
    "stretches": "In the room",
    "text": "Statement",
    "speaker_id": "Speaker",
    "title": "Title",
    "summary": "Summary",
}


# -- Who may correct -----------------------------------------------------------------------------


def may_correct(user, meeting: Meeting, standing: Standing | None = None) -> bool:
    """Any secretary of the board and whoever chaired the meeting (the board's chair when the
    meeting named nobody), while they sit on the board. Not the minute taker: a correction
    overrules the record they kept, so an officer answers for it."""
    if not getattr(user, "is_authenticated", False):
        return False
    # A superuser with a seat acts with that seat, one without as chair and secretary.
    standing = standing or acting_standing(user, meeting.board)
    if standing.is_secretary:
        return True
    if meeting.chair_id is not None:
        return meeting.chair_id == user.pk and standing.is_member
    return standing.is_chair


# -- What a correction would change ------------------------------------------------------------


@dataclass(frozen=True)
class Proposed:
    """A correction as asked, checked but not yet made: the fields that change, before and
    after (as stored: times in ISO, rows by id)."""

    kind: str
    target: models.Model
    values: dict[str, Any]
    changes: dict[str, list[Any]]

    def lines(self, names: dict[int, str] | None = None) -> list[tuple[str, str, str]]:
        return change_lines(self.changes, names or {})


def change_lines(
    changes: dict[str, list[Any]], names: dict[int, str]
) -> list[tuple[str, str, str]]:
    """(what, before, after) in words, in the reader's time zone."""
    return [
        (FIELD_LABELS.get(field, field), _said(field, before, names), _said(field, after, names))
        for field, (before, after) in changes.items()
    ]


def _said(field: str, value: Any, names: dict[int, str]) -> str:
    if field == "status":
        return AttendanceStatus(value).label if value in AttendanceStatus.values else str(value)
    if field == "stretches":
        return stretches_said(value or [])
    if field == "speaker_id":
        return names.get(value, "someone no longer recorded") if value else "no speaker"
    return value if value else "(empty)"


def stretches_said(stretches: list) -> str:
    """'from the opening to 10:20 BST; 10:40 BST to the end', in the reader's zone."""
    if not stretches:
        return "not in the room"

    def said(value, empty: str) -> str:
        if value is None:
            return empty
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return when(value, "time")

    return "; ".join(
        f"{said(arrived, 'from the opening')} to {said(departed, 'the end')}"
        for arrived, departed in stretches
    )


def _kept(typed: dt.datetime | None, recorded: list[dt.datetime]) -> dt.datetime | None:
    """A time typed as the record shows it (to the minute) keeps the record's seconds."""
    if typed is None:
        return None
    return next((moment for moment in recorded if minute(moment) == minute(typed)), typed)


def _attendance_values(
    attendance: Attendance,
    meeting: Meeting,
    *,
    status: str,
    stretches: list[Stretch],
) -> dict[str, Any]:
    if status not in AttendanceStatus.values:
        raise CorrectionRefused("Choose present, apologies or absent.")
    if status != AttendanceStatus.PRESENT:
        return {"status": status, "stretches": []}
    # Times are given to the minute; the meeting's own are kept to the second.
    recorded = [m for pair in stretches_stored(attendance) for m in pair if m is not None]
    kept = [(_kept(arrived, recorded), _kept(left, recorded)) for arrived, left in stretches]
    # Kept as the database keeps them (UTC), so an unchanged stretch compares equal.
    kept = [tuple(m.astimezone(dt.UTC) if m else None for m in pair) for pair in kept]
    kept.sort(key=lambda s: (s[0] is not None, s[0] or meeting.started_at))
    refusal = stretches_refusal(
        attendance.name, kept, opened=meeting.started_at, closed=meeting.adjourned_at
    )
    if refusal:
        raise CorrectionRefused(refusal)
    return {"status": status, "stretches": kept}


def _note_values(note: Note, meeting: Meeting, *, text: str, speaker: Attendance | None):
    text = text.strip().replace("\r\n", "\n")
    if not text:
        raise CorrectionRefused("A statement cannot be empty; say what was said.")
    if speaker is not None and (
        speaker.meeting_id != meeting.pk or speaker.status != AttendanceStatus.PRESENT
    ):
        raise CorrectionRefused("Choose a speaker recorded present at this meeting.")
    return {"text": text, "speaker_id": speaker.pk if speaker else None}


def _item_values(item: AgendaItem, meeting: Meeting, *, title: str, summary: str):
    title = " ".join(title.split())
    if not title:
        raise CorrectionRefused("Give the item a title.")
    return {"title": title, "summary": summary.strip().replace("\r\n", "\n")}


def _proposed(kind: str, target: models.Model, values: dict[str, Any]) -> Proposed:
    if kind == CorrectionKind.ATTENDANCE:
        before = presence_snapshot(target)
    else:
        before = audit.snapshot(target, fields=list(values))
    after = {name: audit.plain(value) for name, value in values.items()}
    changes = audit.changes_between(before, after)
    if not changes:
        raise CorrectionRefused("Nothing changes: the record already says this.")
    return Proposed(kind=kind, target=target, values=values, changes=changes)


def _closed_meeting_of(meeting: Meeting) -> None:
    if not meeting.is_adjourned:
        raise CorrectionRefused(
            "Only an adjourned meeting's record is corrected; while the meeting runs, change "
            "it in the console."
        )


def attendance_correction_proposed(
    *, attendance: Attendance, status: str, stretches: list[Stretch]
) -> Proposed:
    meeting = attendance.meeting
    _closed_meeting_of(meeting)
    values = _attendance_values(attendance, meeting, status=status, stretches=stretches)
    return _proposed(CorrectionKind.ATTENDANCE, attendance, values)


def note_correction_proposed(*, note: Note, text: str, speaker: Attendance | None) -> Proposed:
    meeting = note.item.meeting
    _closed_meeting_of(meeting)
    return _proposed(
        CorrectionKind.NOTE, note, _note_values(note, meeting, text=text, speaker=speaker)
    )


def item_correction_proposed(*, item: AgendaItem, title: str, summary: str) -> Proposed:
    meeting = item.meeting
    _closed_meeting_of(meeting)
    return _proposed(
        CorrectionKind.ITEM, item, _item_values(item, meeting, title=title, summary=summary)
    )


# -- Making it ---------------------------------------------------------------------------------


def _checked_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise CorrectionRefused("Say why the record is corrected; the reason is shown with it.")
    if len(reason) > REASON_MAX:
        raise CorrectionRefused(f"Keep the reason under {REASON_MAX} characters.")
    return reason


def _correct(
    *, meeting: Meeting, target: models.Model, kind: str, values_of, actor, reason: str
) -> Correction:
    """Lock the meeting and the row, check again on what is stored now, write, keep, audit."""
    reason = _checked_reason(reason)
    locked = _locked(meeting, closed_ok=True)
    _closed_meeting_of(locked)
    if not may_correct(actor, locked):
        raise CorrectionRefused("Only the meeting's chair or a secretary corrects the record.")
    row = type(target).objects.select_for_update().get(pk=target.pk)
    proposed = _proposed(kind, row, values_of(row, locked))
    values = dict(proposed.values)
    stretches = values.pop("stretches", None)
    for name, value in values.items():
        setattr(row, name, value)
    fields = list(values)
    if stretches is not None:
        # The stretches are replaced as a whole: the correction keeps them before and after.
        row.stretches.all().delete()
        Presence.objects.bulk_create(
            Presence(attendance=row, arrived_at=arrived, departed_at=departed)
            for arrived, departed in stretches
        )
    if kind == CorrectionKind.ITEM and "summary" in proposed.changes:
        row.summary_version = F("summary_version") + 1
        row.summary_updated_by = actor
        row.summary_updated_at = timezone.now()
        fields += ["summary_version", "summary_updated_by", "summary_updated_at"]
    row.save(update_fields=fields)
    correction = Correction.objects.create(
        meeting=locked,
        kind=kind,
        before={name: change[0] for name, change in proposed.changes.items()},
        after={name: change[1] for name, change in proposed.changes.items()},
        reason=reason,
        made_by=actor,
        **{kind: row},
    )
    _recorded(
        locked,
        actor=actor,
        action="meeting.correct",
        target=row,
        summary=f"Corrected the record of “{locked.title}” ({day(locked.date)}): {reason}",
        data={"correction": correction.pk, "kind": kind},
        changes=proposed.changes,
    )
    return correction


@transaction.atomic
def attendance_correct(
    *,
    attendance: Attendance,
    actor,
    reason: str,
    status: str,
    stretches: list[Stretch],
) -> Correction:
    """Correct who was there and when: `stretches` is the whole list as it should read (a
    stretch added, changed or removed); quorum and its timeline follow from them."""
    return _correct(
        meeting=attendance.meeting,
        target=attendance,
        kind=CorrectionKind.ATTENDANCE,
        values_of=lambda row, meeting: _attendance_values(
            row, meeting, status=status, stretches=stretches
        ),
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def note_correct(
    *, note: Note, actor, reason: str, text: str, speaker: Attendance | None
) -> Correction:
    """Correct what a statement says, or who said it."""
    return _correct(
        meeting=note.item.meeting,
        target=note,
        kind=CorrectionKind.NOTE,
        values_of=lambda row, meeting: _note_values(row, meeting, text=text, speaker=speaker),
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def item_correct(*, item: AgendaItem, actor, reason: str, title: str, summary: str) -> Correction:
    """Correct an agenda item's title or its summary."""
    return _correct(
        meeting=item.meeting,
        target=item,
        kind=CorrectionKind.ITEM,
        values_of=lambda row, meeting: _item_values(row, meeting, title=title, summary=summary),
        actor=actor,
        reason=reason,
    )


# -- Reading them ------------------------------------------------------------------------------


def corrections_of(meeting: Meeting, names: dict[int, str]) -> list[Correction]:
    """The meeting's corrections, oldest first, each with `lines` in words: one query."""
    corrections = list(meeting.corrections.select_related("made_by").order_by("made_at", "pk"))
    for correction in corrections:
        changes = {
            name: [correction.before.get(name), correction.after.get(name)]
            for name in correction.after
        }
        correction.lines = change_lines(changes, names)
    return corrections
