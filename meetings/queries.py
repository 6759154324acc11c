"""Reads that several pages share: quorum at any moment, the meeting record, the roll call.

`quorum_of` and `quorum_timeline` are the board's one answer to "were we quorate then?"; the
motions and votes of a later issue ask them at the moment of each decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import (
    Count,
    Exists,
    F,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.utils import timezone

from governance.compiled import CompiledQuery
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
    LATE_START_GRACE,
    QUORUM_ROLES,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    Note,
    Presence,
    Proxy,
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
    proxies: Iterable[Proxy] | None = None,
) -> Quorum:
    """Quorum of `meeting` at `at` (None: as things stand now).

    Counts distinct voting units with a voting representative or an alternate present: an
    organisation (or, on a board that votes by person, a representative, for whom their
    alternate stands in). Non-voting members, officers without a vote, staff and guests never
    count; an organisation under announcement embargo counts like any other.

    Pass `attendances` (with organisation loaded), `required` and `proxies` (`proxies_of`)
    when the caller already has them, to spend no queries. Units held by a proxy count only
    where the board says proxies count toward quorum (`count_proxy_units`).
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
    for attendance in individual_units_present(meeting, attendances, at):
        units.add(("person", attendance.person_id))
    if meeting.board.proxies_count_for_quorum:
        count_proxy_units(meeting, at, attendances, proxies, basis, units, organisations)
    return Quorum(
        present=len(units),
        required=required,
        unit_noun_one=unit_noun_for(basis, 1),
        unit_noun_many=unit_noun_for(basis, 2),
        organisations=tuple(sorted(organisations.values(), key=lambda o: o.name)),
        at=at,
    )


# -- Members in their own right (issue 9: boards of individuals) --------------------------------
# A director who sits for no organisation (on a board that votes by person) and, when the board's
# rule says they vote, a co-opted member are each one voting unit, keyed by person, whatever the
# basis: quorum_of, vote_holders_at and expectation_for add them here and nowhere else.


def co_opted_vote_for(meeting: Meeting) -> bool:
    """Whether co-opted members vote at `meeting`: by the rule in force on its date."""
    return quorum_rule_for(meeting).co_opted_vote


def individual_units_present(
    meeting: Meeting, attendances: Iterable[Attendance], at: dt.datetime | None
) -> list[Attendance]:
    """Attendees present at `at` who are a voting unit of their own. The rule is read only when
    a co-opted member is there, so other meetings spend no query on it."""
    present = [a for a in attendances if a.person_id and a.is_present_at(at)]
    units = [a for a in present if a.sits_in_own_right]
    co_opted = [a for a in present if a.role == Role.CO_OPTED]
    if co_opted and co_opted_vote_for(meeting):
        units += co_opted
    return units


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
    seated = seated_voting_units(
        meeting.board, meeting.date, rule.voting_basis, co_opted_vote=rule.co_opted_vote
    )
    return rule.quorum_required(seated)


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
    proxies: Iterable[Proxy] | None = None,
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
    moments = _presence_moments(meeting, attendances)
    if meeting.board.proxies_count_for_quorum:
        proxies = proxies_of(meeting) if proxies is None else list(proxies)
        moments |= proxy_moments(meeting, proxies)
    changes: list[QuorumChange] = []
    for moment in sorted(moments):
        quorum = quorum_of(
            meeting, moment, attendances=attendances, required=required, proxies=proxies
        )
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
    # More notes than the page should carry: each item's notes are folded, loaded when opened
    # (the current item's are shown); every item has `note_count`.
    folded: bool = False

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
        held = self.votes_held
        for attendance in self.present:
            # What the record says beside the name: "holds Intel's vote", "alternate, not voting".
            attendance.vote_words = vote_words(attendance, held.get(attendance.pk, []))
            if attendance.organisation_id is None:
                label = attendance.organisation_name or attendance.get_role_display()
                if attendance.reads_with_title:
                    label = ""  # "Ann Smith, Governor": the title follows the name
                elif attendance.role == Role.CHAIR:
                    label = attendance.get_role_display()
                elif attendance.role == GUEST:
                    label = ", ".join(filter(None, ["guest", attendance.organisation_name]))
                officers.append((label, [attendance]))
            else:
                groups.setdefault(attendance.organisation_name, []).append(attendance)
        officers.sort(key=lambda group: (ROLE_ORDER.get(group[1][0].role, 9), group[1][0].name))
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
    def proxies(self) -> list[Proxy]:
        return proxies_of(self.meeting)

    @cached_property
    def quorum(self) -> Quorum:
        return quorum_of(
            self.meeting, attendances=self.present, required=self.required, proxies=self.proxies
        )

    @cached_property
    def timeline(self) -> list[QuorumChange]:
        return quorum_timeline(
            self.meeting, attendances=self.present, required=self.required, proxies=self.proxies
        )

    @cached_property
    def votes_held(self) -> dict[int, list[str]]:
        """Attendance id -> the units whose vote they held where the record must say so."""
        return votes_held_in(self.meeting, self.present, self.proxies)

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


def holds_words(labels: list[str]) -> str:
    """'holds Intel's vote', 'holds Intel's and AMD's votes'."""
    owners = [f"{label}'s" for label in labels]
    if len(owners) == 1:
        return f"holds {owners[0]} vote"
    return f"holds {', '.join(owners[:-1])} and {owners[-1]} votes"


def vote_words(attendance: Attendance, held: list[str]) -> str:
    """What the record says beside a present attendee's name about votes, or "":
    "holds Intel's vote" for an alternate or a proxy who held a unit's vote,
    "alternate, not voting" for an alternate who never did, "non-voting" for a non-voting
    member. A representative holding their own unit's vote needs no words."""
    words = []
    if attendance.role == Role.MEMBER:
        words.append("non-voting")
    elif attendance.role == Role.ALTERNATE and not held:
        words.append("alternate, not voting")
    if held:
        words.append(holds_words(held))
    return ", ".join(words)


# A record with more notes than this folds each item's notes (meeting_record's `fold_over`).
FOLD_NOTES_OVER = 200


def meeting_record(
    meeting: Meeting, *, with_notes: bool = True, fold_over: int | None = None
) -> MeetingRecord:
    """The agenda (with its notes) and the attendance with its stretches, in four queries
    whatever the size. With `fold_over`, a meeting holding more notes than that loads only the
    current item's notes (the page folds the others), and every item gets its `note_count`."""
    attendances = list(
        meeting.attendances.select_related("person", "organisation")
        .with_presence()
        .order_by("organisation_name", "role", "person__full_name", "guest_name", "pk")
    )
    by_id = {attendance.pk: attendance for attendance in attendances}
    items = meeting.items.in_order().select_related("presenter", "summary_updated_by")
    if fold_over is not None:
        items = items.annotate(note_count=Count("notes"))
    items = list(items)
    folded = fold_over is not None and sum(item.note_count for item in items) > fold_over
    if with_notes:
        notes = Note.objects.order_by("recorded_at", "pk")
        if folded:
            notes = notes.filter(item_id=meeting.current_item_id)
        prefetch_related_objects(items, Prefetch("notes", queryset=notes))
        # Speakers are attendances already loaded above; attach them instead of joining again.
        for item in items:
            for note in item.notes.all():
                if note.speaker_id:
                    note.speaker = by_id.get(note.speaker_id)
    return MeetingRecord(meeting=meeting, items=items, attendances=attendances, folded=folded)


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
    # A member in their own right reads by their title ("Governor").
    title: str = ""

    @property
    def short_role(self) -> str:
        return self.title or SHORT_ROLE_LABELS.get(self.role, self.role_label)

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
    Role.VICE_CHAIR: "Vice-chair",
    Role.SECRETARY: "Secretary",
    Role.TREASURER: "Treasurer",
    Role.CO_OPTED: "Co-opted",
    Role.OBSERVER: "Observer",
    Role.STAFF: "Staff",
    GUEST: "Guest",
}
# How the record orders people who sit for no organisation.
ROLE_ORDER = {
    Role.CHAIR: 0,
    Role.VICE_CHAIR: 1,
    Role.SECRETARY: 2,
    Role.TREASURER: 3,
    Role.VOTING: 4,
    Role.CO_OPTED: 5,
    Role.STAFF: 6,
    Role.OBSERVER: 7,
    GUEST: 8,
}
# Which seat a person sits in when they hold several: a vote (or the chance of one) outranks an
# office, so a governor who is also treasurer sits as a governor.
ROLE_PRECEDENCE = [
    Role.VOTING,
    Role.ALTERNATE,
    Role.CO_OPTED,
    Role.CHAIR,
    Role.VICE_CHAIR,
    Role.SECRETARY,
    Role.TREASURER,
    Role.MEMBER,
    Role.OBSERVER,
    Role.STAFF,
]


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
    individuals = "Board members"
    observers = "Observers"

    def group_of(role: str, organisation_id: int | None) -> str:
        if organisation_id:
            return ""  # the organisation's name
        if role in (Role.VOTING, Role.CO_OPTED):
            return individuals
        return observers if role == Role.OBSERVER else officers

    for person_id, seats in seats_by_person.items():
        if person_id in by_person:
            continue
        seat = principal_seat(seats)
        title = group_of(seat.role, seat.organisation_id) or seat.organisation.name
        groups.setdefault(title, []).append(
            RollEntry(
                key=f"p{person_id}",
                name=seat.person.full_name,
                role=seat.role,
                role_label=seat.title,
                attendance=None,
                person_id=person_id,
                title=seat.title if seat.role == Role.VOTING and not seat.organisation_id else "",
            )
        )
    guests = "Guests"
    for attendance in attendances:
        if attendance.role == "guest":
            title = guests
        else:
            title = (
                group_of(attendance.role, attendance.organisation_id)
                or attendance.organisation_name
            )
        groups.setdefault(title, []).append(roll_entry_for(attendance))

    def order(title: str) -> tuple[int, str]:
        return ({individuals: -1, officers: 1, observers: 2, guests: 3}.get(title, 0), title)

    def entry_order(entry: RollEntry) -> tuple[int, str]:
        rank = ROLE_PRECEDENCE.index(entry.role) if entry.role in ROLE_PRECEDENCE else 99
        return (rank, entry.name)

    return [
        RollGroup(title=title, entries=sorted(groups[title], key=entry_order))
        for title in sorted(groups, key=order)
    ]


def roll_entry_for(attendance: Attendance) -> RollEntry:
    """The roll call's line for a recorded attendance (one line, when only it changed)."""
    return RollEntry(
        key=f"a{attendance.pk}",
        name=attendance.name,
        role=attendance.role,
        role_label=attendance.place,
        attendance=attendance,
        person_id=attendance.person_id,
        title=attendance.place if attendance.sits_in_own_right else "",
    )


def _upcoming(board_id: int, since: dt.datetime) -> QuerySet[Meeting]:
    # `upcoming` counts from `now` less the grace for a late start: `since` is that moment.
    return Meeting.objects.of_board(Board(pk=board_id)).upcoming(since + LATE_START_GRACE)[:1]


# The dashboard's card: compiled once per process (governance/compiled.py).
_next_of_board = CompiledQuery(
    _upcoming,
    board_id=2_000_000_401,
    since=dt.datetime(2001, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC),
)


def upcoming_for_board(board: Board, now: dt.datetime | None = None) -> Meeting | None:
    found = _next_of_board.results(
        board_id=board.pk, since=(now or timezone.now()) - LATE_START_GRACE
    )
    return found[0] if found else None


# -- Who is expected ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    """Before a meeting: who is expected (everyone seated who has not sent apologies), and
    whether that makes a quorum. Counted by the same rule as `quorum_of`."""

    expected: Quorum
    seated_units: int
    expected_people: tuple[Attendance, ...]
    apologies: tuple[Attendance, ...]
    # Units whose own people are not expected but whose proxy holder is; they are in `expected`
    # only where the board counts proxies toward quorum.
    by_proxy: tuple[VoteHolder, ...] = ()
    proxies_counted: bool = False

    @property
    def proxy_words(self) -> str:
        """'Intel's vote held by proxy (Jun Nakajima): not counted toward quorum'."""
        if not self.by_proxy:
            return ""
        held = "; ".join(f"{h.unit_label}'s vote by {h.attendance.name}" for h in self.by_proxy)
        counted = "counted" if self.proxies_counted else "not counted"
        return f"Held by proxy: {held} ({counted} toward quorum)"

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


def expectation_for(
    meeting: Meeting,
    attendances: Iterable[Attendance],
    *,
    proxies: Iterable[Proxy] | None = None,
) -> Expectation:
    """Who is expected at `meeting`, from the seats held on its day and the apologies sent.

    Each seat-holder without apologies (or an absence already recorded) stands in as if
    present, so expected quorum follows exactly the rule that will count the real one.
    """
    attendances = list(attendances)
    recorded = {a.person_id: a for a in attendances if a.person_id}
    by_person: dict[int, list[Seat]] = {}
    voting_units: set[tuple[str, int]] = set()
    by_organisation = voting_basis_for(meeting) == VotingBasis.ORGANISATION
    seats = list(seats_on(meeting.board, meeting.date))
    co_opted_vote = any(s.role == Role.CO_OPTED for s in seats) and co_opted_vote_for(meeting)
    for seat in seats:
        by_person.setdefault(seat.person_id, []).append(seat)
        if seat.role == Role.VOTING and by_organisation and seat.organisation_id:
            voting_units.add(("organisation", seat.organisation_id))
        elif seat.role == Role.VOTING or (seat.role == Role.CO_OPTED and co_opted_vote):
            voting_units.add(("person", seat.person_id))
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
                title=seat.title,
                status=AttendanceStatus.PRESENT,
            )
        )
    stand_ins.sort(key=lambda a: (a.organisation_name, a.person.full_name))
    required = quorum_required_for(meeting)
    proxies = proxies_of(meeting) if proxies is None else list(proxies)
    holders = vote_holders_at(meeting, None, attendances=stand_ins, proxies=proxies)
    return Expectation(
        by_proxy=tuple(holder for holder in holders.values() if holder.by_proxy),
        proxies_counted=meeting.board.proxies_count_for_quorum,
        expected=quorum_of(meeting, attendances=stand_ins, required=required, proxies=proxies),
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
    proxy: Proxy | None = None  # set when the attendee holds the vote as the unit's proxy

    @property
    def by_proxy(self) -> bool:
        return self.proxy is not None

    @property
    def person(self):
        return self.attendance.person

    @property
    def person_id(self) -> int | None:
        return self.attendance.person_id

    @property
    def stands_in(self) -> bool:
        """An alternate holding the vote for an absent representative."""
        return self.proxy is None and self.attendance.role == Role.ALTERNATE


def vote_holders_at(
    meeting: Meeting,
    at: dt.datetime | None = None,
    *,
    attendances: Iterable[Attendance] | None = None,
    proxies: Iterable[Proxy] | None = None,
) -> dict[str, VoteHolder]:
    """Every voting unit present at `at` (None: now), keyed by unit, with who holds its vote:
    the voting representative present, else an alternate present (the first by name), else the
    unit's proxy holder, if present.

    The one answer to "who may vote for this unit now". Guests, non-voting members, officers
    without a seat for an organisation and staff hold none, unless named a unit's proxy.
    Pass `attendances` (person and organisation loaded) and `proxies` (`proxies_of`) to spend
    no queries on them.
    """
    if attendances is None:
        attendances = meeting.attendances.present().select_related("organisation", "person")
    attendances = list(attendances)
    holders = own_vote_holders_at(meeting, at, attendances=attendances)
    add_proxy_holders(meeting, at, holders, attendances, proxies)
    return holders


def vote_holders_around(
    meeting: Meeting, person, at: dt.datetime | None = None
) -> dict[str, VoteHolder]:
    """`vote_holders_at`, reading only the rows that decide what `person` holds: their own
    attendance, their organisation's, and for each proxy they hold, the grantor's and the
    grantor's organisation's. The units `person` holds come out as `vote_holders_at` gives them
    (and their organisation's unit, whoever holds it); a vote reads a handful of rows, however
    many people the meeting has.

    One query for most voters (a vote is at most 8 statements, issue 14): those attendances'
    stretches, each with its attendance, read from the stretches' side, and whether `person`
    holds a proxy. Someone marked present without a stretch is present at no moment, so holds
    nothing: leaving them out changes no answer. A second query, the proxies themselves, only
    for someone who holds one."""
    proxies = Proxy.objects.filter(meeting_id=meeting.pk, holder_id=person.pk).standing()
    own_organisation = Attendance.objects.filter(
        meeting_id=meeting.pk, person_id=person.pk, organisation__isnull=False
    ).values("organisation_id")
    stretches = (
        Presence.objects.filter(
            attendance__meeting_id=meeting.pk, attendance__status=AttendanceStatus.PRESENT
        )
        .filter(
            Q(attendance__person_id=person.pk)
            | Q(attendance__person_id__in=proxies.values("grantor_id"))
            | Q(
                attendance__organisation_id__in=proxies.filter(organisation__isnull=False).values(
                    "organisation_id"
                )
            )
            | Q(attendance__organisation_id__in=Subquery(own_organisation))
        )
        .select_related("attendance__organisation", "attendance__person")
        .annotate(holder_of_proxy=Exists(proxies))
        .order_by(
            "attendance__organisation_name",
            "attendance__role",
            "attendance__guest_name",
            "attendance_id",
            F("arrived_at").asc(nulls_first=True),
            "pk",
        )
    )
    attendances: dict[int, Attendance] = {}
    presence: dict[int, list[Presence]] = {}
    holds_proxy = False
    for stretch in stretches:
        stretch.attendance = attendances.setdefault(stretch.attendance_id, stretch.attendance)
        presence.setdefault(stretch.attendance_id, []).append(stretch)
        holds_proxy = stretch.holder_of_proxy
    for pk, attendance in attendances.items():
        _with_stretches(attendance, presence[pk])
    held = (
        list(
            proxies.select_related("grantor", "organisation", "holder").order_by("created_at", "pk")
        )
        if holds_proxy
        else []
    )
    return vote_holders_at(meeting, at, attendances=attendances.values(), proxies=held)


def _with_stretches(attendance: Attendance, stretches: list[Presence]) -> None:
    """Keep `stretches` as the attendance's prefetched stretches (what `present()` would have
    fetched with a second query), the way `prefetch_related` keeps them."""
    cached = attendance.stretches.all()
    cached._result_cache = stretches
    cached._prefetch_done = True
    attendance.__dict__.setdefault("_prefetched_objects_cache", {})["stretches"] = cached


def own_vote_holders_at(
    meeting: Meeting, at: dt.datetime | None, *, attendances: Iterable[Attendance]
) -> dict[str, VoteHolder]:
    """The units held at `at` by their own people: the voting representative present, else an
    alternate present (the first by name). Proxies are added by `add_proxy_holders`."""
    present = [
        a
        for a in attendances
        if a.person_id and a.sits_for_vote and a.is_present and a.is_present_at(at)
    ]
    present.sort(key=lambda a: (a.role != Role.VOTING, a.name, a.pk))
    holders: dict[str, VoteHolder] = individual_vote_holders(meeting, attendances, at)
    if voting_basis_for(meeting) == VotingBasis.ORGANISATION:
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
        for seat in _voting_seats_of(meeting):
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


def individual_vote_holders(
    meeting: Meeting, attendances: Iterable[Attendance], at: dt.datetime | None
) -> dict[str, VoteHolder]:
    """Members in their own right hold their own vote (see `individual_units_present`)."""
    holders = {}
    for attendance in individual_units_present(meeting, attendances, at):
        key = person_unit_key(attendance.person_id)
        holders[key] = VoteHolder(
            unit_key=key,
            unit_label=attendance.name,
            attendance=attendance,
            unit_person_id=attendance.person_id,
        )
    return holders


def vote_holder_for(
    meeting: Meeting, unit_key: str, at: dt.datetime | None = None
) -> VoteHolder | None:
    """Who holds `unit_key`'s vote at `at` (None: now), or None when the unit is not present."""
    return vote_holders_at(meeting, at).get(unit_key)


def _voting_seats_of(meeting: Meeting) -> list[Seat]:
    """The voting seats on the meeting's date, kept on the instance: the record asks who held
    each vote at every moment of the meeting, for one query."""
    seats = meeting.__dict__.get("_voting_seats_on_date")
    if seats is None:
        seats = list(seats_on(meeting.board, meeting.date).filter(role=Role.VOTING))
        meeting.__dict__["_voting_seats_on_date"] = seats
    return seats


# -- Proxies -------------------------------------------------------------------------------------


def proxies_of(meeting: Meeting) -> list[Proxy]:
    """The meeting's proxies not withdrawn, with grantor, organisation and holder. One query."""
    return list(
        Proxy.objects.filter(meeting_id=meeting.pk)
        .standing()
        .select_related("grantor", "organisation", "holder")
        .order_by("created_at", "pk")
    )


def proxy_unit_key(meeting: Meeting, proxy: Proxy, basis: str | None = None) -> str:
    """The unit a proxy holds, keyed as `vote_holders_at` keys units."""
    basis = basis or voting_basis_for(meeting)
    if basis == VotingBasis.ORGANISATION and proxy.organisation_id:
        return organisation_unit_key(proxy.organisation_id)
    return person_unit_key(proxy.grantor_id)


def add_proxy_holders(
    meeting: Meeting,
    at: dt.datetime | None,
    holders: dict[str, VoteHolder],
    attendances: list[Attendance],
    proxies: Iterable[Proxy] | None = None,
) -> None:
    """Add to `holders` each unit nobody of its own holds at `at` whose proxy holder is present
    then. A present representative or alternate outranks the proxy, so a unit already held is
    left as it is."""
    if proxies is None:
        proxies = proxies_of(meeting)
    present = {a.person_id: a for a in attendances if a.person_id and a.is_present_at(at)}
    by_organisation = voting_basis_for(meeting) == VotingBasis.ORGANISATION
    for proxy in proxies:
        key = proxy_unit_key(meeting, proxy)
        holder = present.get(proxy.holder_id)
        if key in holders or holder is None or not proxy.holds_at(at):
            continue
        holders[key] = VoteHolder(
            unit_key=key,
            unit_label=proxy.unit_label if by_organisation else proxy.grantor.full_name,
            attendance=holder,
            organisation=proxy.organisation,
            unit_person_id=None if by_organisation else proxy.grantor_id,
            proxy=proxy,
        )


def count_proxy_units(
    meeting: Meeting,
    at: dt.datetime | None,
    attendances: Iterable[Attendance],
    proxies: Iterable[Proxy] | None,
    basis: str,
    units: set[tuple[str, int]],
    organisations: dict[int, Organisation],
) -> None:
    """For `quorum_of`, on a board where proxies count: add each unit not present by its own
    people whose proxy holder is present at `at`."""
    if proxies is None:
        proxies = proxies_of(meeting)
    present = {a.person_id for a in attendances if a.person_id and a.is_present_at(at)}
    for proxy in proxies:
        if proxy.holder_id not in present or not proxy.holds_at(at):
            continue
        if basis == VotingBasis.ORGANISATION and proxy.organisation_id:
            unit = ("organisation", proxy.organisation_id)
            if unit in units:
                continue
        else:
            unit = ("person", proxy.grantor_id)
            # An alternate present stands in for the representative (see quorum_of).
            if unit in units or ("proxy", proxy.organisation_id) in units:
                continue
        units.add(unit)
        if proxy.organisation_id:
            organisations[proxy.organisation_id] = proxy.organisation


def proxy_moments(meeting: Meeting, proxies: Iterable[Proxy]) -> set[dt.datetime]:
    """When proxies named during the meeting began to hold: moments quorum may change."""
    end = meeting.adjourned_at
    return {
        proxy.held_from
        for proxy in proxies
        if proxy.held_from is not None and (end is None or proxy.held_from <= end)
    }


def _presence_moments(meeting: Meeting, attendances: Iterable[Attendance]) -> set[dt.datetime]:
    """The opening and each moment someone came or went during the meeting: the only moments
    who holds a vote can change (with `proxy_moments`). Read as `quorum_timeline` reads them."""
    opened, end = meeting.opened_at, meeting.adjourned_at
    moments = {opened}
    for attendance in attendances:
        for stretch in attendance.presence if attendance.is_present else ():
            for moment in (stretch.arrived_at, stretch.departed_at):
                if moment is not None and moment > opened and (end is None or moment <= end):
                    moments.add(moment)
    return moments


def votes_held_in(
    meeting: Meeting, attendances: Iterable[Attendance], proxies: Iterable[Proxy]
) -> dict[int, list[str]]:
    """For each attendance (by id), the units whose vote they held at some moment of the
    meeting, where the record must say so: as an alternate or a proxy. A representative holding
    their own unit's vote is not listed (their role says it). Empty before the meeting starts.
    No queries beyond those of `own_vote_holders_at` (the voting seats, once, on a board that
    votes by person)."""
    if meeting.is_scheduled:
        return {}
    attendances, proxies = list(attendances), list(proxies)
    held: dict[int, list[str]] = {}
    moments = _presence_moments(meeting, attendances) | proxy_moments(meeting, proxies)
    for moment in sorted(moments):
        holders = vote_holders_at(meeting, moment, attendances=attendances, proxies=proxies)
        for holder in holders.values():
            own = holder.unit_person_id is not None and holder.unit_person_id == holder.person_id
            if holder.proxy is None and (holder.attendance.role == Role.VOTING or own):
                # Their own vote (a representative's, or a co-opted member's in their own
                # right): their role already says it.
                continue
            labels = held.setdefault(holder.attendance.pk, [])
            if holder.unit_label not in labels:
                labels.append(holder.unit_label)
    return held
