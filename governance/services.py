"""Every write to boards, organisations, people and seats: pages, the admin, the demo loader and
management commands all come here.

Each service validates, locks what it decides on, writes and audits (each changed field before
and after) in one transaction. Seat rules are decided under a lock on the organisation and the
person concerned (PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers), and
PostgreSQL holds the one-voting-representative rule itself as well (migration 0006).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from governance import audit
from governance.exceptions import DomainError
from governance.formatting import day
from governance.models import (
    Board,
    MembershipClass,
    Organisation,
    QuorumRuleChange,
    Seat,
    User,
    describe_period,
    normalized_email,
    seat_conflicts,
)
from governance.text import name_key, row_refusal

# The apps whose rows are the board's record: a row they refer to is never deleted.
RECORD_APPS = frozenset({"governance", "meetings", "motions", "budget", "minutes", "actions"})
# What a person's audit entry keeps: never the password hash or the last login.
PERSON_FIELDS = [
    "email",
    "full_name",
    "affiliation",
    "timezone",
    "is_active",
    "is_staff",
    "is_superuser",
]


# PostgreSQL's exclusion constraint (migration 0006); SQLite relies on the service's check.
VOTING_CONSTRAINT = "seat_one_voting_representative_at_a_time"
PLURALS = {"audit entry": "audit entries"}


class InvalidRecord(DomainError):
    """The row breaks a rule of its own (a field, a constraint); `errors` says which, by field."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.errors = errors or {}


class SeatConflict(InvalidRecord):
    """The seat contradicts another seat of the board."""


class RecordInUse(DomainError):
    """The row is referred to by the board's record, so it stays."""


def _invalid(error: ValidationError, kind: type[InvalidRecord] = InvalidRecord) -> InvalidRecord:
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    messages = [message for field_messages in errors.values() for message in field_messages]
    return kind(" ".join(messages), errors)


def _assign(instance: models.Model, changes: dict[str, Any]) -> None:
    """Set fields by name; a name that is no field of the row is a mistake, not a no-op."""
    names = {field.name for field in instance._meta.concrete_fields}
    names |= {field.attname for field in instance._meta.concrete_fields}
    if unknown := sorted(set(changes) - names):
        raise InvalidRecord(f"{instance._meta.verbose_name} has no field {', '.join(unknown)}.")
    for name, value in changes.items():
        setattr(instance, name, value)


def _refuse_nul(instance: models.Model) -> None:
    """Model fields do not refuse a NUL character (form fields do), and PostgreSQL cannot store
    one: refused here, in words, rather than failing in the database."""
    name, refusal = row_refusal(instance)
    if refusal:
        raise InvalidRecord(refusal, {name: [refusal]})


def _validated(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude) or None)
    except ValidationError as error:
        raise _invalid(error) from error
    _refuse_nul(instance)


def _stored(instance: models.Model) -> models.Model | None:
    """The row as the database holds it, locked until the transaction ends (None: new)."""
    if instance.pk is None:
        return None
    model = instance._meta.model  # not type(): request.user is a lazy wrapper
    # No ordering: a seat's default one joins its (nullable) organisation, which PostgreSQL
    # will not lock through.
    rows = model._default_manager.select_for_update(of=("self",)).filter(pk=instance.pk)
    return rows.order_by().first()


def _written(
    instance: models.Model,
    *,
    actor,
    board: Board | None,
    noun: str,
    fields: list[str] | None = None,
) -> models.Model:
    """Save `instance` (already validated, its row locked) and audit what changed."""
    stored = _stored(instance)
    before = audit.snapshot(stored, fields)
    created = stored is None
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        if VOTING_CONSTRAINT in str(error):
            raise SeatConflict(
                "The organisation already has a voting representative in this period; one "
                "organisation has one voting representative at a time.",
                {"role": ["Another voting representative sits for the organisation then."]},
            ) from error
        raise InvalidRecord(f"The {noun} could not be saved: it contradicts another record.") from (
            error
        )
    changes = audit.changes_between(before, audit.snapshot(instance, fields))
    if created:
        audit.record(
            board=board,
            actor=actor,
            action=f"{noun}.create",
            target=instance,
            summary=f"Added the {noun} {instance}.",
            changes=changes,
        )
    elif changes:
        audit.record(
            board=board,
            actor=actor,
            action=f"{noun}.update",
            target=instance,
            summary=f"Changed the {noun} {instance}: {_field_names(instance, changes)}.",
            changes=changes,
        )
    return instance


def _field_names(instance: models.Model, changes: dict[str, Any]) -> str:
    names = []
    for attname in changes:
        field = next((f for f in instance._meta.concrete_fields if f.attname == attname), None)
        names.append(str(field.verbose_name) if field else attname)
    return ", ".join(names)


def references_to(instance: models.Model) -> list[str]:
    """What in the board's record refers to `instance`, in words ("3 seats, 1 meeting")."""
    found = []
    for relation in instance._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        related = relation.related_model
        if related._meta.app_label not in RECORD_APPS or relation.many_to_many:
            continue
        count = related._base_manager.filter(**{relation.field.name: instance}).count()
        if count:
            noun = related._meta.verbose_name
            if count != 1:
                noun = PLURALS.get(str(noun), related._meta.verbose_name_plural)
            found.append(f"{count} {noun}")
    return found


def deletion_refusal(instance: models.Model) -> str:
    """Why `instance` may not be deleted, or "" if it may."""
    references = references_to(instance)
    if not references:
        return ""
    return (
        f"{instance} cannot be deleted: the board's record refers to it ({', '.join(references)})."
    )


def _deleted(instance: models.Model, *, actor, board: Board | None, noun: str, fields=None):
    """Delete `instance` unless the record refers to it; the entry, written first (the same
    transaction either keeps both or neither), still names the row that is gone."""
    refusal = deletion_refusal(instance)
    if refusal:
        raise RecordInUse(refusal)
    audit.record(
        board=board,
        actor=actor,
        action=f"{noun}.delete",
        target=instance,
        summary=f"Deleted the {noun} {instance}.",
        changes=audit.changes_between(audit.snapshot(instance, fields), {}),
    )
    try:
        with transaction.atomic():
            instance.delete()
    except (ProtectedError, RestrictedError) as error:
        raise RecordInUse(f"{instance} cannot be deleted: the board's record refers to it.") from (
            error
        )


# -- Boards ---------------------------------------------------------------------------------------


@transaction.atomic
def board_save(*, board: Board, actor) -> Board:
    """Create or update `board` as its fields now stand."""
    _validated(board)
    # The entry is written after the save, so even a new board's first entry names it.
    _written(board, actor=actor, board=board, noun="board")
    return board


def board_create(*, actor, name: str, slug: str, **details: Any) -> Board:
    return board_save(board=Board(name=name, slug=slug, **details), actor=actor)


def board_update(*, board: Board, actor, **changes: Any) -> Board:
    _assign(board, changes)
    return board_save(board=board, actor=actor)


@transaction.atomic
def board_delete(*, board: Board, actor) -> None:
    _deleted(board, actor=actor, board=None, noun="board")


# -- Quorum rules ---------------------------------------------------------------------------------


@transaction.atomic
def quorum_rule_save(*, rule: QuorumRuleChange, actor) -> QuorumRuleChange:
    """Create or change a dated quorum rule as its fields now stand. Any date is allowed (a rule
    entered from old minutes may start years back): meetings that started keep the rule they
    started under. One change per board and day."""
    # One board's rules are decided one at a time.
    Board.objects.select_for_update().filter(pk=rule.board_id).first()
    _validated(rule, exclude=["board"])
    same_day = QuorumRuleChange.objects.filter(
        board_id=rule.board_id, effective_from=rule.effective_from
    ).exclude(pk=rule.pk)
    if same_day.exists():
        raise InvalidRecord(
            f"The board already has a quorum rule taking effect on {day(rule.effective_from)}: "
            "change that one instead.",
            {"effective_from": ["Another rule takes effect on this day."]},
        )
    return _written(rule, actor=actor, board=rule.board, noun="quorum rule")


def quorum_rule_set(
    *,
    board: Board,
    effective_from: dt.date,
    actor,
    quorum_rule: str,
    quorum_count: int | None = None,
    quorum_fraction=None,
    quorum_strictly_more: bool = True,
    voting_basis: str | None = None,
    note: str = "",
) -> QuorumRuleChange:
    """The board's quorum rule changes from `effective_from` on (voting basis unchanged unless
    given)."""
    rule = QuorumRuleChange(
        board=board,
        effective_from=effective_from,
        quorum_rule=quorum_rule,
        quorum_count=quorum_count,
        quorum_fraction=quorum_fraction,
        quorum_strictly_more=quorum_strictly_more,
        voting_basis=voting_basis or board.rule_on(effective_from).voting_basis,
        note=note,
    )
    return quorum_rule_save(rule=rule, actor=actor)


def quorum_rule_update(*, rule: QuorumRuleChange, actor, **changes: Any) -> QuorumRuleChange:
    _assign(rule, changes)
    return quorum_rule_save(rule=rule, actor=actor)


@transaction.atomic
def quorum_rule_delete(*, rule: QuorumRuleChange, actor) -> None:
    _deleted(rule, actor=actor, board=rule.board, noun="quorum rule")


# -- Membership classes ---------------------------------------------------------------------------


@transaction.atomic
def membership_class_save(*, membership_class: MembershipClass, actor) -> MembershipClass:
    """Create or rename a class of the board's own list; a class stays on its board."""
    Board.objects.select_for_update().filter(pk=membership_class.board_id).first()
    _validated(membership_class)
    stored = _stored(membership_class)
    if stored is not None and stored.board_id != membership_class.board_id:
        raise InvalidRecord(
            "A membership class stays on its board; add it to the other board instead.",
            {"board": ["A membership class stays on its board."]},
        )
    return _written(
        membership_class, actor=actor, board=membership_class.board, noun="membership class"
    )


def membership_class_create(*, actor, board: Board, name: str, order: int = 0) -> MembershipClass:
    return membership_class_save(
        membership_class=MembershipClass(board=board, name=name, order=order), actor=actor
    )


def membership_class_update(
    *, membership_class: MembershipClass, actor, **changes: Any
) -> MembershipClass:
    _assign(membership_class, changes)
    return membership_class_save(membership_class=membership_class, actor=actor)


@transaction.atomic
def membership_class_delete(*, membership_class: MembershipClass, actor) -> None:
    """Only a class no organisation is in (or ever was, as the record keeps it) may go."""
    _deleted(membership_class, actor=actor, board=membership_class.board, noun="membership class")


# -- Organisations --------------------------------------------------------------------------------


@transaction.atomic
def organisation_save(*, organisation: Organisation, actor) -> Organisation:
    _validated(organisation)
    stored = _stored(organisation)
    if stored is not None and stored.board_id != organisation.board_id:
        raise InvalidRecord(
            "An organisation stays on its board; add it to the other board instead.",
            {"board": ["An organisation stays on its board."]},
        )
    _written(organisation, actor=actor, board=organisation.board, noun="organisation")
    return organisation


def organisation_create(*, actor, board: Board, name: str, **details: Any) -> Organisation:
    return organisation_save(
        organisation=Organisation(board=board, name=name, **details), actor=actor
    )


def organisation_update(*, organisation: Organisation, actor, **changes: Any) -> Organisation:
    _assign(organisation, changes)
    return organisation_save(organisation=organisation, actor=actor)


@transaction.atomic
def organisation_end(*, organisation: Organisation, left_on: dt.date, actor) -> Organisation:
    """The organisation leaves the board on `left_on` (its last day as a member)."""
    return organisation_update(organisation=organisation, left_on=left_on, actor=actor)


@transaction.atomic
def organisation_delete(*, organisation: Organisation, actor) -> None:
    _deleted(organisation, actor=actor, board=organisation.board, noun="organisation")


# -- People ---------------------------------------------------------------------------------------


class NameTaken(InvalidRecord):
    """Another person on one of the same boards already goes by the name."""


def _namesake(person: User) -> User | None:
    """Someone else, on a board where `person` has ever sat, whose name reads the same as
    `person`'s new one (whatever the case, accents or invisible characters): the record would
    name them both alike. Only a change of name is checked; a new person sits nowhere yet."""
    if person.pk is None:
        return None
    stored = User.objects.filter(pk=person.pk).values_list("full_name", flat=True).first()
    wanted = name_key(person.full_name)
    if stored is None or name_key(stored) == wanted:
        return None
    boards = Seat.objects.filter(person_id=person.pk).values("board")
    others = (
        User.objects.filter(seats__board__in=boards).exclude(pk=person.pk).distinct().order_by()
    )
    return next((other for other in others if name_key(other.full_name) == wanted), None)


@transaction.atomic
def person_save(*, person: User, actor) -> User:
    """Create or update `person`; their name, email and access are audited, never the password."""
    person.email = normalized_email(person.email or "")
    _validated(person, exclude=["password"] if not person.password else ())
    if namesake := _namesake(person):
        raise NameTaken(
            f"{namesake.full_name} already sits on one of your boards under this name; "
            "choose a name that tells you apart (add a middle initial, say).",
            {"full_name": ["Someone on one of your boards already has this name."]},
        )
    stored = User.objects.filter(pk=person.pk).values_list("full_name", flat=True).first()
    _written(person, actor=actor, board=None, noun="person", fields=PERSON_FIELDS)
    if stored is not None and stored != person.full_name:
        _rename_told_to_boards(person, before=stored, actor=actor)
    return person


def _rename_told_to_boards(person: User, *, before: str, actor) -> None:
    """A new name shows in every board's record the person is part of, so each of those boards'
    logs says so too (the person's own entry belongs to no board)."""
    for board in Board.objects.filter(seats__person=person).distinct().order_by("pk"):
        audit.record(
            board=board,
            actor=actor,
            action="person.rename",
            target=person,
            summary=f"{before} is now called {person.full_name}.",
            changes={"full_name": [before, person.full_name]},
        )


def person_create(
    *, actor, email: str, full_name: str, password: str | None = None, **details: Any
) -> User:
    person = User(email=email, full_name=full_name, **details)
    person.set_password(password)
    return person_save(person=person, actor=actor)


def person_update(*, person: User, actor, **changes: Any) -> User:
    if "password" in changes:
        raise InvalidRecord("Passwords change through the password form, not here.")
    _assign(person, changes)
    return person_save(person=person, actor=actor)


@transaction.atomic
def person_set_password(*, person: User, password: str | None, actor) -> User:
    """A new password (None: none usable); the entry says it changed, never what to."""
    person.set_password(password)
    person.save(update_fields=["password"])
    audit.record(
        board=None,
        actor=actor,
        action="person.password",
        target=person,
        summary=f"Set a new password for {person}.",
    )
    return person


@transaction.atomic
def person_set_access(*, person: User, groups: Iterable, permissions: Iterable, actor) -> User:
    """The person's admin groups and permissions, audited by name before and after."""
    list(User.objects.select_for_update().filter(pk=person.pk).values("pk"))
    groups, permissions = list(groups), list(permissions)

    def named() -> dict[str, list[str]]:
        return {
            "groups": sorted(group.name for group in person.groups.all()),
            "user_permissions": sorted(
                permission.codename for permission in person.user_permissions.all()
            ),
        }

    before = named()
    person.groups.set(groups)
    person.user_permissions.set(permissions)
    changes = audit.changes_between(before, named())
    if changes:
        audit.record(
            board=None,
            actor=actor,
            action="person.access",
            target=person,
            summary=f"Changed the admin groups or permissions of {person}.",
            changes=changes,
        )
    return person


@transaction.atomic
def person_end(*, person: User, actor) -> User:
    """The person can no longer sign in; their seats and history stay."""
    return person_update(person=person, is_active=False, actor=actor)


@transaction.atomic
def person_delete(*, person: User, actor) -> None:
    _deleted(person, actor=actor, board=None, noun="person", fields=PERSON_FIELDS)


# -- Seats ----------------------------------------------------------------------------------------


def _lock_for_seats(seats: Iterable[Seat]) -> None:
    """Lock the organisations, then the people, the seats decide on, in id order, so two saves
    of overlapping seats wait for each other instead of both passing the rules."""
    seats = list(seats)
    organisations = sorted({seat.organisation_id for seat in seats if seat.organisation_id})
    people = sorted({seat.person_id for seat in seats if seat.person_id})
    if organisations:
        list(
            Organisation.objects.select_for_update()
            .filter(pk__in=organisations)
            .order_by("pk")
            .values("pk")
        )
    if people:
        list(User.objects.select_for_update().filter(pk__in=people).order_by("pk").values("pk"))


def seats_check(
    *, seats: Sequence[Seat], removed: Sequence[Seat] = ()
) -> dict[int, dict[str, list[str]]]:
    """The conflicts of each of `seats` (by position) against the stored seats and each other,
    as if `seats` were saved and `removed` deleted together. Empty when all may be saved."""
    replaced = [seat.pk for seat in [*seats, *removed] if seat.pk is not None]
    problems = {}
    for index, seat in enumerate(seats):
        errors = seat_conflicts(seat, alongside=seats, ignoring=replaced)
        if errors:
            problems[index] = errors
    return problems


def _seat_summary(seat: Seat) -> str:
    where = f" for {seat.organisation.label}" if seat.organisation_id else ""
    return f"{seat.person}, {seat.get_role_display().lower()}{where}, {describe_period(seat)}"


@transaction.atomic
def seats_save(*, seats: Sequence[Seat], removed: Sequence[Seat] = (), actor) -> list[Seat]:
    """Save several seats and delete others as one change (an admin formset's rows): the rows are
    checked against each other as well as against what is stored, under the lock."""
    seats, removed = list(seats), list(removed)
    _lock_for_seats([*seats, *removed])
    problems = seats_check(seats=seats, removed=removed)
    if problems:
        messages = [
            f"{_seat_summary(seats[index])}: {' '.join(sum(errors.values(), []))}"
            for index, errors in problems.items()
        ]
        raise SeatConflict(" ".join(messages), problems[min(problems)])
    for seat in removed:
        _deleted(seat, actor=actor, board=seat.board, noun="seat")
    # Changed rows before new ones: a seat that ends makes room for its successor, and
    # PostgreSQL checks its constraint row by row.
    for seat in sorted(seats, key=lambda seat: seat.pk is None):
        # Each row's own rules; its conflicts were checked above, all rows together (clean()
        # would check each against the stored rows alone).
        try:
            seat.clean_fields()
            seat.validate_constraints()
        except ValidationError as error:
            raise _invalid(error, SeatConflict) from error
        _refuse_nul(seat)
        _written(seat, actor=actor, board=seat.board, noun="seat")
    return seats


def seat_save(*, seat: Seat, actor) -> Seat:
    return seats_save(seats=[seat], actor=actor)[0]


def seat_create(
    *,
    actor,
    board: Board,
    person: User,
    role: str,
    starts_on: dt.date,
    organisation: Organisation | None = None,
    ends_on: dt.date | None = None,
    note: str = "",
) -> Seat:
    seat = Seat(
        board=board,
        person=person,
        organisation=organisation,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
    )
    return seat_save(seat=seat, actor=actor)


def seat_update(*, seat: Seat, actor, **changes: Any) -> Seat:
    _assign(seat, changes)
    return seat_save(seat=seat, actor=actor)


def seat_end(*, seat: Seat, ends_on: dt.date, actor) -> Seat:
    """The seat's last day is `ends_on`."""
    if seat.starts_on is not None and ends_on < seat.starts_on:
        raise SeatConflict(
            f"The seat starts on {day(seat.starts_on)}; it cannot end before that.",
            {"ends_on": ["A seat cannot end before it starts."]},
        )
    return seat_update(seat=seat, ends_on=ends_on, actor=actor)


@transaction.atomic
def seat_delete(*, seat: Seat, actor) -> None:
    seats_save(seats=[], removed=[seat], actor=actor)
