"""Reads that several pages share: quorum at any moment, the meeting record, the roll call.

`quorum_of` and `quorum_timeline` are the board's one answer to "were we quorate then?"; the
motions and votes of a later issue ask them at the moment of each decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch
from django.utils import timezone

from governance.formatting import long_day
from governance.models import (
    Board,
    Organisation,
    QuorumRuleMethods,
    Role,
    Seat,
    VotingBasis,
    seated_voting_units,
    seats_on,
    unit_noun_for,
)
from meetings.models import (
    GUEST,
    QUORUM_ROLES,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    Note,
)

# -- Quorum ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    """How many voting units were present at a moment, against the board's rule."""

    present: int
    required: int
    unit_noun_one: str
    unit_noun_many: str
    organisations: tuple[Organisation, ...] = field(default_factory=tuple)
    at: dt.datetime | None = None

    @property
    def is_quorate(self) -> bool:
        return self.present >= self.required

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.present)

    @property
    def label(self) -> str:
        """'Quorate: 9 of 9 required' or '1 organisation short of quorum'."""
        if self.is_quorate:
            return f"Quorate: {self.present} of {self.required} required"
        noun = self.unit_noun_one if self.shortfall == 1 else self.unit_noun_many
        return f"{self.shortfall} {noun} short of quorum"

    @property
    def tone(self) -> str:
        return "ok" if self.is_quorate else "bad"


def quorum_of(
    meeting: Meeting,
    at: dt.datetime | None = None,
    *,
    attendances: Iterable[Attendance] | None = None,
    required: int | None = None,
) -> Quorum:
    """Quorum of `meeting` at `at` (None: as things stand now).

    Counts distinct voting units with a voting representative or an alternate present: an
    organisation (or, on a board that votes by person, a representative, for whom their
    alternate stands in). Non-voting members, officers without a vote, staff and guests never
    count; an organisation under announcement embargo counts like any other.

    Pass `attendances` (with organisation loaded) and `required` when the caller already has
    them, to spend no queries.
    """
    if attendances is None:
        attendances = meeting.attendances.present().select_related("organisation")
    if required is None:
        required = quorum_required_for(meeting)
    basis = voting_basis_for(meeting)
    units: set[tuple[str, int]] = set()
    organisations: dict[int, Organisation] = {}
    voters_present = [a for a in attendances if a.sits_for_vote and a.is_present_at(at)]
    represented = {a.organisation_id for a in voters_present if a.role == Role.VOTING}
    for attendance in voters_present:
        organisations[attendance.organisation_id] = attendance.organisation
        if basis == VotingBasis.PERSON and attendance.role == Role.VOTING:
            units.add(("person", attendance.person_id or -attendance.pk))
        elif basis == VotingBasis.PERSON:
            # An alternate is a proxy: they hold a vote only while their representative is away.
            if attendance.organisation_id not in represented:
                units.add(("proxy", attendance.organisation_id))
        else:
            units.add(("organisation", attendance.organisation_id))
    return Quorum(
        present=len(units),
        required=required,
        unit_noun_one=unit_noun_for(basis, 1),
        unit_noun_many=unit_noun_for(basis, 2),
        organisations=tuple(sorted(organisations.values(), key=lambda o: o.name)),
        at=at,
    )


def quorum_rule_for(meeting: Meeting) -> QuorumRuleMethods:
    """The board's quorum rule in force on the meeting's date (kept on the instance: one query
    however often the page asks)."""
    rule = meeting.__dict__.get("_quorum_rule_in_force")
    if rule is None:
        rule = meeting.board.rule_on(meeting.date)
        meeting.__dict__["_quorum_rule_in_force"] = rule
    return rule


def voting_basis_for(meeting: Meeting) -> str:
    """How the meeting counts votes: as it started, else as the rule in force on its date."""
    return meeting.quorum_voting_basis or quorum_rule_for(meeting).voting_basis


def quorum_required_for(meeting: Meeting) -> int:
    """The number the meeting needs: as it started (the snapshot, however the board's rule has
    changed since), else by the rule in force on its date."""
    if meeting.quorum_required is not None:
        return meeting.quorum_required
    rule = quorum_rule_for(meeting)
    return rule.quorum_required(seated_voting_units(meeting.board, meeting.date, rule.voting_basis))


@dataclass(frozen=True)
class QuorumRuleApplied:
    """Which rule a meeting's quorum follows, as its record says it."""

    required: int
    rule_text: str  # '9 voting organisations present'
    voting_basis: str
    in_force_from: dt.date | None  # None: the board's founding rule
    on: dt.date  # the meeting's date
    kept: bool  # taken when the meeting started (False: the rule in force today for that date)

    @property
    def number_and_rule(self) -> str:
        """'9, the rule in force on 15 May 2014'."""
        return f"{self.required}, the rule in force on {long_day(self.on)}"

    @property
    def label(self) -> str:
        """'quorum 9, the rule in force on 15 May 2014'."""
        return f"quorum {self.number_and_rule}"

    @property
    def explanation(self) -> str:
        """'9 voting organisations present; in force from 1 January 2014'."""
        since = (
            f"in force from {long_day(self.in_force_from)}"
            if self.in_force_from
            else "the board's founding rule"
        )
        return f"{self.rule_text}; {since}"


def quorum_rule_applied(meeting: Meeting, required: int | None = None) -> QuorumRuleApplied:
    if meeting.quorum_required is not None and meeting.quorum_rule_text:
        return QuorumRuleApplied(
            required=meeting.quorum_required,
            rule_text=meeting.quorum_rule_text,
            voting_basis=meeting.quorum_voting_basis,
            in_force_from=meeting.quorum_rule_from,
            on=meeting.date,
            kept=True,
        )
    rule = quorum_rule_for(meeting)
    return QuorumRuleApplied(
        required=quorum_required_for(meeting) if required is None else required,
        rule_text=rule.describe_quorum_rule(),
        voting_basis=rule.voting_basis,
        in_force_from=getattr(rule, "effective_from", None),
        on=meeting.date,
        kept=False,
    )


@dataclass(frozen=True)
class QuorumChange:
    at: dt.datetime
    quorum: Quorum

    @property
    def is_quorate(self) -> bool:
        return self.quorum.is_quorate


def quorum_timeline(
    meeting: Meeting,
    *,
    attendances: Iterable[Attendance] | None = None,
    required: int | None = None,
) -> list[QuorumChange]:
    """When quorum was gained and lost: the state at the opening, then each change.

    Empty for a meeting that has not started. Arrivals and departures (every stretch's ends)
    are the only moments the answer can change, so only those are evaluated.
    """
    if meeting.is_scheduled:
        return []
    if attendances is None:
        attendances = list(meeting.attendances.present().select_related("organisation"))
    else:
        attendances = list(attendances)
    if required is None:
        required = quorum_required_for(meeting)
    opened = meeting.opened_at
    end = meeting.adjourned_at
    moments = {opened}
    for attendance in attendances:
        for stretch in attendance.presence if attendance.is_present else ():
            for moment in (stretch.arrived_at, stretch.departed_at):
                if moment is not None and moment > opened and (end is None or moment <= end):
                    moments.add(moment)
    changes: list[QuorumChange] = []
    for moment in sorted(moments):
        quorum = quorum_of(meeting, moment, attendances=attendances, required=required)
        if not changes or changes[-1].is_quorate != quorum.is_quorate:
            changes.append(QuorumChange(at=moment, quorum=quorum))
    return changes


def describe_quorum_timeline(
    changes: list[QuorumChange],
    *,
    clock: Callable[[dt.datetime], str] | None = None,
    until: dt.datetime | None = None,
) -> str:
    """'Quorate from 16:00 BST', 'Quorate from 10:00; inquorate from 10:20; quorate again from
    10:40', in the viewer's zone (or by `clock`); 'Never quorate'. A meeting that opened without
    quorum starts its story when quorum came. With `until` (the adjournment), a quorate end
    says "to" it."""
    from governance.formatting import when

    if clock is None:

        def clock(moment: dt.datetime) -> str:
            return when(moment, "time")

    if not changes:
        return ""
    first = next((i for i, change in enumerate(changes) if change.is_quorate), None)
    if first is None:
        return "Never quorate"
    parts = []
    for index, change in enumerate(changes[first:]):
        word = "quorate again" if index else "quorate"
        if not change.is_quorate:
            word = "inquorate"
        parts.append(f"{word} from {clock(change.at)}")
    if until is not None and changes[-1].is_quorate:
        parts[-1] += f" to {clock(until)}"
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


# -- The record --------------------------------------------------------------------------------


@dataclass
class MeetingRecord:
    """Everything a meeting page shows, loaded in a fixed number of queries.

    The quorum, its timeline and the presiding chair are worked out on first use, so a partial
    that shows none of them costs none of their queries.
    """

    meeting: Meeting
    items: list[AgendaItem]
    attendances: list[Attendance]

    @property
    def present(self) -> list[Attendance]:
        return [a for a in self.attendances if a.is_present]

    @property
    def present_by_organisation(self) -> list[tuple[str, list[Attendance]]]:
        """As minutes list attendees: officers and staff first, each with their office or
        employer, then each organisation's people together ("Don Dugger, Jun Nakajima (Intel)").
        """
        officers: list[tuple[str, list[Attendance]]] = []
        groups: dict[str, list[Attendance]] = {}
        for attendance in self.present:
            if attendance.organisation_id is None:
                label = attendance.organisation_name or attendance.get_role_display()
                if attendance.role == Role.CHAIR:
                    label = attendance.get_role_display()
                elif attendance.role == GUEST:
                    label = ", ".join(filter(None, ["guest", attendance.organisation_name]))
                officers.append((label, [attendance]))
            else:
                groups.setdefault(attendance.organisation_name, []).append(attendance)
        officers.sort(key=lambda group: ROLE_ORDER.get(group[1][0].role, 9))
        for people in groups.values():
            people.sort(key=lambda a: (ROLE_PRECEDENCE.index(a.role), a.name))
        return officers + sorted(groups.items())

    @property
    def apologies(self) -> list[Attendance]:
        return [a for a in self.attendances if a.status == AttendanceStatus.APOLOGIES]

    @property
    def absent(self) -> list[Attendance]:
        return [a for a in self.attendances if a.status == AttendanceStatus.ABSENT]

    @cached_property
    def required(self) -> int:
        return quorum_required_for(self.meeting)

    @cached_property
    def quorum_rule(self) -> QuorumRuleApplied:
        return quorum_rule_applied(self.meeting, self.required)

    @cached_property
    def quorum(self) -> Quorum:
        return quorum_of(self.meeting, attendances=self.present, required=self.required)

    @cached_property
    def timeline(self) -> list[QuorumChange]:
        return quorum_timeline(self.meeting, attendances=self.present, required=self.required)

    @cached_property
    def presiding(self) -> list[str]:
        return presiding_names(self.meeting)

    @property
    def timeline_text(self) -> str:
        text = describe_quorum_timeline(self.timeline)
        # "Never" is the record's verdict; while the meeting runs, quorum may yet come.
        if text == "Never quorate" and self.meeting.is_in_progress:
            return "Not yet quorate"
        return text

    @property
    def current_item(self) -> AgendaItem | None:
        for item in self.items:
            if item.pk == self.meeting.current_item_id:
                return item
        return None


def meeting_record(meeting: Meeting, *, with_notes: bool = True) -> MeetingRecord:
    """The agenda (with its notes) and the attendance with its stretches, in four queries
    whatever the size."""
    attendances = list(
        meeting.attendances.select_related("person", "organisation")
        .with_presence()
        .order_by("organisation_name", "role", "person__full_name", "guest_name", "pk")
    )
    by_id = {attendance.pk: attendance for attendance in attendances}
    items = meeting.items.in_order().select_related("presenter", "summary_updated_by")
    if with_notes:
        items = items.prefetch_related(
            Prefetch("notes", queryset=Note.objects.order_by("recorded_at", "pk"))
        )
    items = list(items)
    if with_notes:
        # Speakers are attendances already loaded above; attach them instead of joining again.
        for item in items:
            for note in item.notes.all():
                if note.speaker_id:
                    note.speaker = by_id.get(note.speaker_id)
    return MeetingRecord(meeting=meeting, items=items, attendances=attendances)


def presiding_names(meeting: Meeting) -> list[str]:
    """Who chairs: the meeting's own chair, else the board's chair(s) on the meeting date."""
    if meeting.chair_id:
        return [meeting.chair.full_name]
    seats = Seat.objects.current(meeting.date).filter(board_id=meeting.board_id, role=Role.CHAIR)
    return list(seats.values_list("person__full_name", flat=True))


# -- The roll call -----------------------------------------------------------------------------


@dataclass
class RollEntry:
    """A line of the roll call: a person (seated, or a recorded guest) and their attendance."""

    key: str
    name: str
    role: str
    role_label: str
    attendance: Attendance | None
    person_id: int | None = None

    @property
    def short_role(self) -> str:
        return SHORT_ROLE_LABELS.get(self.role, self.role_label)

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else ""

    @property
    def is_present(self) -> bool:
        return bool(self.attendance and self.attendance.is_present)

    @property
    def has_left(self) -> bool:
        return bool(self.attendance and self.attendance.left_at)

    @property
    def is_here(self) -> bool:
        return bool(self.attendance and self.attendance.is_here)


@dataclass
class RollGroup:
    title: str
    entries: list[RollEntry]


SHORT_ROLE_LABELS = {
    Role.VOTING: "Voting",
    Role.ALTERNATE: "Alternate",
    Role.MEMBER: "Non-voting",
    Role.CHAIR: "Chair",
    Role.SECRETARY: "Secretary",
    Role.STAFF: "Staff",
    GUEST: "Guest",
}
ROLE_ORDER = {Role.CHAIR: 0, Role.SECRETARY: 1, Role.STAFF: 2, GUEST: 3}
ROLE_PRECEDENCE = [Role.VOTING, Role.ALTERNATE, Role.CHAIR, Role.SECRETARY, Role.MEMBER, Role.STAFF]


def principal_seat(seats: Iterable[Seat]) -> Seat | None:
    """The seat a person sits in at a meeting when they hold several: a vote outranks an office."""
    ranked = sorted(seats, key=lambda seat: ROLE_PRECEDENCE.index(seat.role))
    return ranked[0] if ranked else None


def roll_call(meeting: Meeting, attendances: list[Attendance]) -> list[RollGroup]:
    """Everyone seated on the meeting date, grouped by organisation, then officers and staff,
    then guests, each with their attendance if recorded. Recorded attendance wins over today's
    seats, so an adjourned meeting's roll does not change when seats do.
    """
    by_person = {a.person_id: a for a in attendances if a.person_id}
    seats_by_person: dict[int, list[Seat]] = {}
    if not meeting.is_adjourned:
        for seat in seats_on(meeting.board, meeting.date):
            seats_by_person.setdefault(seat.person_id, []).append(seat)
    groups: dict[str, list[RollEntry]] = {}
    officers = "Officers and staff"
    for person_id, seats in seats_by_person.items():
        if person_id in by_person:
            continue
        seat = principal_seat(seats)
        title = seat.organisation.name if seat.organisation_id else officers
        groups.setdefault(title, []).append(
            RollEntry(
                key=f"p{person_id}",
                name=seat.person.full_name,
                role=seat.role,
                role_label=seat.get_role_display(),
                attendance=None,
                person_id=person_id,
            )
        )
    guests = "Guests"
    for attendance in attendances:
        if attendance.role == "guest":
            title = guests
        else:
            title = attendance.organisation_name if attendance.organisation_id else officers
        groups.setdefault(title, []).append(
            RollEntry(
                key=f"a{attendance.pk}",
                name=attendance.name,
                role=attendance.role,
                role_label=attendance.get_role_display(),
                attendance=attendance,
                person_id=attendance.person_id,
            )
        )

    def order(title: str) -> tuple[int, str]:
        return ({officers: 1, guests: 2}.get(title, 0), title)

    def entry_order(entry: RollEntry) -> tuple[int, str]:
        rank = ROLE_PRECEDENCE.index(entry.role) if entry.role in ROLE_PRECEDENCE else 99
        return (rank, entry.name)

    return [
        RollGroup(title=title, entries=sorted(groups[title], key=entry_order))
        for title in sorted(groups, key=order)
    ]


def upcoming_for_board(board: Board, now: dt.datetime | None = None) -> Meeting | None:
    return Meeting.objects.of_board(board).upcoming(now or timezone.now()).first()


# -- Who is expected ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    """Before a meeting: who is expected (everyone seated who has not sent apologies), and
    whether that makes a quorum. Counted by the same rule as `quorum_of`."""

    expected: Quorum
    seated_units: int
    expected_people: tuple[Attendance, ...]
    apologies: tuple[Attendance, ...]

    @property
    def margin(self) -> int:
        return self.expected.present - self.expected.required

    @property
    def label(self) -> str:
        """'9 of 9 expected: no margin', '10 of 11 expected: margin of 1', '… 1 short'."""
        head = f"{self.expected.present} of {self.seated_units} expected"
        if self.margin == 0:
            return f"{head}: no margin"
        if self.margin > 0:
            return f"{head}: margin of {self.margin}"
        return f"{head}: {self.expected.label}"

    @property
    def tone(self) -> str:
        return "bad" if self.margin < 0 else "warn" if self.margin == 0 else "ok"


def expectation_for(meeting: Meeting, attendances: Iterable[Attendance]) -> Expectation:
    """Who is expected at `meeting`, from the seats held on its day and the apologies sent.

    Each seat-holder without apologies (or an absence already recorded) stands in as if
    present, so expected quorum follows exactly the rule that will count the real one.
    """
    attendances = list(attendances)
    recorded = {a.person_id: a for a in attendances if a.person_id}
    by_person: dict[int, list[Seat]] = {}
    voting_units: set[int] = set()
    by_organisation = voting_basis_for(meeting) == VotingBasis.ORGANISATION
    for seat in seats_on(meeting.board, meeting.date):
        by_person.setdefault(seat.person_id, []).append(seat)
        if seat.role == Role.VOTING:
            voting_units.add(seat.organisation_id if by_organisation else seat.person_id)
    stand_ins: list[Attendance] = []
    for person_id, seats in by_person.items():
        attendance = recorded.get(person_id)
        if attendance is not None and attendance.status != AttendanceStatus.PRESENT:
            continue
        seat = principal_seat(seats)
        stand_ins.append(
            Attendance(
                meeting=meeting,
                person=seat.person,
                organisation=seat.organisation if seat.role in QUORUM_ROLES else None,
                organisation_name=seat.organisation.name if seat.organisation_id else "",
                role=seat.role,
                status=AttendanceStatus.PRESENT,
            )
        )
    stand_ins.sort(key=lambda a: (a.organisation_name, a.person.full_name))
    required = quorum_required_for(meeting)
    return Expectation(
        expected=quorum_of(meeting, attendances=stand_ins, required=required),
        seated_units=len(voting_units),
        expected_people=tuple(stand_ins),
        apologies=tuple(
            a for a in attendances if a.person_id and a.status == AttendanceStatus.APOLOGIES
        ),
    )


# -- Who holds each vote -----------------------------------------------------------------------


def organisation_unit_key(organisation_id: int) -> str:
    return f"organisation:{organisation_id}"


def person_unit_key(person_id: int) -> str:
    return f"person:{person_id}"


@dataclass(frozen=True)
class VoteHolder:
    """One voting unit present at a moment of a meeting, and the attendee who holds its vote."""

    unit_key: str
    unit_label: str
    attendance: Attendance
    organisation: Organisation | None = None
    unit_person_id: int | None = None

    @property
    def person(self):
        return self.attendance.person

    @property
    def person_id(self) -> int | None:
        return self.attendance.person_id

    @property
    def stands_in(self) -> bool:
        """An alternate holding the vote for an absent representative."""
        return self.attendance.role == Role.ALTERNATE


def vote_holders_at(
    meeting: Meeting,
    at: dt.datetime | None = None,
    *,
    attendances: Iterable[Attendance] | None = None,
) -> dict[str, VoteHolder]:
    """Every voting unit present at `at` (None: now), keyed by unit, with who holds its vote:
    the voting representative present, else an alternate present (the first by name).

    The one answer to "who may vote for this unit now"; proxies, when they come, are added here.
    Guests, non-voting members, officers without a seat for an organisation and staff hold none.
    """
    if attendances is None:
        attendances = meeting.attendances.present().select_related("organisation", "person")
    present = [
        a
        for a in attendances
        if a.person_id and a.sits_for_vote and a.is_present and a.is_present_at(at)
    ]
    present.sort(key=lambda a: (a.role != Role.VOTING, a.name, a.pk))
    holders: dict[str, VoteHolder] = {}
    if meeting.board.voting_basis == VotingBasis.ORGANISATION:
        for attendance in present:
            key = organisation_unit_key(attendance.organisation_id)
            if key not in holders:
                holders[key] = VoteHolder(
                    unit_key=key,
                    unit_label=attendance.organisation_name or attendance.organisation.name,
                    attendance=attendance,
                    organisation=attendance.organisation,
                )
        return holders
    # By person: each representative is a unit; an alternate stands in for the one
    # representative of their organisation when that representative is away.
    for attendance in present:
        if attendance.role == Role.VOTING:
            key = person_unit_key(attendance.person_id)
            holders[key] = VoteHolder(
                unit_key=key,
                unit_label=attendance.name,
                attendance=attendance,
                organisation=attendance.organisation,
                unit_person_id=attendance.person_id,
            )
    alternates = [a for a in present if a.role == Role.ALTERNATE]
    if alternates:
        representatives: dict[int, list[Seat]] = {}
        for seat in seats_on(meeting.board, meeting.date).filter(role=Role.VOTING):
            representatives.setdefault(seat.organisation_id, []).append(seat)
        for attendance in alternates:
            seats = representatives.get(attendance.organisation_id, [])
            if len(seats) != 1:
                continue
            key = person_unit_key(seats[0].person_id)
            if key not in holders:
                holders[key] = VoteHolder(
                    unit_key=key,
                    unit_label=seats[0].person.full_name,
                    attendance=attendance,
                    organisation=attendance.organisation,
                    unit_person_id=seats[0].person_id,
                )
    return holders


def vote_holder_for(
    meeting: Meeting, unit_key: str, at: dt.datetime | None = None
) -> VoteHolder | None:
    """Who holds `unit_key`'s vote at `at` (None: now), or None when the unit is not present."""
    return vote_holders_at(meeting, at).get(unit_key)
