"""Every change to minutes: generate, revise, circulate, comment, approve, publish.

Each runs in a transaction that locks the minutes it decides on, checks the person's role and
the workflow step, and writes its audit row; views, the admin and the demo all call these.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from governance import audit
from governance.access import acting_standing
from governance.models import Role
from governance.text import DESCRIPTION_MAX, NOTE_MAX, text_refusal
from meetings.models import Meeting
from minutes.errors import BadTransition, InvalidRevision, MinutesError, MinutesNotAllowed
from minutes.generate import minutes_markdown
from minutes.models import (
    ApprovalMethod,
    Comment,
    Minutes,
    MinutesPolicy,
    MinutesStatus,
    Revision,
    RevisionKind,
)

MAX_TEXT = 200_000
SUMMARY_MAX = 300


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _roles(actor, board) -> frozenset[str]:
    return acting_standing(actor, board).roles


def require_officer(actor, board) -> None:
    if not _roles(actor, board) & {Role.CHAIR, Role.SECRETARY}:
        raise MinutesNotAllowed("Only the chair or a secretary may do this with the minutes.")


def require_member(actor, board) -> None:
    if not _roles(actor, board):
        raise MinutesNotAllowed("Only members of the board may comment on its minutes.")


def chair_may_approve(board) -> bool:
    policy = MinutesPolicy.objects.filter(board=board).first()
    return bool(policy and policy.chair_may_approve)


def _locked(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_for_update().select_related("meeting__board").get(pk=minutes.pk)


def _audit(minutes: Minutes, *, actor, action: str, summary: str, data=None) -> None:
    audit.record(
        board=minutes.meeting.board,
        actor=actor,
        action=action,
        target=minutes,
        summary=summary,
        data=data,
    )


def _add_revision(
    minutes: Minutes, *, text: str, kind: str, summary: str, actor, at, reason: str = ""
) -> Revision:
    minutes.revision_count += 1
    revision = Revision.objects.create(
        minutes=minutes,
        number=minutes.revision_count,
        kind=kind,
        text=text,
        summary=summary[:300],
        reason=reason,
        status_at_save=minutes.status,
        author=actor,
        created_at=at,
    )
    minutes.text = text
    minutes.save(update_fields=["text", "revision_count"])
    return revision


@transaction.atomic
def minutes_generate(*, meeting: Meeting, actor, at: dt.datetime | None = None) -> Minutes:
    """The first draft, written from the adjourned meeting's record."""
    meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
    require_officer(actor, meeting.board)
    if not meeting.is_adjourned:
        raise BadTransition("Minutes are generated once the meeting is adjourned.")
    if Minutes.objects.filter(meeting=meeting).exists():
        raise BadTransition(f"The minutes of {meeting.title} already exist; edit them instead.")
    at = _now(at)
    text = minutes_markdown(meeting)
    minutes = Minutes.objects.create(
        meeting=meeting,
        text="",
        record_text=text,
        record_taken_at=at,
        generated_at=at,
        generated_by=actor,
        status=MinutesStatus.DRAFT,
    )
    _add_revision(
        minutes,
        text=text,
        kind=RevisionKind.GENERATED,
        summary="Generated from the meeting record",
        actor=actor,
        at=at,
    )
    _audit(minutes, actor=actor, action="minutes.generate", summary=f"Generated {minutes.title}")
    return minutes


@transaction.atomic
def minutes_revise(
    *,
    minutes: Minutes,
    text: str,
    summary: str,
    actor,
    reason: str = "",
    kind: str = RevisionKind.EDIT,
    at: dt.datetime | None = None,
) -> Revision:
    """Save a new revision. Approved or published minutes change only with a stated reason,
    and the change is kept (and shown) as a correction."""
    minutes = _locked(minutes)
    require_officer(actor, minutes.meeting.board)
    text = text.replace("\r\n", "\n")
    summary = " ".join(summary.split())
    reason = reason.strip()
    if not text.strip():
        raise InvalidRevision("The minutes cannot be empty.")
    if len(text) > MAX_TEXT:
        raise InvalidRevision(f"The minutes are limited to {MAX_TEXT:,} characters.")
    for value, limit, noun in (
        (text, MAX_TEXT, "the minutes"),
        (summary, SUMMARY_MAX, "what changed"),
        (reason, NOTE_MAX, "the reason"),
    ):
        if refusal := text_refusal(value, limit=limit, noun=noun):
            raise InvalidRevision(refusal)
    if text.strip() == minutes.text.strip():
        raise InvalidRevision("Nothing changed; the revision was not saved.")
    if minutes.is_approved:
        if not reason:
            raise InvalidRevision(
                f"These minutes are {minutes.get_status_display().lower()}: say why they change."
            )
        kind = RevisionKind.CORRECTION if kind == RevisionKind.EDIT else kind
    if not summary:
        summary = "Corrected" if minutes.is_approved else "Edited"
    revision = _add_revision(
        minutes, text=text, kind=kind, summary=summary, actor=actor, at=_now(at), reason=reason
    )
    _audit(
        minutes,
        actor=actor,
        action="minutes.revise",
        summary=f"Revision {revision.number} of {minutes.title}: {summary}",
        data={"revision": revision.number, "reason": reason},
    )
    return revision


@transaction.atomic
def minutes_circulate(*, minutes: Minutes, actor, at: dt.datetime | None = None) -> Minutes:
    minutes = _locked(minutes)
    require_officer(actor, minutes.meeting.board)
    if not minutes.is_draft:
        raise BadTransition(
            f"Only a draft is circulated; these minutes are {minutes.get_status_display().lower()}."
        )
    minutes.status = MinutesStatus.CIRCULATED
    minutes.circulated_at = _now(at)
    minutes.circulated_by = actor
    minutes.save(update_fields=["status", "circulated_at", "circulated_by"])
    _audit(minutes, actor=actor, action="minutes.circulate", summary=f"Circulated {minutes.title}")
    return minutes


@transaction.atomic
def minutes_comment(
    *,
    minutes: Minutes,
    actor,
    text: str,
    passage: str = "",
    proposed: str = "",
    at: dt.datetime | None = None,
) -> Comment:
    """A member's comment on circulated minutes, or a proposed correction of a passage."""
    minutes = _locked(minutes)
    require_member(actor, minutes.meeting.board)
    if not minutes.is_circulated:
        raise BadTransition("Comments are taken while the minutes are circulated for review.")
    text, passage, proposed = text.strip(), passage.strip(), proposed.strip()
    if not text:
        raise InvalidRevision("Write the comment.")
    for value, noun in ((text, "the comment"), (passage, "the passage"), (proposed, "the wording")):
        if refusal := text_refusal(value, limit=DESCRIPTION_MAX, noun=noun):
            raise InvalidRevision(refusal)
    if proposed and not passage:
        raise InvalidRevision("Quote the passage the correction replaces.")
    if passage and passage not in minutes.text:
        raise InvalidRevision("That passage is not in the current minutes; copy it exactly.")
    revision = minutes.revisions.get(number=minutes.revision_count)
    comment = Comment.objects.create(
        minutes=minutes,
        revision=revision,
        author=actor,
        text=text,
        passage=passage,
        proposed=proposed,
        created_at=_now(at),
    )
    _audit(
        minutes,
        actor=actor,
        action="minutes.comment",
        summary=f"{'Proposed a correction to' if passage else 'Commented on'} {minutes.title}",
    )
    return comment


@transaction.atomic
def minutes_apply_correction(*, comment: Comment, actor, at: dt.datetime | None = None) -> Revision:
    """The secretary accepts a member's proposed correction: a new revision replacing the
    passage."""
    minutes = _locked(comment.minutes)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.is_correction:
        raise BadTransition("This comment proposes no correction.")
    if comment.applied_in_id:
        raise BadTransition("This correction is already applied.")
    if comment.passage not in minutes.text:
        raise InvalidRevision("The passage has changed since; edit the minutes instead.")
    revision = minutes_revise(
        minutes=minutes,
        text=minutes.text.replace(comment.passage, comment.proposed, 1),
        summary=f"Correction proposed by {comment.author} applied",
        actor=actor,
        at=at,
    )
    comment.applied_in = revision
    comment.save(update_fields=["applied_in"])
    return revision


@transaction.atomic
def minutes_approve(
    *,
    minutes: Minutes,
    actor,
    method: str,
    reference: str = "",
    approval_meeting: Meeting | None = None,
    at: dt.datetime | None = None,
) -> Minutes:
    """Approved by the chair (where the board allows it), or by a motion at a later meeting or
    a ballot, recorded with its reference and tally."""
    minutes = _locked(minutes)
    board = minutes.meeting.board
    reference = " ".join(reference.split())
    if method == ApprovalMethod.CHAIR:
        if Role.CHAIR not in _roles(actor, board):
            raise MinutesNotAllowed("Only the chair may approve minutes on the board's behalf.")
        if not chair_may_approve(board):
            raise MinutesNotAllowed(
                "This board approves its minutes by motion or ballot, not by the chair alone."
            )
    elif method in (ApprovalMethod.MOTION, ApprovalMethod.BALLOT):
        require_officer(actor, board)
        if not reference:
            raise InvalidRevision(
                "Name the motion or ballot that approved the minutes, and its tally."
            )
    else:
        raise InvalidRevision("Choose how the minutes were approved.")
    return approve_locked(
        minutes,
        actor=actor,
        method=method,
        reference=reference,
        approval_meeting=approval_meeting,
        at=at,
    )


def approve_locked(
    minutes: Minutes,
    *,
    actor,
    method: str,
    reference: str,
    approval_meeting: Meeting | None,
    motion=None,
    at: dt.datetime | None = None,
) -> Minutes:
    """Approve minutes already locked by the caller, whose right to approve is settled: a
    person's by `minutes_approve`, a carried motion's by `minutes.approvals`."""
    if approval_meeting is not None and (
        approval_meeting.board_id != minutes.meeting.board_id
        or approval_meeting.starts_at <= minutes.meeting.starts_at
    ):
        raise InvalidRevision("Minutes are approved at a later meeting of the same board.")
    if not minutes.is_circulated:
        if minutes.is_approved:
            raise BadTransition("These minutes are already approved.")
        raise BadTransition("Circulate the minutes to the board before they are approved.")
    before = audit.snapshot(minutes)
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_at = _now(at)
    minutes.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    minutes.approval_method = method
    minutes.approval_reference = reference[:300]
    minutes.approval_meeting = approval_meeting
    if motion is not None:
        minutes.approval_motion = motion
    minutes.save(
        update_fields=[
            "status",
            "approved_at",
            "approved_by",
            "approval_method",
            "approval_reference",
            "approval_meeting",
            "approval_motion",
        ]
    )
    audit.record(
        board=minutes.meeting.board,
        actor=actor,
        action="minutes.approve",
        target=minutes,
        summary=f"Approved {minutes.title} ({ApprovalMethod(method).label.lower()})",
        data={"method": method, "reference": reference},
        changes=audit.changes_between(before, audit.snapshot(minutes)),
    )
    return minutes


@transaction.atomic
def minutes_publish(*, minutes: Minutes, actor, at: dt.datetime | None = None) -> Minutes:
    minutes = _locked(minutes)
    require_officer(actor, minutes.meeting.board)
    if minutes.is_published:
        raise BadTransition("These minutes are already published.")
    if minutes.status != MinutesStatus.APPROVED:
        raise BadTransition("Minutes are published only once the board has approved them.")
    minutes.status = MinutesStatus.PUBLISHED
    minutes.published_at = _now(at)
    minutes.published_by = actor
    minutes.save(update_fields=["status", "published_at", "published_by"])
    _audit(minutes, actor=actor, action="minutes.publish", summary=f"Published {minutes.title}")
    return minutes


__all__ = [
    "MinutesError",
    "minutes_apply_correction",
    "minutes_approve",
    "minutes_circulate",
    "minutes_comment",
    "minutes_generate",
    "minutes_publish",
    "minutes_revise",
]
