"""Motions and the votes on them.

A motion is decided in one of five ways (`Method`): recorded by the chair in a meeting (without
objection, by counts, by roll call), voted live in the browser during a meeting, or put to a
ballot between meetings. Whatever the method, closing it freezes the tally on the motion row
(`votes_for` ... `not_voted`) together with the rule and the quorum that applied, so the record
reads the same after seats, attendance or rules change.

A unit votes once: one *current* `Vote` per motion and voting unit, by a partial unique
constraint; a changed vote keeps the old row with `is_current` off. Who took part is kept in
`Participation`, one row per unit. On a secret motion the vote row carries no person, no unit and
no time, only a keyed hash of the unit that the database alone cannot reverse, so who voted and
what was chosen cannot be joined.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from governance.models import Board, Organisation
from meetings.models import AgendaItem, Meeting


class Method(models.TextChoices):
    WITHOUT_OBJECTION = "without_objection", "Carried without objection"
    COUNTS = "counts", "Show of hands (counts)"
    ROLL_CALL = "roll_call", "Roll call"
    LIVE = "live", "Live vote in the browser"
    BALLOT = "ballot", "Ballot between meetings"


# Methods the chair records after the fact; the others are voted by the units themselves.
RECORDED_METHODS = frozenset({Method.WITHOUT_OBJECTION, Method.COUNTS, Method.ROLL_CALL})
VOTED_METHODS = frozenset({Method.LIVE, Method.BALLOT})


class Threshold(models.TextChoices):
    MAJORITY = "majority", "A majority of votes cast"
    TWO_THIRDS = "two_thirds", "Two thirds of votes cast"
    UNANIMOUS = "unanimous", "Unanimous among votes cast"
    MAJORITY_OF_SEATED = "majority_of_seated", "A majority of all seated voting units"
    FIXED = "fixed", "A fixed number of votes in favour"


class Abstentions(models.TextChoices):
    NOT_CAST = "not_cast", "Abstentions are not votes cast"
    CAST = "cast", "Abstentions count as votes cast"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    TABLED = "tabled", "Tabled"


class Outcome(models.TextChoices):
    CARRIED = "carried", "Carried"
    FAILED = "failed", "Failed"
    FAILED_ON_TURNOUT = "failed_on_turnout", "Failed on turnout"
    BLOCKED = "blocked", "Blocked by an objection"
    TIED = "tied", "Tied"
    NO_QUORUM = "no_quorum", "No quorum"
    MOOT = "moot", "Moot"


OUTCOME_TONES = {
    Outcome.CARRIED: "ok",
    Outcome.FAILED: "bad",
    Outcome.FAILED_ON_TURNOUT: "bad",
    Outcome.BLOCKED: "bad",
    Outcome.TIED: "warn",
    Outcome.NO_QUORUM: "warn",
    Outcome.MOOT: "muted",
}


class Choice(models.TextChoices):
    FOR = "for", "For"
    AGAINST = "against", "Against"
    ABSTAIN = "abstain", "Abstain"


class MotionQuerySet(models.QuerySet["Motion"]):
    def of_board(self, board: Board) -> MotionQuerySet:
        return self.filter(board=board)

    def open(self) -> MotionQuerySet:
        return self.filter(status=Status.OPEN)

    def ballots(self) -> MotionQuerySet:
        return self.filter(method=Method.BALLOT)

    def due(self, now: dt.datetime) -> MotionQuerySet:
        """Open motions whose deadline has passed: to be closed by whoever looks first."""
        return self.open().filter(closes_at__isnull=False, closes_at__lte=now)


class Motion(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="motions")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="motions",
        null=True,
        blank=True,
        help_text="Empty for a ballot between meetings.",
    )
    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="motions", null=True, blank=True
    )
    text = models.TextField(help_text="What the board resolves, as the minutes will read it.")
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="motions_proposed",
        null=True,
        blank=True,
    )
    seconder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="motions_seconded",
        null=True,
        blank=True,
    )
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.LIVE)
    threshold = models.CharField(
        max_length=20, choices=Threshold.choices, default=Threshold.MAJORITY
    )
    fixed_count = models.PositiveSmallIntegerField(
        "votes in favour needed",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Fixed-number rule only.",
    )
    turnout = models.DecimalField(
        "turnout required",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("1"))],
        help_text="Share of the voting units that must vote, e.g. 0.5; empty for none.",
    )
    one_objection_blocks = models.BooleanField(
        "one objection blocks",
        default=False,
        help_text="Consensus: a single vote against blocks the motion.",
    )
    abstentions = models.CharField(
        max_length=10, choices=Abstentions.choices, default=Abstentions.NOT_CAST
    )
    secret = models.BooleanField(
        default=False, help_text="Who voted is recorded; what each chose is not linked to them."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closes_at = models.DateTimeField(
        "deadline", null=True, blank=True, help_text="A ballot closes itself at this time."
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="amendments", null=True, blank=True
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="replaced_by",
        null=True,
        blank=True,
        help_text="A failed or inquorate motion this one puts again (revised, or as a ballot).",
    )
    depends_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="dependents",
        null=True,
        blank=True,
        help_text="Moot unless this other motion carries.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # The tally frozen at closing, and the rule and quorum that applied then.
    votes_for = models.PositiveIntegerField(null=True, blank=True, editable=False)
    votes_against = models.PositiveIntegerField(null=True, blank=True, editable=False)
    votes_abstain = models.PositiveIntegerField(null=True, blank=True, editable=False)
    votes_needed = models.PositiveIntegerField(null=True, blank=True, editable=False)
    units_eligible = models.PositiveIntegerField(null=True, blank=True, editable=False)
    units_voted = models.PositiveIntegerField(null=True, blank=True, editable=False)
    turnout_needed = models.PositiveIntegerField(null=True, blank=True, editable=False)
    quorum_present = models.PositiveIntegerField(null=True, blank=True, editable=False)
    quorum_required = models.PositiveIntegerField(null=True, blank=True, editable=False)
    not_voted = models.JSONField(
        default=list, blank=True, editable=False, help_text="Units that did not vote, by name."
    )

    objects = MotionQuerySet.as_manager()

    class Meta:
        ordering = ["board", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(threshold=Threshold.FIXED) | Q(fixed_count__gte=1),
                name="motion_fixed_threshold_has_count",
                violation_error_message="A fixed-number rule needs the number of votes in favour.",
            ),
            models.CheckConstraint(
                condition=Q(turnout__isnull=True) | Q(turnout__gt=0, turnout__lte=1),
                name="motion_turnout_is_a_share",
                violation_error_message="Turnout is a share between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=~Q(method=Method.BALLOT) | Q(meeting__isnull=True),
                name="motion_ballot_outside_meeting",
                violation_error_message="A ballot is voted between meetings, not in one.",
            ),
            models.CheckConstraint(
                condition=Q(method=Method.BALLOT) | Q(meeting__isnull=False),
                name="motion_in_meeting_unless_ballot",
                violation_error_message="Only a ballot is decided outside a meeting.",
            ),
            models.CheckConstraint(
                condition=~Q(secret=True) | Q(method__in=[Method.LIVE, Method.BALLOT]),
                name="motion_secret_only_when_voted",
                violation_error_message="Only a live vote or a ballot can be secret.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=Status.CLOSED, closed_at__isnull=False)
                    & ~Q(outcome="")
                    & Q(opened_at__isnull=False)
                )
                | (~Q(status=Status.CLOSED) & Q(outcome="")),
                name="motion_closed_has_outcome",
                violation_error_message="A closed motion has its outcome and closing time.",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.OPEN) | Q(opened_at__isnull=False),
                name="motion_open_has_opened_at",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("opened_at")),
                name="motion_closes_after_opening",
            ),
        ]
        indexes = [models.Index(fields=["board", "status", "method"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("motions:motion_detail", args=[self.board.slug, self.pk])

    @property
    def title(self) -> str:
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first if len(first) <= 90 else first[:89].rstrip() + "…"

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_ballot(self) -> bool:
        return self.method == Method.BALLOT

    @property
    def is_recorded(self) -> bool:
        return self.method in RECORDED_METHODS

    @property
    def is_voted(self) -> bool:
        return self.method in VOTED_METHODS

    @property
    def carried(self) -> bool:
        return self.outcome == Outcome.CARRIED

    @property
    def outcome_tone(self) -> str:
        return OUTCOME_TONES.get(self.outcome, "muted") if self.outcome else "info"

    @property
    def has_tally(self) -> bool:
        return self.votes_for is not None

    def is_past_deadline(self, now: dt.datetime | None = None) -> bool:
        return self.closes_at is not None and self.closes_at <= (now or timezone.now())


class Vote(models.Model):
    """One unit's choice on a motion. `is_current` is off once the unit changed its vote.

    On a secret motion `unit_key` is a keyed hash and `organisation`, `person`, `cast_by` and
    `cast_at` are empty: see `motions.units.secret_unit_key`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="votes")
    unit_key = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="The voting unit on a board that votes by person.",
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="votes_cast",
        null=True,
        blank=True,
    )
    choice = models.CharField(max_length=10, choices=Choice.choices)
    dissent_minuted = models.BooleanField(
        "asked that it be minuted", default=False, help_text="Named dissent, on a vote against."
    )
    cast_at = models.DateTimeField(null=True, blank=True)
    is_current = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "unit_key"],
                condition=Q(is_current=True),
                name="vote_one_current_per_unit",
                violation_error_message="This voting unit has already voted on the motion.",
            ),
            models.CheckConstraint(condition=Q(choice__in=Choice.values), name="vote_choice_known"),
            models.CheckConstraint(
                condition=Q(dissent_minuted=False) | Q(choice=Choice.AGAINST),
                name="vote_dissent_is_against",
                violation_error_message="Only a vote against can ask for its dissent minuted.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_choice_display()} on motion {self.motion_id}"


class Participation(models.Model):
    """That a unit voted on a motion, and who cast it: the register of turnout.

    One row per unit and motion; its row lock is what makes one unit's voters wait for each
    other while other units vote freely.
    """

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="participations")
    unit_key = models.CharField(max_length=64)
    unit_label = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="participations",
        null=True,
        blank=True,
    )
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["motion", "unit_label"]
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "unit_key"], name="participation_once_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_label} on motion {self.motion_id}"


class MotionCorrection(models.Model):
    """A stated change to a closed motion: what changed, why, by whom, with before and after."""

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="corrections")
    reason = models.TextField()
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["motion", "corrected_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="motion_correction_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Correction of motion {self.motion_id}"
