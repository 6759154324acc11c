"""Meetings of a board: the agenda, who attended, and what was said, one row per statement.

A meeting's record is written while the meeting runs, by the chair, a secretary or the minute
taker (see `meetings.services`); members read it as it grows. `Meeting.live_version` goes up by
one with every change to the record, so a reader can ask "anything new since version N?" for the
price of one query.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear, Length, Trim
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone

from governance.models import Board, Organisation, Role


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    ADJOURNED = "adjourned", "Adjourned"


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "Regular"
    EXTRAORDINARY = "extraordinary", "Extraordinary"
    ANNUAL = "annual", "Annual"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def of_board(self, board: Board) -> MeetingQuerySet:
        return self.filter(board=board)

    def in_progress(self) -> MeetingQuerySet:
        return self.filter(status=MeetingStatus.IN_PROGRESS)

    def upcoming(self, now: dt.datetime | None = None) -> MeetingQuerySet:
        """Meetings still to happen or happening now, soonest first."""
        now = now or timezone.now()
        return (
            self.exclude(status=MeetingStatus.ADJOURNED)
            .filter(Q(status=MeetingStatus.IN_PROGRESS) | Q(starts_at__gte=now - LATE_START_GRACE))
            .order_by("starts_at", "pk")
        )

    def past(self, now: dt.datetime | None = None) -> MeetingQuerySet:
        """Adjourned meetings, and scheduled ones whose time has gone by, latest first."""
        now = now or timezone.now()
        return self.filter(
            Q(status=MeetingStatus.ADJOURNED)
            | Q(status=MeetingStatus.SCHEDULED, starts_at__lt=now - LATE_START_GRACE)
        ).order_by("-starts_at", "-pk")

    def in_year(self, year: int) -> MeetingQuerySet:
        """Those starting in `year`, in the current time zone (the viewer's)."""
        return self.filter(starts_at__year=year)

    def year_counts(self) -> list[tuple[int, int]]:
        """(year, number of meetings) for each year that has one, newest first: one query."""
        rows = (
            self.order_by()
            .annotate(year=ExtractYear("starts_at"))
            .values("year")
            .annotate(count=Count("pk"))
            .order_by("-year")
        )
        return [(row["year"], row["count"]) for row in rows]


# A scheduled meeting still counts as upcoming for this long after its start time, so that the
# chair who starts ten minutes late still finds it at the top of the list.
LATE_START_GRACE = dt.timedelta(hours=12)


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=150, help_text='How the board names it, e.g. "May 2014".')
    starts_at = models.DateTimeField(help_text="Shown to each person in their own time zone.")
    planned_end_at = models.DateTimeField("planned end", null=True, blank=True)
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    time_of_day_known = models.BooleanField(
        "time of day known",
        default=True,
        help_text="Unticked for a meeting entered from minutes that give only its date: "
        "it starts at midnight in the board's zone and is shown by its date alone.",
    )
    scheduled_for = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set when the meeting was held on another day than planned: the planned start.",
    )
    agenda_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    location = models.CharField(max_length=200, blank=True, help_text="Room or 'Conference call'.")
    dial_in = models.TextField(
        "dial-in details", blank=True, help_text="Call link, numbers and passcodes."
    )
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meetings_chaired",
        null=True,
        blank=True,
        help_text="Who presides; empty means the board's chair.",
    )
    minute_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meetings_minuted",
        null=True,
        blank=True,
    )
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    adjourned_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The quorum rule the meeting started under, kept so that a later change of the board's rule
    # never rewrites its record. Empty until it starts (a scheduled meeting follows the rule in
    # force on its date).
    quorum_required = models.PositiveIntegerField(
        "quorum required", null=True, blank=True, editable=False
    )
    quorum_rule_text = models.CharField("quorum rule", max_length=200, blank=True, editable=False)
    quorum_voting_basis = models.CharField(max_length=20, blank=True, editable=False)
    quorum_rule_from = models.DateField(
        "quorum rule in force from",
        null=True,
        blank=True,
        editable=False,
        help_text="Empty for the board's founding rule.",
    )
    current_item = models.ForeignKey(
        "AgendaItem",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    live_version = models.PositiveIntegerField(default=1, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["board", "starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "starts_at"],
                name="meeting_one_per_board_and_start",
                violation_error_message="The board already has a meeting starting at that time.",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_at__isnull=True)
                | Q(planned_end_at__gt=models.F("starts_at")),
                name="meeting_planned_end_after_start",
                violation_error_message="A meeting must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(adjourned_at__isnull=True)
                | Q(started_at__isnull=False, adjourned_at__gte=models.F("started_at")),
                name="meeting_adjourned_after_started",
            ),
            # The status says what the timestamps say, so no hand-set status can leave an
            # "in progress" meeting that never started (or an adjourned one never closed).
            models.CheckConstraint(
                condition=Q(
                    status=MeetingStatus.SCHEDULED,
                    started_at__isnull=True,
                    adjourned_at__isnull=True,
                )
                | Q(
                    status=MeetingStatus.IN_PROGRESS,
                    started_at__isnull=False,
                    adjourned_at__isnull=True,
                )
                | Q(
                    status=MeetingStatus.ADJOURNED,
                    started_at__isnull=False,
                    adjourned_at__isnull=False,
                ),
                name="meeting_status_matches_times",
                violation_error_message="A meeting's status must agree with when it started "
                "and adjourned.",
            ),
        ]
        indexes = [models.Index(fields=["board", "status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.board.slug, self.pk])

    @property
    def date(self) -> dt.date:
        """The meeting's day in the board's time zone: the day seats are looked up on."""
        return timezone.localtime(self.starts_at, self.board.zone).date()

    @property
    def agenda_is_published(self) -> bool:
        """Members see the agenda once it is published, or once the meeting has begun."""
        return self.agenda_published_at is not None or not self.is_scheduled

    @property
    def is_scheduled(self) -> bool:
        return self.status == MeetingStatus.SCHEDULED

    @property
    def is_in_progress(self) -> bool:
        return self.status == MeetingStatus.IN_PROGRESS

    @property
    def is_adjourned(self) -> bool:
        return self.status == MeetingStatus.ADJOURNED

    @property
    def opened_at(self) -> dt.datetime:
        """When attendance began to count: the actual start, else the planned one."""
        return self.started_at or self.starts_at

    def previous(self) -> Meeting | None:
        """The board's meeting before this one (by start time, then creation)."""
        return (
            Meeting.objects.filter(board_id=self.board_id)
            .filter(Q(starts_at__lt=self.starts_at) | Q(starts_at=self.starts_at, pk__lt=self.pk))
            .order_by("-starts_at", "-pk")
            .first()
        )


class ItemKind(models.TextChoices):
    INFORMATION = "information", "Information"
    DISCUSSION = "discussion", "Discussion"
    DECISION = "decision", "Decision"


def is_public_at(*, board_only: bool, embargo_until: dt.datetime | None, at: dt.datetime) -> bool:
    """The board's one answer to "may this be shown outside the board at `at`?".

    Board-only content never is; embargoed content is from the moment its embargo ends. Every
    output that can reach a reader outside the board (pages, exports, feeds, counts) asks here or
    through `public_q`, which says the same thing to the database.
    """
    if board_only:
        return False
    return embargo_until is None or embargo_until <= at


def public_q(at: dt.datetime, prefix: str = "") -> Q:
    """`is_public_at` as a filter, for a model with `board_only` and `embargo_until`."""
    return Q(**{f"{prefix}board_only": False}) & (
        Q(**{f"{prefix}embargo_until__isnull": True}) | Q(**{f"{prefix}embargo_until__lte": at})
    )


class Disclosure(models.Model):
    """Confidentiality of a piece of the record: board only, or embargoed until a moment."""

    board_only = models.BooleanField(
        "board only",
        default=False,
        help_text="Confidential: never shown outside the board, even once minutes are public.",
    )
    embargo_until = models.DateTimeField(
        "embargoed until",
        null=True,
        blank=True,
        help_text="Not shown outside the board before this moment; public from then on.",
    )

    class Meta:
        abstract = True

    def is_public_at(self, at: dt.datetime) -> bool:
        return is_public_at(board_only=self.board_only, embargo_until=self.embargo_until, at=at)

    def is_embargoed_at(self, at: dt.datetime) -> bool:
        return self.embargo_until is not None and at < self.embargo_until

    @property
    def is_restricted(self) -> bool:
        """Marked in any way, whether or not the embargo has passed."""
        return self.board_only or self.embargo_until is not None


class AgendaItemQuerySet(models.QuerySet["AgendaItem"]):
    def in_order(self) -> AgendaItemQuerySet:
        return self.order_by("position", "pk")

    def public_at(self, at: dt.datetime) -> AgendaItemQuerySet:
        return self.filter(public_q(at))


class AgendaItem(Disclosure):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="agenda_items_presented",
        null=True,
        blank=True,
    )
    planned_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=ItemKind.choices, default=ItemKind.DISCUSSION)
    description = models.TextField(blank=True, help_text="Background, circulated with the agenda.")
    summary = models.TextField("summary / outcome", blank=True)
    summary_version = models.PositiveIntegerField(default=0, editable=False)
    # The key of the form that added the item: a repeated post finds this row.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    summary_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    summary_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        related_name="carried_to",
        null=True,
        blank=True,
        editable=False,
        help_text="The item of an earlier meeting this one carries over.",
    )

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(started_at__isnull=False, ended_at__gte=models.F("started_at")),
                name="agenda_item_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def anchor(self) -> str:
        return f"item-{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.ended_at is not None

    def minutes_used(self, now: dt.datetime | None = None) -> int | None:
        if self.started_at is None:
            return None
        end = self.ended_at or now or timezone.now()
        return max(0, int((end - self.started_at).total_seconds() // 60))


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


GUEST = "guest"
# The roles an attendance can snapshot: a seat's role, or a guest who holds none.
ATTENDANCE_ROLE_CHOICES = [*Role.choices, (GUEST, "Guest")]
# Roles that sit for an organisation's vote, and so count towards quorum.
QUORUM_ROLES = frozenset({Role.VOTING, Role.ALTERNATE})


# Arriving within this long of the opening is arriving for the start.
LATE_AFTER = dt.timedelta(minutes=5)


class AttendanceQuerySet(models.QuerySet["Attendance"]):
    def present(self) -> AttendanceQuerySet:
        """Those marked present, with their stretches (one query more, however many): whoever
        asks who was present asks when."""
        return self.filter(status=AttendanceStatus.PRESENT).with_presence()

    def with_presence(self) -> AttendanceQuerySet:
        return self.prefetch_related("stretches")


class Attendance(models.Model):
    """One person at one meeting, with the organisation and role they sat for on its date.

    The snapshot is taken when attendance is first recorded, so the record reads the same after
    seats change. When they were in the room is in their stretches (`Presence`): someone marked
    present has at least one; leaving and coming back makes another.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="attendances",
        null=True,
        blank=True,
        help_text="Empty for a guest without a login.",
    )
    guest_name = models.CharField(max_length=150, blank=True)
    # The name the record prints, as it was when the person was first recorded: a later rename
    # (or someone taking another's name) does not rewrite past records.
    person_name = models.CharField(max_length=150, blank=True, editable=False)
    # The key of the console form that added a guest: a repeated post finds this row.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="attendances",
        null=True,
        blank=True,
        help_text="The member organisation sat for on the meeting date (snapshot).",
    )
    organisation_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="As shown in the record: the member's name, a guest's employer, or staff's.",
    )
    role = models.CharField(max_length=20, choices=ATTENDANCE_ROLE_CHOICES, default=GUEST)
    # What the record calls the person's place, as it was on the day: the board's word for a
    # director in their own right ("Governor"), else the role's name.
    title = models.CharField(max_length=60, blank=True, editable=False)
    status = models.CharField(
        max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "organisation_name", "role", "guest_name", "pk"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="attendance_once_per_person",
                violation_error_message="This person's attendance is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(guest_name=""),
                name="attendance_names_someone",
                violation_error_message="Choose a person or give a guest's name.",
            ),
            models.CheckConstraint(
                # A voting member may sit in their own right (a director of a board that votes
                # by person); an alternate always stands in for an organisation's representative.
                condition=~Q(role=Role.ALTERNATE) | Q(organisation__isnull=False),
                name="attendance_alternate_sits_for_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display().lower()})"

    @property
    def name(self) -> str:
        if self.person_id:
            return self.person_name or self.person.full_name
        return self.guest_name

    @property
    def short_name(self) -> str:
        if self.person_id:
            return self.name.split()[0] if self.name else self.person.first_name
        return self.guest_name.split()[0]

    @property
    def is_present(self) -> bool:
        return self.status == AttendanceStatus.PRESENT

    @property
    def sits_for_vote(self) -> bool:
        """Sits for an organisation's vote (as its representative or alternate)."""
        return self.role in QUORUM_ROLES and self.organisation_id is not None

    @property
    def sits_in_own_right(self) -> bool:
        """A voting member for no organisation: a director, one vote of their own."""
        return self.role == Role.VOTING and self.organisation_id is None

    @property
    def reads_with_title(self) -> bool:
        """The record names them "Ann Smith, Governor": members in their own right, co-opted
        members and observers (organisations' people and officers read as before)."""
        return self.sits_in_own_right or self.role in (Role.CO_OPTED, Role.OBSERVER)

    @property
    def place(self) -> str:
        return self.title or self.get_role_display()

    @property
    def presence(self) -> list[Presence]:
        """Their stretches in the room, earliest first: from a prefetch when the caller made one
        (`Attendance.objects.present()`, `meeting_record`), else one query."""
        if self.pk is None:
            # Someone expected, not yet recorded: there from the opening to the end.
            return [Presence(arrived_at=None, departed_at=None)]
        return list(self.stretches.all())

    @property
    def arrived_late(self) -> bool:
        """Minutes name an arrival time only for someone who came once the meeting was under way."""
        stretches = self.presence
        first = stretches[0].arrived_at if stretches else None
        return first is not None and first > self.meeting.opened_at + LATE_AFTER

    def is_present_at(self, at: dt.datetime | None) -> bool:
        """Present at `at`; None asks about now (in a stretch not yet ended)."""
        if not self.is_present:
            return False
        if at is None:
            return any(stretch.departed_at is None for stretch in self.presence)
        return any(stretch.covers(at) for stretch in self.presence)

    @property
    def is_here(self) -> bool:
        return self.is_present_at(None)

    @property
    def here_since(self) -> dt.datetime | None:
        """When the stretch they are in now began, if that is worth saying: None for someone
        here from the opening (or its first minutes), or not here."""
        since = next((s.arrived_at for s in self.presence if s.departed_at is None), None)
        if since is None or since <= self.meeting.opened_at + LATE_AFTER:
            return None
        return since

    @property
    def left_at(self) -> dt.datetime | None:
        """When they last left, if they are not here now."""
        stretches = self.presence
        if not self.is_present or not stretches or stretches[-1].departed_at is None:
            return None
        return stretches[-1].departed_at

    @property
    def movements(self) -> list[tuple[str, dt.datetime]]:
        """What the record says of their comings and goings, in order: ("from", 16:12) for a
        late arrival, then ("left", 10:20), ("back", 10:40) ... A departure at the adjournment
        is staying to the end, and is not said."""
        if not self.is_present:
            return []
        words: list[tuple[str, dt.datetime]] = []
        end = self.meeting.adjourned_at
        for index, stretch in enumerate(self.presence):
            if index == 0:
                if self.arrived_late:
                    words.append(("from", stretch.arrived_at))
            elif stretch.arrived_at is not None:
                words.append(("back", stretch.arrived_at))
            if stretch.departed_at is not None and (end is None or stretch.departed_at < end):
                words.append(("left", stretch.departed_at))
        return words


class Presence(models.Model):
    """One stretch of an attendee in the room: from `arrived_at` (empty: from the opening) to
    `departed_at` (empty: still here, or to the end). Leaving and coming back is two stretches;
    quorum at any moment counts whoever has a stretch covering it."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="stretches")
    arrived_at = models.DateTimeField(null=True, blank=True)
    departed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = [models.F("arrived_at").asc(nulls_first=True), "pk"]
        verbose_name = "stretch of presence"
        verbose_name_plural = "stretches of presence"
        constraints = [
            models.CheckConstraint(
                condition=Q(departed_at__isnull=True)
                | Q(arrived_at__isnull=True)
                | Q(departed_at__gte=models.F("arrived_at")),
                name="presence_departs_after_arrival",
                violation_error_message="Nobody leaves before they arrive.",
            ),
            # Backstops for a repeated "Back" or a second "from the opening": the services
            # refuse both in words, under the meeting's lock.
            models.UniqueConstraint(
                fields=["attendance"],
                condition=Q(departed_at__isnull=True),
                name="presence_one_open_stretch",
                violation_error_message="They are already recorded as here.",
            ),
            models.UniqueConstraint(
                fields=["attendance"],
                condition=Q(arrived_at__isnull=True),
                name="presence_one_stretch_from_opening",
                violation_error_message="Only one stretch starts at the opening.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.arrived_at or 'opening'} – {self.departed_at or 'end'}"

    def covers(self, at: dt.datetime) -> bool:
        arrived = self.arrived_at is None or self.arrived_at <= at
        still_here = self.departed_at is None or self.departed_at > at
        return arrived and still_here


class NoteQuerySet(models.QuerySet["Note"]):
    def public_at(self, at: dt.datetime) -> NoteQuerySet:
        """Notes that may be shown outside the board: their own marks and their item's."""
        return self.filter(public_q(at), public_q(at, prefix="item__"))


class Note(Disclosure):
    """One statement in the record: "Don: makes the point that ...". Never edited in place by two
    people at once, because each statement is its own row. A statement can be board only or
    embargoed on its own (a new member's name) while the rest of its item is public."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="notes")
    speaker = models.ForeignKey(
        Attendance,
        on_delete=models.PROTECT,
        related_name="notes",
        null=True,
        blank=True,
        help_text="An attendee; empty for the record's own words.",
    )
    text = models.TextField()
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_notes"
    )

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["item", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="note_has_text"),
        ]

    def __str__(self) -> str:
        who = f"{self.speaker.short_name}: " if self.speaker_id else ""
        return f"{who}{self.text[:60]}"


class CorrectionKind(models.TextChoices):
    ATTENDANCE = "attendance", "Attendance"
    NOTE = "note", "Note"
    ITEM = "item", "Agenda item"


class Correction(models.Model):
    """One stated change to an adjourned meeting's record: what it changed (each field before and
    after), who made it, when and why. Kept as rows so that the minutes can show them as
    revisions, and so the record never changes silently."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="corrections")
    kind = models.CharField(max_length=20, choices=CorrectionKind.choices)
    attendance = models.ForeignKey(
        Attendance, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    note = models.ForeignKey(
        Note, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    reason = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_corrections"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "made_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("reason")), 0),
                name="correction_has_reason",
                violation_error_message="Say why the record is corrected.",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind=CorrectionKind.ATTENDANCE,
                    attendance__isnull=False,
                    note__isnull=True,
                    item__isnull=True,
                )
                | Q(
                    kind=CorrectionKind.NOTE,
                    attendance__isnull=True,
                    note__isnull=False,
                    item__isnull=True,
                )
                | Q(
                    kind=CorrectionKind.ITEM,
                    attendance__isnull=True,
                    note__isnull=True,
                    item__isnull=False,
                ),
                name="correction_names_what_it_changed",
            ),
        ]

    def __str__(self) -> str:
        return f"Correction of {self.get_kind_display().lower()} at {self.meeting}"

    @property
    def target(self) -> models.Model:
        return self.attendance or self.note or self.item


class ProxyQuerySet(models.QuerySet["Proxy"]):
    def standing(self) -> ProxyQuerySet:
        """Proxies not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class Proxy(models.Model):
    """A voting unit's vote at one meeting, entrusted by its voting representative (the grantor;
    on a board that votes by person, the director) to another person seated on the board.

    The holder holds the unit's vote while the grantor (and, for an organisation, its alternate)
    is away and the holder is present (`meetings.queries.vote_holders_at`). Written only by
    `meetings.proxies`; a withdrawn proxy stays as a row, so the record of who was named and
    when is kept.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="proxies")
    # "organisation:<id>" or "person:<id>", as vote_holders_at keys units.
    unit_key = models.CharField(max_length=40, editable=False)
    grantor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proxies_granted"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="proxies",
        null=True,
        blank=True,
        help_text="The organisation the grantor votes for (empty for a director in a personal "
        "capacity).",
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proxies_held"
    )
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Empty when named before the meeting opened (held from the opening); else the moment it
    # was named during the meeting, from which it holds.
    held_from = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    objects = ProxyQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "created_at", "pk"]
        verbose_name_plural = "proxies"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "unit_key"],
                condition=Q(withdrawn_at__isnull=True),
                name="proxy_one_per_unit_and_meeting",
                violation_error_message="This vote already has a proxy at this meeting.",
            ),
            models.CheckConstraint(
                condition=~Q(holder=models.F("grantor")),
                name="proxy_holder_is_not_grantor",
                violation_error_message="Nobody holds their own proxy.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder} holds {self.unit_label}'s vote at {self.meeting}"

    @property
    def unit_label(self) -> str:
        """Whose vote: the organisation's name, or on a board that votes by person the
        director's."""
        if self.unit_key.startswith("organisation:"):
            return self.organisation.name
        return self.grantor.full_name

    def holds_at(self, at: dt.datetime | None) -> bool:
        """In force at `at` (None: now): not withdrawn, and named by then."""
        if self.withdrawn_at is not None:
            return False
        return at is None or self.held_from is None or self.held_from <= at
