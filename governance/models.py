"""Boards, the organisations that are their members, the people on them and the seats they hold.

Every question of the form "who sat for whom on date D" is answered here, by `Seat` and its
QuerySet, so that attendance, quorum and voting later ask it the same way.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone as django_timezone

from governance.exceptions import DomainError
from governance.text import DESCRIPTION_MAX, NameFormField, normalized_text, validate_name

TIMEZONE_CHOICES = sorted((name, name.replace("_", " ")) for name in zoneinfo.available_timezones())

currency_code_validator = RegexValidator(
    r"^[A-Z]{3}$", "Use a three-letter ISO 4217 currency code in capitals, such as USD or GBP."
)


def validate_timezone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (try Europe/London).")


class TimezoneField(models.CharField):
    """An IANA time zone name, chosen from a list in forms.

    The list is not part of the field's definition: it changes with the system's tz database,
    and migrations must not.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_timezone)

    def formfield(self, **kwargs):
        from django import forms

        blank = [("", "Board's time zone")] if self.blank else []
        return forms.TypedChoiceField(
            choices=blank + TIMEZONE_CHOICES,
            required=not self.blank,
            label=kwargs.get("label", self.verbose_name.capitalize()),
            help_text=self.help_text,
            initial=self.get_default(),
            coerce=str,
            empty_value="",
        )


class NameField(models.CharField):
    """A name people read in the record: normalised when the row is cleaned (forms, the admin,
    services' full_clean) and refused in `governance.text`'s words when it cannot be read."""

    default_validators = [validate_name]

    def clean(self, value, model_instance):
        if isinstance(value, str):
            value = normalized_text(value)
        return super().clean(value, model_instance)

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", NameFormField)
        return super().formfield(**kwargs)


def normalized_email(email: str) -> str:
    """Emails are kept lower-cased, and unique whatever their case (see User.Meta)."""
    return BaseUserManager.normalize_email(email).strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=normalized_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str) -> User:
        """Log in by email whatever its case: "Don.Dugger@" and "don.dugger@" are one login."""
        return self.get(email__iexact=username)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: a board member, an officer, staff, or a guest with a login."""

    email = models.EmailField("email address", unique=True)
    full_name = NameField(max_length=150)
    affiliation = NameField(
        max_length=150,
        blank=True,
        help_text="Employer shown beside the name when the person sits for no organisation "
        "(e.g. Linux Foundation staff).",
    )
    timezone = TimezoneField(
        blank=True,
        help_text="Times are shown in this zone; empty means the board's time zone.",
    )
    is_staff = models.BooleanField(
        "admin access", default=False, help_text="May use the admin (the secretary's tool)."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=django_timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = "person"
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ignoring_case",
                violation_error_message="Someone already has this email address "
                "(addresses are the same whatever their capitals).",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def first_name(self) -> str:
        return self.full_name.split()[0] if self.full_name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalized_email(self.email)


class VotingBasis(models.TextChoices):
    ORGANISATION = "organisation", "One vote per member organisation"
    PERSON = "person", "One vote per voting member"


class QuorumRule(models.TextChoices):
    FIXED = "fixed", "A fixed number of voting units present"
    FRACTION = "fraction", "A fraction of the voting units seated"


class QuorumRuleMethods:
    """What a quorum rule says, whether it is a board's founding rule (its own fields) or a dated
    change (`QuorumRuleChange`): both carry voting_basis, quorum_rule, quorum_count,
    quorum_fraction, quorum_strictly_more and co_opted_vote."""

    voting_basis: str
    quorum_rule: str
    quorum_count: int | None
    quorum_fraction: Decimal | None
    quorum_strictly_more: bool
    co_opted_vote: bool

    def quorum_required(self, seated_units: int) -> int:
        """Voting units that must be present, given how many are seated on the day."""
        if self.quorum_rule == QuorumRule.FIXED:
            return self.quorum_count or 0
        share = (self.quorum_fraction or Decimal(0)) * seated_units
        if self.quorum_strictly_more:
            return math.floor(share) + 1
        return math.ceil(share)

    def describe_quorum_rule(self) -> str:
        if self.quorum_rule == QuorumRule.FIXED:
            return f"{self.quorum_count} voting {self.unit_noun(self.quorum_count or 0)} present"
        fraction = (self.quorum_fraction or Decimal(0)).normalize()
        words = {Decimal("0.5"): "half", Decimal("1"): "all"}.get(fraction, f"{fraction:%}")
        comparison = "more than" if self.quorum_strictly_more else "at least"
        return f"{comparison} {words} of the seated voting {self.unit_noun(2)}"

    def unit_noun(self, count: int) -> str:
        return unit_noun_for(self.voting_basis, count)


def unit_noun_for(voting_basis: str, count: int) -> str:
    """What one vote is on a board of `voting_basis`: 'organisation(s)' or 'member(s)'."""
    if voting_basis == VotingBasis.ORGANISATION:
        return "organisation" if count == 1 else "organisations"
    return "member" if count == 1 else "members"


class BoardQuerySet(models.QuerySet["Board"]):
    def for_user(self, user, on: dt.date | None = None) -> BoardQuerySet:
        """Boards on which `user` holds a seat on `on` (today by default)."""
        if not user.is_authenticated:
            return self.none()
        on = on or django_timezone.localdate()
        return self.filter(
            pk__in=Seat.objects.current(on).filter(person=user).values("board")
        ).distinct()


class Board(QuorumRuleMethods, models.Model):
    name = NameField(max_length=150, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = TimezoneField(default="UTC")
    currency = models.CharField(
        "base currency",
        max_length=3,
        default="USD",
        validators=[currency_code_validator],
        help_text="ISO 4217 code; budgets are kept in this currency.",
    )
    voting_basis = models.CharField(
        max_length=20, choices=VotingBasis.choices, default=VotingBasis.ORGANISATION
    )
    quorum_rule = models.CharField(
        max_length=20, choices=QuorumRule.choices, default=QuorumRule.FIXED
    )
    quorum_count = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Fixed rule: voting units that must be present, e.g. 9.",
    )
    quorum_fraction = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("1"))],
        help_text="Fraction rule: share of seated voting units, e.g. 0.5.",
    )
    quorum_strictly_more = models.BooleanField(
        "more than the fraction",
        default=True,
        help_text="Fraction rule: ticked means 'more than half', unticked 'at least half'.",
    )
    co_opted_vote = models.BooleanField(
        "co-opted members vote",
        default=False,
        help_text="Ticked: each co-opted member holds a vote of their own and counts towards "
        "quorum, whatever the voting basis.",
    )
    minutes_public = models.BooleanField(
        "published minutes are public",
        default=False,
        help_text="Approved, published minutes can be read without logging in.",
    )
    description = models.TextField(
        blank=True, max_length=DESCRIPTION_MAX, validators=[MaxLengthValidator(DESCRIPTION_MAX)]
    )
    # Proxies: a voting member names someone seated on the board to hold their unit's vote at
    # one meeting (meetings.proxies). On by default: naming one is each member's choice, and a
    # board whose rules forbid them turns this off.
    proxies_allowed = models.BooleanField(
        "members may name proxies",
        default=True,
        help_text="A voting member may name someone seated on the board to hold their vote at "
        "one meeting.",
    )
    proxies_from_other_organisations = models.BooleanField(
        "a proxy may sit for another organisation",
        default=False,
        help_text="Unticked: a proxy must sit for the grantor's own organisation (an alternate "
        "or a non-voting member of it).",
    )
    proxies_per_holder = models.PositiveSmallIntegerField(
        "proxies one person may hold",
        default=1,
        validators=[MinValueValidator(1, "One person may hold at least one proxy.")],
        help_text="At one meeting, besides any vote of their own.",
    )
    proxies_count_for_quorum = models.BooleanField(
        "proxies count toward quorum",
        default=False,
        help_text="Ticked: a unit whose vote a present proxy holds counts as present for quorum.",
    )
    officers_skip_two_factor = models.BooleanField(
        "officers may sign in without a second factor",
        default=False,
        help_text="For demonstration boards only: the chair, the secretary, the treasurer and "
        "staff seated on this board sign in with a password alone. Real boards leave this off.",
    )
    member_title = NameField(
        "title of a voting member",
        max_length=40,
        default="Director",
        help_text="What the record calls a voting member who sits in their own right, on a "
        "board that votes by person: 'Director', 'Governor', 'Trustee'.",
    )

    objects = BoardQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="board_currency_iso_code"
            ),
            models.CheckConstraint(
                condition=Q(proxies_per_holder__gte=1),
                name="board_proxies_per_holder_positive",
                violation_error_message="One person may hold at least one proxy.",
            ),
            models.CheckConstraint(
                condition=(
                    # NULL satisfies a CHECK, so presence is tested explicitly.
                    Q(quorum_rule=QuorumRule.FIXED, quorum_count__isnull=False, quorum_count__gte=1)
                    | Q(
                        quorum_rule=QuorumRule.FRACTION,
                        quorum_fraction__isnull=False,
                        quorum_fraction__gt=0,
                        quorum_fraction__lte=1,
                    )
                ),
                name="board_quorum_rule_complete",
                violation_error_message="Give a quorum count for a fixed rule, or a fraction "
                "between 0 and 1 for a fraction rule.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("dashboard", args=[self.slug])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def clean(self) -> None:
        super().clean()
        if self.quorum_rule == QuorumRule.FIXED and not self.quorum_count:
            raise ValidationError({"quorum_count": "A fixed quorum needs the number required."})
        if self.quorum_rule == QuorumRule.FRACTION and not self.quorum_fraction:
            raise ValidationError({"quorum_fraction": "A fraction quorum needs the fraction."})

    def voting_bases_during(self, starts_on: dt.date | None, ends_on: dt.date | None) -> set[str]:
        """Every voting basis in force at some day of the period (None: unbounded)."""
        if self.pk is None:
            return {self.voting_basis}
        changes = self.rule_changes.all()
        if starts_on is None:
            bases = {self.voting_basis}
        else:
            bases = {self.rule_on(starts_on).voting_basis}
            changes = changes.filter(effective_from__gt=starts_on)
        if ends_on is not None:
            changes = changes.filter(effective_from__lte=ends_on)
        return bases | set(changes.values_list("voting_basis", flat=True))

    def rule_on(self, on: dt.date) -> QuorumRuleMethods:
        """The quorum rule in force on `on`: the latest dated change taking effect on or before
        that day, or else the board's founding rule (its own fields). One query."""
        change = self.rule_changes.filter(effective_from__lte=on).order_by("-effective_from")
        return change.first() or self


def _quorum_rule_complete() -> Q:
    # NULL satisfies a CHECK, so presence is tested explicitly.
    return Q(quorum_rule=QuorumRule.FIXED, quorum_count__isnull=False, quorum_count__gte=1) | Q(
        quorum_rule=QuorumRule.FRACTION,
        quorum_fraction__isnull=False,
        quorum_fraction__gt=0,
        quorum_fraction__lte=1,
    )


class QuorumRuleChange(QuorumRuleMethods, models.Model):
    """A change of a board's quorum rule and voting basis, in force from `effective_from` until
    the next change. Before the first change the board's own fields are the rule (its founding
    rule). A meeting keeps the rule it started under (`Meeting.quorum_rule_text` and friends), so
    a change, or a correction of one, never rewrites a past record."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="rule_changes")
    effective_from = models.DateField(help_text="Meetings held on or after this day use this rule.")
    voting_basis = models.CharField(
        max_length=20, choices=VotingBasis.choices, default=VotingBasis.ORGANISATION
    )
    quorum_rule = models.CharField(
        max_length=20, choices=QuorumRule.choices, default=QuorumRule.FIXED
    )
    quorum_count = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "A fixed quorum is at least 1.")],
        help_text="Fixed rule: voting units that must be present, e.g. 9.",
    )
    quorum_fraction = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.001"), "A quorum fraction is more than 0."),
            MaxValueValidator(Decimal("1"), "A quorum fraction is at most 1 (all of them)."),
        ],
        help_text="Fraction rule: share of seated voting units, e.g. 0.5.",
    )
    quorum_strictly_more = models.BooleanField(
        "more than the fraction",
        default=True,
        help_text="Fraction rule: ticked means 'more than half', unticked 'at least half'.",
    )
    co_opted_vote = models.BooleanField(
        "co-opted members vote",
        default=False,
        help_text="Ticked: each co-opted member holds a vote of their own and counts towards "
        "quorum, whatever the voting basis.",
    )
    note = models.CharField(
        max_length=200, blank=True, help_text="Where it was decided, e.g. 'AGM, 3 March 2015'."
    )

    class Meta:
        ordering = ["board", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "effective_from"],
                name="quorum_rule_change_one_per_day",
                violation_error_message="The board already has a quorum rule taking effect "
                "on that day: change that one instead.",
            ),
            models.CheckConstraint(
                condition=_quorum_rule_complete(),
                name="quorum_rule_change_complete",
                violation_error_message="Give a quorum count for a fixed rule, or a fraction "
                "between 0 and 1 for a fraction rule.",
            ),
        ]

    def __str__(self) -> str:
        return f"From {self.effective_from:%-d %B %Y}: {self.describe_quorum_rule()}"

    def clean(self) -> None:
        super().clean()
        if self.quorum_rule == QuorumRule.FIXED and not self.quorum_count:
            raise ValidationError({"quorum_count": "A fixed quorum needs the number required."})
        if self.quorum_rule == QuorumRule.FRACTION and not self.quorum_fraction:
            raise ValidationError({"quorum_fraction": "A fraction quorum needs the fraction."})


class MembershipClass(models.Model):
    """A class of membership in the board's own words: a foundation's "Startup", a project's
    "Platinum". Each board keeps its own list, in its own order."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="membership_classes")
    name = NameField(max_length=60)
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Lists show the classes in this order, smallest first."
    )

    class Meta:
        ordering = ["board", "order", "name"]
        verbose_name_plural = "membership classes"
        constraints = [
            models.UniqueConstraint(
                fields=["board", "name"],
                name="membership_class_unique_name",
                violation_error_message="The board already has a membership class of this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def members_on(self, on: dt.date) -> OrganisationQuerySet:
        return self.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=on)).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=on)
        )

    def announceable_on(self, on: dt.date) -> OrganisationQuerySet:
        """Memberships that may be shown outside the board on `on`."""
        return self.filter(Q(embargo_until__isnull=True) | Q(embargo_until__lt=on))


class Organisation(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="organisations")
    name = NameField(max_length=150)
    short_name = NameField(max_length=40, blank=True)
    membership_class = models.ForeignKey(
        MembershipClass,
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        help_text="One of the board's own classes of membership.",
    )
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    embargo_until = models.DateField(
        "announcement embargo until",
        null=True,
        blank=True,
        help_text="Before this date the membership may not be shown outside the board.",
    )
    website = models.URLField(blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="organisation_unique_name"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="organisation_left_after_joined",
                violation_error_message="An organisation cannot leave before it joined.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        super().clean()
        if (
            self.membership_class_id
            and self.board_id
            and self.membership_class.board_id != self.board_id
        ):
            raise ValidationError(
                {"membership_class": "Choose one of this board's own membership classes."}
            )

    def is_member_on(self, on: dt.date) -> bool:
        return (self.joined_on is None or self.joined_on <= on) and (
            self.left_on is None or self.left_on >= on
        )

    def is_embargoed_on(self, on: dt.date) -> bool:
        return self.embargo_until is not None and on <= self.embargo_until


class Role(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    SECRETARY = "secretary", "Secretary"
    TREASURER = "treasurer", "Treasurer"
    VOTING = "voting", "Voting representative"
    ALTERNATE = "alternate", "Alternate"
    MEMBER = "member", "Non-voting member"
    CO_OPTED = "co_opted", "Co-opted member"
    OBSERVER = "observer", "Observer"
    STAFF = "staff", "Staff"


# Roles that represent an organisation (a voting seat on a board that votes by person may sit in
# its own right instead: a director); offices, co-opted members, observers and staff need not.
REPRESENTATIVE_ROLES = frozenset({Role.VOTING, Role.ALTERNATE, Role.MEMBER})
# Offices sit beside seats: held by a person, dated, with or without a vote of their own.
OFFICES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY, Role.TREASURER})
# The officers who run the board's business (meetings, minutes, motions, actions). A vice-chair
# acts as a member unless named to chair a meeting; the treasurer keeps the budget (budget.access).
OFFICER_ROLES = frozenset({Role.CHAIR, Role.SECRETARY})
# Who must sign in with a second factor (governance.two_factor).
TWO_FACTOR_ROLES = OFFICER_ROLES | {Role.TREASURER}
# Seats held in one's own right, never for an organisation's vote.
PERSONAL_ROLES = OFFICES | {Role.CO_OPTED, Role.OBSERVER, Role.STAFF}


class SeatQuerySet(models.QuerySet["Seat"]):
    def current(self, on: dt.date) -> SeatQuerySet:
        """Seats held on `on`; both `starts_on` and `ends_on` are days the seat is held, and a
        seat whose start is unknown (since before the board's records) is held on any day up to
        its end."""
        return self.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=on)).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        )

    def overlapping(self, starts_on: dt.date | None, ends_on: dt.date | None) -> SeatQuerySet:
        """Seats sharing a day with the period; None at either end is unbounded."""
        queryset = self
        if starts_on is not None:
            queryset = queryset.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        if ends_on is not None:
            queryset = queryset.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=ends_on))
        return queryset

    def voting(self) -> SeatQuerySet:
        return self.filter(role=Role.VOTING)


class Seat(models.Model):
    """A person's place on a board, for an organisation or in an office, between two dates."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="seats")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="seats")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="seats",
        null=True,
        blank=True,
        help_text="Empty for staff, an office, a co-opted member or an observer, and for a "
        "director of a board that votes by person.",
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    starts_on = models.DateField(
        null=True,
        blank=True,
        help_text="Empty when unknown: held since before the board's records.",
    )
    ends_on = models.DateField(null=True, blank=True, help_text="Last day held; empty if current.")
    note = models.CharField(max_length=200, blank=True)

    objects = SeatQuerySet.as_manager()

    class Meta:
        ordering = ["board", "organisation__name", "role", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="seat_ends_after_start",
                violation_error_message="A seat cannot end before it starts.",
            ),
            # A voting seat may have no organisation (a director of a board that votes by
            # person); that it has one on a board that votes by organisation depends on the
            # board's dated rule, which a CHECK cannot see: seat_conflicts() decides it.
            models.CheckConstraint(
                condition=~Q(role__in=[Role.ALTERNATE, Role.MEMBER])
                | Q(organisation__isnull=False),
                name="seat_representative_has_organisation",
                violation_error_message="An alternate or a non-voting member sits for an "
                "organisation.",
            ),
        ]
        indexes = [models.Index(fields=["board", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        where = f" for {self.organisation.label}" if self.organisation_id else ""
        return f"{self.person}, {self.title}{where}"

    @property
    def is_voting(self) -> bool:
        return self.role == Role.VOTING

    @property
    def title(self) -> str:
        """What the record calls the seat: 'Governor' for a director in their own right (the
        board's word), else the role ('Voting representative', 'Treasurer', 'Observer')."""
        return role_title(self.role, board=self.board, sits_for_organisation=self.organisation_id)

    def holds_on(self, on: dt.date) -> bool:
        started = self.starts_on is None or self.starts_on <= on
        return started and (self.ends_on is None or self.ends_on >= on)

    # Set by a formset that checks its rows together (governance.services.seats_check): one
    # row alone, compared with the stored rows only, would miss a clash between two new rows
    # and see one where another row ends the seat in the way.
    checked_together = False

    def clean(self) -> None:
        super().clean()
        if self.checked_together:
            return
        errors = seat_conflicts(self)
        if errors:
            raise ValidationError(errors)


def seat_conflicts(
    seat: Seat, *, alongside: Iterable[Seat] = (), ignoring: Iterable[int] = ()
) -> dict[str, list[str]]:
    """What would make `seat` contradict the board's other seats, by field.

    The rules: one voting representative per organisation at any date; a person holds each role
    once at a time and represents one organisation at a time; an organisation belongs to the
    seat's board. `alongside` are seats saved together with `seat` (an admin formset's rows):
    they are checked as if stored, and the stored rows they replace (`ignoring`, by id) are not.
    """
    errors: dict[str, list[str]] = {}
    if not seat.board_id or not seat.person_id:
        return errors
    if seat.ends_on is not None and seat.starts_on is not None and seat.ends_on < seat.starts_on:
        errors.setdefault("ends_on", []).append("A seat cannot end before it starts.")
        return errors
    if seat.organisation_id and seat.organisation.board_id != seat.board_id:
        errors.setdefault("organisation", []).append(
            "The organisation is not a member of this board."
        )
    if refusal := _organisation_needed(seat):
        errors.setdefault("organisation", []).append(refusal)
    ignored = {pk for pk in ignoring if pk is not None}
    if seat.pk is not None:
        ignored.add(seat.pk)
    relevant = Q(person_id=seat.person_id)
    if seat.role == Role.VOTING and seat.organisation_id:
        relevant |= Q(role=Role.VOTING, organisation_id=seat.organisation_id)
    stored = list(
        Seat.objects.filter(relevant, board_id=seat.board_id)
        .exclude(pk__in=ignored)
        .overlapping(seat.starts_on, seat.ends_on)
        .select_related("person", "organisation")
    )
    batch = [
        other
        for other in alongside
        if other is not seat and other.board_id == seat.board_id and _periods_overlap(seat, other)
    ]
    pairs = [(other, False) for other in stored] + [(other, True) for other in batch]
    for other, in_batch in pairs:
        for field_name, message in _clashes(seat, other, in_batch=in_batch):
            if message not in errors.get(field_name, []):
                errors.setdefault(field_name, []).append(message)
    return errors


def _periods_overlap(seat: Seat, other: Seat) -> bool:
    """Whether two seats share a day; an unknown start is unbounded (since before records)."""
    other_ends_after = (
        other.ends_on is None or seat.starts_on is None or other.ends_on >= seat.starts_on
    )
    other_starts_before = (
        seat.ends_on is None or other.starts_on is None or other.starts_on <= seat.ends_on
    )
    return other_ends_after and other_starts_before


def _organisation_needed(seat: Seat) -> str:
    """Why a voting seat with no organisation is refused: on a board that votes by organisation
    (at any time during the seat) a vote is an organisation's. "" when it may stand."""
    if seat.role != Role.VOTING or seat.organisation_id or seat.organisation is not None:
        return ""
    if VotingBasis.ORGANISATION not in seat.board.voting_bases_during(seat.starts_on, seat.ends_on):
        return ""
    return (
        "The board votes by organisation, so a voting representative sits for a member "
        "organisation; only a board that votes by person has directors in their own right."
    )


def _same_organisation(seat: Seat, other: Seat) -> bool:
    if seat.organisation_id or other.organisation_id:
        return seat.organisation_id == other.organisation_id
    # Rows of a new organisation's inline share the unsaved organisation itself.
    mine = seat.organisation if seat.organisation_id is None else None
    return mine is not None and mine is other.organisation


def _clashes(seat: Seat, other: Seat, *, in_batch: bool) -> list[tuple[str, str]]:
    """The rules `seat` breaks beside one overlapping seat of the same board."""
    clashes = []
    also = " also" if in_batch else " already"
    where = " in this save" if in_batch else ""
    if seat.role == Role.VOTING and other.role == Role.VOTING and _same_organisation(seat, other):
        label = seat.organisation.label if seat.organisation else "this organisation"
        clashes.append(
            (
                "role",
                f"{other.person} is{also} the voting representative of {label} "
                f"{describe_period(other)}{where}; one organisation has one voting "
                "representative at a time: end that seat first.",
            )
        )
    if other.person_id != seat.person_id:
        return clashes
    if other.role == seat.role:
        clashes.append(
            (
                "starts_on",
                f"{seat.person}{also} holds a {seat.get_role_display().lower()} seat in this "
                f"period ({describe_period(other)}){where}.",
            )
        )
    if (
        seat.role in REPRESENTATIVE_ROLES
        and other.role in REPRESENTATIVE_ROLES
        and not _same_organisation(seat, other)
    ):
        label = other.organisation.label if other.organisation else "another organisation"
        clashes.append(
            (
                "organisation",
                f"{seat.person} represents {label} {describe_period(other)}{where}; "
                "a person represents one organisation at a time.",
            )
        )
    return clashes


# How a period with an unknown start reads.
SINCE_BEFORE_RECORDS = "since before the board's records"


def describe_period(seat: Seat) -> str:
    start = SINCE_BEFORE_RECORDS if seat.starts_on is None else f"from {seat.starts_on:%-d %b %Y}"
    if seat.ends_on is None:
        return start
    return f"{start} to {seat.ends_on:%-d %b %Y}"


def role_title(role: str, *, board: Board, sits_for_organisation) -> str:
    """A seat's (or an attendance's) place in words: a voting member who sits in their own right
    takes the board's title for its members ('Governor'); everyone else their role's name."""
    if role == Role.VOTING and not sits_for_organisation:
        return board.member_title
    try:
        return Role(role).label
    except ValueError:  # an attendance's "guest"
        return str(role).capitalize()


# -- Questions about a board on a date -------------------------------------------------------


def seats_on(board: Board, on: dt.date) -> SeatQuerySet:
    """Every seat held on the board on `on`, with person and organisation loaded."""
    return (
        Seat.objects.current(on)
        .filter(board=board)
        .select_related("board", "person", "organisation")
        .order_by("organisation__name", "role", "person__full_name")
    )


def voting_seats_on(board: Board, on: dt.date) -> SeatQuerySet:
    return seats_on(board, on).voting()


def voting_organisations_on(board: Board, on: dt.date) -> list[Organisation]:
    """Member organisations with a voting representative on `on`."""
    seats = voting_seats_on(board, on)
    organisations = {
        seat.organisation_id: seat.organisation for seat in seats if seat.organisation_id
    }
    return sorted(organisations.values(), key=lambda organisation: organisation.name)


def seated_voting_units(
    board: Board, on: dt.date, basis: str | None = None, *, co_opted_vote: bool | None = None
) -> int:
    """How many votes the board has on `on`: organisations or people, by its voting basis (or
    `basis`, that of the rule in force). Directors in their own right, and co-opted members when
    they vote (`co_opted_vote`, else the board's founding rule), are one vote each."""
    # One query: the organisations with a voting representative, and the people who are a
    # vote each, counted side by side over the day's seats.
    counts = {}
    if (basis or board.voting_basis) == VotingBasis.ORGANISATION:
        counts["units"] = Count(
            "organisation",
            distinct=True,
            filter=Q(role=Role.VOTING, organisation__isnull=False),
        )
        individual = Q(role=Role.VOTING, organisation__isnull=True)
    else:
        individual = Q(role=Role.VOTING)
    if board.co_opted_vote if co_opted_vote is None else co_opted_vote:
        individual |= Q(role=Role.CO_OPTED)
    counts["people"] = Count("person", distinct=True, filter=individual)
    return sum(Seat.objects.current(on).filter(board=board).aggregate(**counts).values())


def representative_of(organisation: Organisation, on: dt.date) -> Seat | None:
    """The voting representative of `organisation` on `on`: one answer, or none."""
    return voting_seats_on(organisation.board, on).filter(organisation=organisation).first()


@dataclass(frozen=True)
class Standing:
    """What a person is on a board on a given day: the seats they hold and what those allow."""

    board: Board
    on: dt.date
    seats: tuple[Seat, ...] = field(default_factory=tuple)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(seat.role for seat in self.seats)

    @property
    def is_member(self) -> bool:
        return bool(self.seats)

    @property
    def is_chair(self) -> bool:
        return Role.CHAIR in self.roles

    @property
    def is_secretary(self) -> bool:
        return Role.SECRETARY in self.roles

    @property
    def is_treasurer(self) -> bool:
        return Role.TREASURER in self.roles

    @property
    def is_officer(self) -> bool:
        """Runs the board's business: the chair or a secretary (not the vice-chair, who acts as
        a member unless named to chair a meeting, nor the treasurer, who keeps the budget)."""
        return bool(self.roles & OFFICER_ROLES)

    @property
    def is_voting(self) -> bool:
        return Role.VOTING in self.roles

    @property
    def organisation(self) -> Organisation | None:
        """The organisation the person represents, if any (voting seats first)."""
        for seat in sorted(self.seats, key=lambda s: s.role != Role.VOTING):
            if seat.organisation_id and seat.role in REPRESENTATIVE_ROLES:
                return seat.organisation
        return None

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def standing_of(person, board: Board, on: dt.date | None = None) -> Standing:
    on = on or django_timezone.localdate()
    if not getattr(person, "is_authenticated", False):
        return Standing(board=board, on=on)
    seats = tuple(seats_on(board, on).filter(person=person))
    return Standing(board=board, on=on, seats=seats)


class AuditLogIsAppendOnly(DomainError):
    """The audit log is written once: no entry is changed or deleted, by anyone."""

    def __init__(self):
        super().__init__("The audit log is append-only: entries cannot be changed or deleted.")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Reads and inserts only. (A test database is emptied by SQL flush, and a restore
    replaces the whole file or dump, so neither passes through here.)"""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly

    def delete(self):
        raise AuditLogIsAppendOnly

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly


class AuditEntry(models.Model):
    """One row per change a board officer might later ask about: who did what, to what, when.

    Written by services in the same transaction as the change, so a change and its record stand
    or fall together.
    """

    # PROTECT: a board with a history cannot be deleted out from under its audit log. Null for
    # changes that belong to no one board (a person's own name, say).
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    # PROTECT: a person who acted stays named in the log; deactivate them instead of deleting.
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    action = models.CharField(max_length=60, help_text="Dotted name, e.g. note.create.")
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    changes = models.JSONField(
        default=dict, blank=True, help_text="Each changed field: [before, after]."
    )
    at = models.DateTimeField(default=django_timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or 'system'}: {self.summary}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly
