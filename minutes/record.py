"""Corrections of the meeting's record made after its minutes were written, offered to the
minutes as a new revision.

The minutes keep the text the record gave when they last took it in (`record_text`). A later
correction of the record (`meetings.Correction`) changes what the record gives; the difference
between the two is carried into the secretary's edited text, passage by passage, where each
passage still reads as the record wrote it. A passage the secretary has since rewritten is not
guessed at: the change is refused whole, with the passages named, to be made in the editor.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from governance import audit
from meetings.models import Correction
from minutes import services
from minutes.errors import InvalidRevision
from minutes.generate import minutes_markdown
from minutes.models import Minutes, RevisionKind


@dataclass(frozen=True)
class Passage:
    before: list[str]
    after: list[str]


def corrections_pending(minutes: Minutes) -> list[Correction]:
    """Corrections of the record made since the minutes last took it in, oldest first."""
    pending = Correction.objects.filter(meeting_id=minutes.meeting_id)
    if minutes.record_taken_at is not None:
        pending = pending.filter(made_at__gt=minutes.record_taken_at)
    return list(pending.select_related("made_by").order_by("made_at", "pk"))


def _where(lines: list[str], block: list[str]) -> list[int]:
    size = len(block)
    return [k for k in range(len(lines) - size + 1) if lines[k : k + size] == block]


def carried_over(*, was: str, now: str, edited: str) -> tuple[str, list[Passage]]:
    """`edited` with every change from `was` to `now` made where its passage is found unchanged
    (once, exactly); the passages that could not be placed are returned instead."""
    base, fresh, lines = was.split("\n"), now.split("\n"), edited.split("\n")
    edits: list[tuple[int, int, list[str]]] = []  # (start, end) in `lines`, replacement
    misplaced: list[Passage] = []
    matcher = difflib.SequenceMatcher(a=base, b=fresh, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old, new = base[i1:i2], fresh[j1:j2]
        if old:
            found = _where(lines, old)
            if len(found) == 1:
                edits.append((found[0], found[0] + len(old), new))
                continue
        else:  # an insertion: after the passage before it, or before the one after it
            start = i1 - 1
            while start >= 0 and not base[start].strip():
                start -= 1
            before = _where(lines, base[start:i1]) if start >= 0 else []
            if len(before) == 1:
                at = before[0] + i1 - start
                edits.append((at, at, new))
                continue
            end = i1
            while end < len(base) and not base[end].strip():
                end += 1
            after = _where(lines, base[i1 : end + 1]) if end < len(base) else []
            if len(after) == 1:
                edits.append((after[0], after[0], new))
                continue
        misplaced.append(Passage(before=old, after=new))
    edits.sort(key=lambda edit: (edit[0], edit[1]))
    for (_s1, end1, _n1), (start2, _e2, _n2) in zip(edits, edits[1:], strict=False):
        if start2 < end1:
            return edited, [Passage(before=base, after=fresh)]  # overlapping: place none
    for start, end, new in reversed(edits):
        lines[start:end] = new
    return "\n".join(lines), misplaced


def _reasons(corrections: list[Correction]) -> str:
    return "; ".join(correction.reason for correction in corrections)


@transaction.atomic
def minutes_take_corrections(
    *, minutes: Minutes, actor, by_hand: bool = False, at: dt.datetime | None = None
) -> Minutes:
    """Carry the corrections of the record made since the minutes were written into them, as a
    new revision whose reason is the corrections' own; `by_hand`: the secretary has made them in
    the editor, and the minutes only note that they have taken them in."""
    minutes = services._locked(minutes)
    services.require_officer(actor, minutes.meeting.board)
    pending = corrections_pending(minutes)
    if not pending:
        raise InvalidRevision("The record has not been corrected since these minutes took it in.")
    fresh = minutes_markdown(minutes.meeting)
    text, misplaced = carried_over(was=minutes.record_text, now=fresh, edited=minutes.text)
    if by_hand:
        text, misplaced = minutes.text, []
    if misplaced:
        shown = "; ".join(
            f"“{' / '.join(line for line in passage.before if line.strip())[:120]}”"
            for passage in misplaced[:3]
        )
        raise InvalidRevision(
            "These passages were edited since the record gave them, so the correction is not "
            f"placed by itself: {shown}. Make the change in the editor, then say so here."
        )
    at = at or timezone.now()
    before = audit.snapshot(minutes, ["record_taken_at"])
    reason = f"The record was corrected: {_reasons(pending)}"[:1000]
    if text.strip() != minutes.text.strip():
        services._add_revision(
            minutes,
            text=text,
            kind=RevisionKind.REGENERATED,
            summary=f"Corrections of the record taken in ({len(pending)})",
            actor=actor,
            at=at,
            reason=reason if minutes.is_approved else "",
        )
    minutes.record_text = fresh
    minutes.record_taken_at = max(at, pending[-1].made_at)
    minutes.save(update_fields=["record_text", "record_taken_at"])
    audit.record(
        board=minutes.meeting.board,
        actor=actor,
        action="minutes.take_corrections",
        target=minutes,
        summary=f"{minutes.title}: took in {len(pending)} correction(s) of the record",
        data={"corrections": [correction.pk for correction in pending]},
        changes=audit.changes_between(before, audit.snapshot(minutes, ["record_taken_at"])),
    )
    return minutes
