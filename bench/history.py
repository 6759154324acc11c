"""The large board's ten years of decisions: action items and motions raised in its past meetings.

Part of the generator (runs inside Django, after `generate.past_meetings`). Written with
`bulk_create` like the rest of the large board: these are the records a board accumulates, not
changes anyone makes during the run, so nothing is audited. Deterministic from the generator's
seeded random source; dates follow the meetings they were raised in.

- Actions: spread over the meetings, each under one of the meeting's agenda items, owned by one
  or two representatives (one in a hundred by "All"), due two to eight weeks on. Those due more
  than a month ago are nearly all finished; the rest are open, in progress or waiting, as a
  secretary's reconciliation finds them.
- Motions: spread over the meetings too, closed with their frozen tallies: half carried without
  objection, the rest counted by hands or voted live. The last meeting's live votes are stored
  vote by vote (one per present organisation), so its record and minutes read real ballots.
"""

from __future__ import annotations

import datetime as dt
import random

ACTION_TEXTS = [
    "circulate the revised travel policy to the board",
    "ask the security team for the embargo list for next quarter",
    "confirm the hackathon venue and the catering quote",
    "draft the call for papers for the developer summit",
    "send the test lab's access rules to the new members",
    "reconcile the events budget with the treasurer's figures",
    "update the roadmap page after the release review",
    "collect quotes for the booth at the autumn conference",
]

MOTION_TEXTS = [
    "That the board approves the expense for the developer summit venue.",
    "That the board adopts the revised travel policy.",
    "That the board funds the test lab's hardware refresh.",
    "That the board accepts the marketing plan as circulated.",
    "That the board approves the minutes of the previous meeting.",
    "That the board sponsors the community hackathon.",
]


def build(
    board, rng: random.Random, *, actions: int, motions: int, voters, secretary, today: dt.date
) -> dict:
    """Write `actions` action items and `motions` motions over the board's adjourned meetings;
    answer the counts written."""
    from meetings.models import AgendaItem, Attendance, MeetingStatus

    rows = list(
        AgendaItem.objects.filter(meeting__board=board, meeting__status=MeetingStatus.ADJOURNED)
        .order_by("meeting__starts_at", "position")
        .values_list("pk", "meeting_id", "started_at", "ended_at")
    )
    by_meeting: dict[int, list[tuple]] = {}
    for row in rows:
        by_meeting.setdefault(row[1], []).append(row)
    meetings = list(by_meeting)
    if not meetings:
        return {"actions": 0, "motions": 0, "votes": 0}
    written = {
        "actions": _actions(board, rng, actions, by_meeting, meetings, voters, secretary, today)
    }
    last = meetings[-1]
    present = list(
        Attendance.objects.filter(meeting_id=last, organisation__isnull=False)
        .select_related("person", "organisation")
        .order_by("pk")
    )
    written |= _motions(board, rng, motions, by_meeting, meetings, voters, secretary, present)
    return written


def _actions(board, rng, count, by_meeting, meetings, voters, secretary, today) -> int:
    from actions.models import ActionItem, ActionStatus
    from bench.generate import BATCH

    made, owner_rows = [], []
    for number in range(count):
        meeting = meetings[number % len(meetings)]
        item, _meeting, started, ended = rng.choice(by_meeting[meeting])
        raised = ended or started
        due = (raised + dt.timedelta(days=rng.randint(14, 56))).date()
        if due < today - dt.timedelta(days=30):
            status = rng.choices(
                [ActionStatus.DONE, ActionStatus.DROPPED, ActionStatus.OPEN], [90, 5, 5]
            )[0]
        else:
            status = rng.choice([ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.WAITING])
        for_all = number % 100 == 99
        owners = [] if for_all else rng.sample(voters, 2 if number % 10 == 0 else 1)
        text = ACTION_TEXTS[number % len(ACTION_TEXTS)]
        who = "All" if for_all else ", ".join(person.first_name for person in owners)
        made.append(
            ActionItem(
                board=board,
                meeting_id=meeting,
                item_id=item,
                description=text[0].upper() + text[1:] + ".",
                said_as=f"Action {who}: {text}",
                for_all=for_all,
                due_on=due,
                status=status,
                status_changed_at=raised
                + dt.timedelta(days=rng.randint(1, 60) if status != ActionStatus.OPEN else 0),
                created_by=secretary,
                created_at=raised,
            )
        )
        owner_rows.append(owners)
    ActionItem.objects.bulk_create(made, batch_size=BATCH)
    Owners = ActionItem.owners.through
    Owners.objects.bulk_create(
        (
            Owners(actionitem_id=action.pk, user_id=person.pk)
            for action, owners in zip(made, owner_rows, strict=True)
            for person in owners
        ),
        batch_size=BATCH,
    )
    return len(made)


def _motions(board, rng, count, by_meeting, meetings, voters, secretary, present) -> dict:
    from bench.generate import BATCH
    from meetings.queries import organisation_unit_key
    from motions.models import Choice, Method, Motion, Outcome, Participation, Status, Vote

    made = []
    for number in range(count):
        meeting = meetings[-1 - number % len(meetings)]
        item, _meeting, started, ended = rng.choice(by_meeting[meeting])
        method = rng.choices([Method.WITHOUT_OBJECTION, Method.COUNTS, Method.LIVE], [5, 3, 2])[0]
        carried = rng.random() < 0.85
        motion = Motion(
            board=board,
            meeting_id=meeting,
            item_id=item,
            text=MOTION_TEXTS[number % len(MOTION_TEXTS)],
            proposer=rng.choice(voters),
            seconder=rng.choice(voters),
            method=method,
            status=Status.CLOSED,
            outcome=Outcome.CARRIED
            if carried or method == Method.WITHOUT_OBJECTION
            else Outcome.FAILED,
            opened_at=started,
            closed_at=started + dt.timedelta(minutes=1),
            closed_by=secretary,
            created_by=secretary,
            created_at=started,
        )
        if method != Method.WITHOUT_OBJECTION:
            eligible = len(present) or 1
            against = rng.randint(0, eligible // 3)
            abstain = rng.randint(0, eligible // 10)
            in_favour = eligible - against - abstain
            if not carried:
                in_favour, against = against, in_favour
            motion.votes_for, motion.votes_against, motion.votes_abstain = (
                in_favour,
                against,
                abstain,
            )
            motion.units_eligible = motion.units_voted = eligible
            motion.votes_needed = (in_favour + against) // 2 + 1
        made.append(motion)
    Motion.objects.bulk_create(made, batch_size=BATCH)
    # The last meeting's live votes, one per present organisation, in the stored tallies' split.
    votes, participations = [], []
    for motion in made:
        if motion.meeting_id != meetings[-1] or motion.method != Method.LIVE:
            continue
        choices = (
            [Choice.FOR] * motion.votes_for
            + [Choice.AGAINST] * motion.votes_against
            + [Choice.ABSTAIN] * motion.votes_abstain
        )
        for attendance, choice in zip(present, choices, strict=False):
            key = organisation_unit_key(attendance.organisation_id)
            at = motion.opened_at + dt.timedelta(seconds=30)
            votes.append(
                Vote(
                    motion=motion,
                    unit_key=key,
                    organisation_id=attendance.organisation_id,
                    person_id=attendance.person_id,
                    cast_by_id=attendance.person_id,
                    choice=choice,
                    cast_at=at,
                )
            )
            participations.append(
                Participation(
                    motion=motion,
                    unit_key=key,
                    unit_label=attendance.organisation.name,
                    organisation_id=attendance.organisation_id,
                    person_id=attendance.person_id,
                    cast_by_id=attendance.person_id,
                    cast_at=at,
                )
            )
    Vote.objects.bulk_create(votes, batch_size=BATCH)
    Participation.objects.bulk_create(participations, batch_size=BATCH)
    return {"motions": len(made), "votes": len(votes)}
