"""Every change to an action item. Pages, the console, the admin and the demo all come through here.

Each service runs in one transaction, locks what it decides on, writes its `ActionUpdate` rows
(history, never overwritten) and an audit row, and tells the live pages of the meetings that show
the action (the one it came from, and any meeting in progress) that something changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from actions.errors import ActionClosed, ActionRefused, NotAllowed, NothingToUpdate, UnknownOwner
from actions.models import UNFINISHED, ActionItem, ActionStatus, ActionUpdate
from governance import audit
from governance.access import acting_standing
from governance.formatting import day
from governance.models import Board, Seat, User
from governance.text import text_refusal
from meetings.access import can_record
from meetings.models import AgendaItem, Meeting, MeetingStatus
from meetings.services import meeting_changed, meeting_lock_for_change

NOTE_MAX = 2000
DESCRIPTION_MAX = 2000


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()


def _tell_live_pages(board: Board, *meeting_ids: int | None) -> None:
    """Meetings whose pages show the action: where it was raised or reviewed, and any meeting
    in progress (its summary shows the action's current status)."""
    wanted = Q(board=board, status=MeetingStatus.IN_PROGRESS)
    ids = [pk for pk in meeting_ids if pk]
    if ids:
        wanted |= Q(pk__in=ids)
    for meeting in Meeting.objects.filter(wanted).order_by("pk"):
        meeting_changed(meeting=meeting)


def seated_people(board: Board, on: dt.date) -> QuerySet[User]:
    """Everyone holding a seat on the board on `on`: who may own an action."""
    return User.objects.filter(
        pk__in=Seat.objects.current(on).filter(board=board).values("person")
    ).order_by("full_name")


def _check_owners(board: Board, owners: Sequence[User], for_all: bool, on: dt.date) -> list[User]:
    if for_all:
        return []
    if not owners:
        raise UnknownOwner("Name who will do it, or choose the whole board (“All”).")
    seated = {person.pk for person in seated_people(board, on)}
    strangers = [person for person in owners if person.pk not in seated]
    if strangers:
        names = ", ".join(person.full_name for person in strangers)
        raise UnknownOwner(f"{names} holds no seat on {board} on {day(on)}; choose a member.")
    return list({person.pk: person for person in owners}.values())


def _may_update(actor, action: ActionItem) -> bool:
    return acting_standing(actor, action.board).is_officer or action.is_owned_by(actor)


def _is_officer(actor, board: Board) -> bool:
    return acting_standing(actor, board).is_officer


@transaction.atomic
def action_record(
    *,
    board: Board,
    description: str,
    actor,
    owners: Sequence[User] = (),
    for_all: bool = False,
    due_on: dt.date | None = None,
    item: AgendaItem | None = None,
    said_as: str = "",
    at: dt.datetime | None = None,
) -> ActionItem:
    """Raise an action: under `item` while its meeting is in progress (by whoever records the
    meeting), or between meetings (by the chair or the secretary)."""
    description = description.strip()
    if not description:
        raise ActionRefused("Say what is to be done.")
    if refusal := text_refusal(description, limit=DESCRIPTION_MAX, noun="the action"):
        raise ActionRefused(refusal)
    if refusal := text_refusal(said_as, limit=DESCRIPTION_MAX, noun="the words as said"):
        raise ActionRefused(refusal)
    now = at or timezone.now()
    meeting = None
    if item is not None:
        meeting = meeting_lock_for_change(item.meeting)
        if meeting.board_id != board.pk:
            raise ActionRefused("That agenda item belongs to another board.")
        if not meeting.is_in_progress:
            raise ActionClosed(
                "The meeting is adjourned; its record is closed. Raise the action between "
                "meetings instead."
                if meeting.is_adjourned
                else "Start the meeting before recording its actions."
            )
        on = meeting.date
    else:
        if not _is_officer(actor, board):
            raise NotAllowed("Only the chair and the secretary raise actions between meetings.")
        on = timezone.localdate(now, board.zone)
    owners = _check_owners(board, owners, for_all, on)
    action = ActionItem.objects.create(
        board=board,
        meeting=meeting,
        item=item,
        description=description,
        said_as=said_as.strip(),
        for_all=for_all,
        due_on=due_on,
        created_by=actor,
        created_at=now,
        status_changed_at=now,
    )
    action.owners.set(owners)
    audit.record(
        board=board,
        actor=actor,
        action="action.record",
        target=action,
        summary=f"Recorded the action “{description[:120]}” for {action.owner_names}"
        + (f" in “{meeting.title}”" if meeting else ""),
        data={"owners": [person.pk for person in owners], "for_all": for_all},
    )
    _tell_live_pages(board, action.meeting_id)
    return action


def _owners_text(for_all: bool, owners: Iterable[User]) -> str:
    if for_all:
        return "All"
    return ", ".join(sorted(person.full_name for person in owners))


@transaction.atomic
def action_update(
    *,
    action: ActionItem,
    actor,
    note: str = "",
    status: str = "",
    due_on: dt.date | None | _Unchanged = UNCHANGED,
    owners: Sequence[User] | None = None,
    for_all: bool | None = None,
    reviewed_in: Meeting | None = None,
    at: dt.datetime | None = None,
) -> ActionUpdate:
    """Add to an action's history: a progress note, and optionally a new status, due date or
    owners (reassignment is the chair's and the secretary's). `reviewed_in` records that the
    chair reviewed it in that meeting, which must be in progress."""
    locked = (
        ActionItem.objects.select_for_update(of=("self",)).select_related("board").get(pk=action.pk)
    )
    board = locked.board
    recorded = audit.snapshot(locked)
    if not _may_update(actor, locked):
        raise NotAllowed("Only the action's owners, the chair and the secretary update it.")
    note = note.strip().replace("\r\n", "\n")
    if refusal := text_refusal(note, limit=NOTE_MAX, noun="the note"):
        raise ActionRefused(refusal)
    if status and status not in ActionStatus.values:
        raise ActionRefused("Choose open, in progress, waiting, done or dropped.")
    if status == locked.status:
        status = ""
    officer = _is_officer(actor, board)
    if locked.is_dropped and not (status in UNFINISHED and officer):
        raise ActionClosed(
            f"This action was dropped on {day(locked.status_changed_at)}; it takes no more "
            "updates."
            + (" Reopen it to continue." if officer else " The chair or secretary can reopen it.")
        )
    now = at or timezone.now()
    if reviewed_in is not None:
        meeting = meeting_lock_for_change(reviewed_in)
        if meeting.board_id != board.pk or not meeting.is_in_progress:
            raise ActionClosed("Actions are reviewed in a meeting while it is in progress.")
        if not can_record(actor, acting_standing(actor, board), meeting):
            raise NotAllowed("Only whoever records the meeting reviews its actions.")
    update = ActionUpdate(action=locked, at=now, author=actor, note=note, reviewed_in=reviewed_in)
    changed = []
    if status:
        update.status, update.previous_status = status, locked.status
        locked.status, locked.status_changed_at = status, now
        changed += ["status", "status_changed_at"]
    if not isinstance(due_on, _Unchanged) and due_on != locked.due_on:
        update.due_changed = True
        update.due_on, update.previous_due_on = due_on, locked.due_on
        locked.due_on = due_on
        changed.append("due_on")
    current_owners = list(locked.owners.all())
    recorded["owners"] = _owners_text(locked.for_all, current_owners)
    new_owners: list[User] | None = None
    if owners is not None or for_all is not None:
        wanted_all = locked.for_all if for_all is None else for_all
        wanted = list(owners) if owners is not None else current_owners
        before = _owners_text(locked.for_all, current_owners)
        after_owners = _check_owners(board, wanted, wanted_all, timezone.localdate(now))
        after = _owners_text(wanted_all, after_owners)
        if after != before:
            if not officer:
                raise NotAllowed("Only the chair and the secretary reassign an action.")
            update.owners_changed = True
            update.owners_text, update.previous_owners_text = after[:500], before[:500]
            locked.for_all = wanted_all
            changed.append("for_all")
            new_owners = after_owners
    if not (note or changed or reviewed_in):
        raise NothingToUpdate("Write a progress note, or change the status, owners or due date.")
    update.save()
    if changed:
        locked.save(update_fields=changed)
    if new_owners is not None:
        locked.owners.set(new_owners)
    now_recorded = {
        **audit.snapshot(locked),
        "owners": _owners_text(
            locked.for_all, current_owners if new_owners is None else new_owners
        ),
        "note": note or None,
    }
    said = "; ".join(update.changes) or "progress note"
    audit.record(
        board=board,
        actor=actor,
        action="action.review" if reviewed_in else "action.update",
        target=locked,
        summary=f"Updated the action “{locked.description[:100]}”: {said}",
        data={
            "update": update.pk,
            "status": status,
            "reviewed_in": getattr(reviewed_in, "pk", None),
        },
        changes=audit.changes_between(recorded, now_recorded),
    )
    _tell_live_pages(board, locked.meeting_id, getattr(reviewed_in, "pk", None))
    action.status, action.due_on, action.for_all = locked.status, locked.due_on, locked.for_all
    action.status_changed_at = locked.status_changed_at
    return update


@transaction.atomic
def actions_bulk_update(
    *,
    actions: Sequence[ActionItem],
    actor,
    note: str = "",
    status: str = "",
    owners: Sequence[User] | None = None,
    for_all: bool | None = None,
) -> list[ActionUpdate]:
    """The secretary's bulk change: one note and one change for each action, all or none."""
    if not actions:
        raise NothingToUpdate("Tick the actions to change first.")
    if not status and owners is None and for_all is None:
        raise NothingToUpdate("Choose a new status or new owners for the ticked actions.")
    updates = []
    # One order for every writer, so two bulk changes never wait on each other in a circle.
    for action in sorted(actions, key=lambda each: each.pk):
        try:
            updates.append(
                action_update(
                    action=action,
                    actor=actor,
                    note=note,
                    status=status,
                    owners=owners,
                    for_all=for_all,
                )
            )
        except NothingToUpdate:
            continue  # already so: nothing to say about this one
        except ActionRefused as error:
            raise type(error)(
                f"Nothing was changed. “{action.description[:80]}”: {error.message}"
            ) from error
    if not updates:
        raise NothingToUpdate("The ticked actions already are so; nothing was changed.")
    return updates
