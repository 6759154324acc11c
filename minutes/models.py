"""The minutes of a meeting: a Markdown text generated from the record, revised by the
secretary, circulated, approved and published, every saved change kept as a revision.

The text carries its own confidentiality marks (see `minutes.disclosure`), so that the board's
version and the public version of every output come from one source.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from governance.models import Board
from meetings.models import Meeting
from motions.models import Status as MotionStatus


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CIRCULATED = "circulated", "Circulated for review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class ApprovalMethod(models.TextChoices):
    CHAIR = "chair", "By the chair"
    MOTION = "motion", "By motion at a meeting"
    BALLOT = "ballot", "By ballot"


class MinutesQuerySet(models.QuerySet["Minutes"]):
    def of_board(self, board: Board) -> MinutesQuerySet:
        return self.filter(meeting__board=board)

    def published(self) -> MinutesQuerySet:
        return self.filter(status=MinutesStatus.PUBLISHED)

    def latest_first(self) -> MinutesQuerySet:
        return self.order_by("-meeting__starts_at", "-pk")


class Minutes(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    status = models.CharField(
        max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT, editable=False
    )
    text = models.TextField(editable=False, help_text="The current revision's Markdown.")
    # What the record said when the minutes last took it in (generated, or corrections applied):
    # a later correction of the record is the difference between this and the record now.
    record_text = models.TextField(editable=False, blank=True)
    record_taken_at = models.DateTimeField(null=True, blank=True, editable=False)
    revision_count = models.PositiveIntegerField(default=0, editable=False)
    generated_at = models.DateTimeField(editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    circulated_at = models.DateTimeField(null=True, blank=True, editable=False)
    circulated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    approval_method = models.CharField(
        max_length=20, choices=ApprovalMethod.choices, blank=True, editable=False
    )
    approval_reference = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text="The motion or ballot that approved the minutes, with its tally.",
    )
    approval_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="minutes_approved",
        null=True,
        blank=True,
        editable=False,
        help_text="The meeting at which a motion approved them.",
    )
    approval_motion = models.ForeignKey(
        "motions.Motion",
        on_delete=models.PROTECT,
        related_name="minutes_to_approve",
        null=True,
        blank=True,
        editable=False,
        help_text="The motion or ballot the minutes were put to; its carrying approves them.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    objects = MinutesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "minutes"
        ordering = ["-meeting__starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=MinutesStatus.DRAFT) | Q(circulated_at__isnull=False),
                name="minutes_circulated_has_when",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[MinutesStatus.DRAFT, MinutesStatus.CIRCULATED])
                | Q(approved_at__isnull=False) & ~Q(approval_method=""),
                name="minutes_approved_has_when_and_how",
            ),
            models.CheckConstraint(
                condition=~Q(status=MinutesStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="minutes_published_has_when",
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes of {self.meeting.title}"

    def get_absolute_url(self) -> str:
        return reverse("minutes:minutes_detail", args=[self.meeting.board.slug, self.meeting_id])

    @property
    def title(self) -> str:
        return f"Minutes of {self.meeting.title}"

    @property
    def motion_pending(self) -> bool:
        """Put to the board by a motion or ballot that is not decided yet."""
        return self.approval_motion_id is not None and self.approval_motion.status in (
            MotionStatus.DRAFT,
            MotionStatus.OPEN,
            MotionStatus.TABLED,
        )

    @property
    def is_draft(self) -> bool:
        return self.status == MinutesStatus.DRAFT

    @property
    def is_circulated(self) -> bool:
        return self.status == MinutesStatus.CIRCULATED

    @property
    def is_approved(self) -> bool:
        return self.status in (MinutesStatus.APPROVED, MinutesStatus.PUBLISHED)

    @property
    def is_published(self) -> bool:
        return self.status == MinutesStatus.PUBLISHED


class RevisionKind(models.TextChoices):
    GENERATED = "generated", "Generated from the record"
    EDIT = "edit", "Edited"
    CORRECTION = "correction", "Correction"
    REGENERATED = "regenerated", "Regenerated from the corrected record"


class Revision(models.Model):
    """One saved state of the minutes' text: who, when, and what they said they changed."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=RevisionKind.choices)
    text = models.TextField()
    summary = models.CharField(max_length=300)
    reason = models.TextField(
        blank=True, help_text="Why approved or published minutes were changed."
    )
    status_at_save = models.CharField(max_length=20, choices=MinutesStatus.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="revision_number_unique"),
            models.CheckConstraint(
                condition=~Q(status_at_save__in=[MinutesStatus.APPROVED, MinutesStatus.PUBLISHED])
                | ~Q(reason="")
                | Q(kind=RevisionKind.GENERATED),
                name="revision_after_approval_has_reason",
                violation_error_message="Approved or published minutes change only with a reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of {self.minutes}"

    @property
    def is_after_publication(self) -> bool:
        return self.status_at_save == MinutesStatus.PUBLISHED


class Comment(models.Model):
    """A member's comment on circulated minutes, or a proposed correction to one passage."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="comments")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    passage = models.TextField(blank=True, help_text="The words the correction replaces.")
    proposed = models.TextField(blank=True, help_text="What the passage should say instead.")
    created_at = models.DateTimeField()
    applied_in = models.ForeignKey(
        Revision, on_delete=models.PROTECT, related_name="applied_comments", null=True, blank=True
    )

    class Meta:
        ordering = ["minutes", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="comment_has_text"),
            models.CheckConstraint(
                condition=Q(passage="", proposed="") | ~Q(passage=""),
                name="comment_correction_names_passage",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.minutes}"

    @property
    def is_correction(self) -> bool:
        return bool(self.passage)


class MinutesPolicy(models.Model):
    """How a board approves its minutes. Absent means the defaults below."""

    board = models.OneToOneField(Board, on_delete=models.CASCADE, related_name="minutes_policy")
    chair_may_approve = models.BooleanField(
        "the chair may approve minutes",
        default=False,
        help_text="Unticked: minutes are approved only by a motion or a ballot of the board.",
    )

    class Meta:
        verbose_name_plural = "minutes policies"

    def __str__(self) -> str:
        return f"Minutes policy of {self.board}"
