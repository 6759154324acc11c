"""Action items: what the board asked someone to do, and everything said about it since.

An action is raised in a meeting under an agenda item ("Action Lars: send the report next week")
or between meetings. Its origin (meeting, item, the words as said) is part of that meeting's
record. What happens to it afterwards is a list of `ActionUpdate` rows: a progress note, a status
change, new owners or a new due date, each dated and signed; nothing is overwritten. The current
status, owners and due date on `ActionItem` are the latest of those updates, kept there so that
lists can filter and sort on them in the database.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from governance.models import Board
from meetings.models import AgendaItem, Meeting


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING = "waiting", "Waiting on someone else"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


UNFINISHED = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.WAITING)
FINISHED = (ActionStatus.DONE, ActionStatus.DROPPED)


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def of_board(self, board: Board) -> ActionItemQuerySet:
        return self.filter(board=board)

    def unfinished(self) -> ActionItemQuerySet:
        return self.filter(status__in=UNFINISHED)

    def overdue(self, today: dt.date) -> ActionItemQuerySet:
        return self.unfinished().filter(due_on__lt=today)

    def owned_by(self, person) -> ActionItemQuerySet:
        """The person's own actions and the board-wide ones ("Action All")."""
        return self.filter(Q(owners=person) | Q(for_all=True)).distinct()


class ActionItem(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="actions",
        null=True,
        blank=True,
        help_text="The meeting it was raised in; empty for one raised between meetings.",
    )
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        related_name="actions",
        null=True,
        blank=True,
        help_text="The agenda item it was raised under.",
    )
    description = models.TextField(help_text="What is to be done, as the minutes say it.")
    said_as = models.TextField(
        blank=True, help_text="The line as typed in the console (“Action Lars: …”)."
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="actions_owned", blank=True
    )
    for_all = models.BooleanField(
        "the whole board", default=False, help_text="“Action All”: every member owns it."
    )
    due_on = models.DateField("due", null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN, editable=False
    )
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions_created"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["board", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="action_has_description"),
            models.CheckConstraint(
                condition=Q(item__isnull=True) | Q(meeting__isnull=False),
                name="action_item_belongs_to_its_meeting",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in ActionStatus]),
                name="action_status_known",
            ),
        ]
        indexes = [
            models.Index(fields=["board", "status", "due_on"]),
            models.Index(fields=["board", "status_changed_at"]),
            # A summary group's actions: those of one status that changed in a window
            # (`actions.queries._could_be_in`).
            models.Index(fields=["board", "status", "status_changed_at"]),
        ]

    def __str__(self) -> str:
        return f"Action {self.owner_names}: {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("actions:action_detail", args=[self.board.slug, self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def is_dropped(self) -> bool:
        return self.status == ActionStatus.DROPPED

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.is_finished and self.due_on is not None and self.due_on < today

    @property
    def owner_list(self) -> list:
        """Owners by name; uses the owners read with the action (`owners_read`, set by
        `actions.queries.meeting_actions`) or prefetched, when there are some."""
        return sorted(self._owners, key=lambda person: person.full_name)

    @property
    def _owners(self) -> list:
        read = self.__dict__.get("owners_read")
        return read if read is not None else list(self.owners.all())

    @property
    def owner_names(self) -> str:
        """'Lars', 'Sarah, Michelle', 'All': as the minutes name them."""
        if self.for_all:
            return "All"
        return ", ".join(person.first_name for person in self.owner_list) or "nobody"

    @property
    def owner_full_names(self) -> str:
        if self.for_all:
            return "All (the whole board)"
        return ", ".join(person.full_name for person in self.owner_list) or "nobody"

    def is_owned_by(self, person) -> bool:
        return self.for_all or any(owner.pk == person.pk for owner in self._owners)


class ActionUpdate(models.Model):
    """One dated entry in an action's history: a note, and what it changed, before and after."""

    action = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="updates")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_updates"
    )
    note = models.TextField(blank=True)
    status = models.CharField("new status", max_length=20, choices=ActionStatus.choices, blank=True)
    previous_status = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True)
    due_changed = models.BooleanField(default=False)
    due_on = models.DateField("new due date", null=True, blank=True)
    previous_due_on = models.DateField(null=True, blank=True)
    owners_changed = models.BooleanField(default=False)
    owners_text = models.CharField("new owners", max_length=500, blank=True)
    previous_owners_text = models.CharField(max_length=500, blank=True)
    reviewed_in = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="action_reviews",
        null=True,
        blank=True,
        help_text="The meeting in which the chair reviewed the action, if this was a review.",
    )

    class Meta:
        ordering = ["action", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(note="")
                | ~Q(status="")
                | Q(due_changed=True)
                | Q(owners_changed=True)
                | Q(reviewed_in__isnull=False),
                name="action_update_says_something",
            ),
            models.CheckConstraint(
                condition=Q(status="") | ~Q(status=models.F("previous_status")),
                name="action_update_status_changes",
            ),
        ]
        indexes = [models.Index(fields=["action", "status", "at"])]

    def __str__(self) -> str:
        return f"{self.action_id} @ {self.at:%Y-%m-%d}: {self.note[:40]}"

    @property
    def changes(self) -> list[str]:
        """What the update changed, in words: 'Open → Done', 'Due 3 Jun → 10 Jun'."""
        from governance.formatting import short_day

        said = []
        if self.status:
            before = ActionStatus(self.previous_status).label if self.previous_status else "?"
            said.append(f"{before} → {ActionStatus(self.status).label}")
        if self.owners_changed:
            said.append(f"Owners {self.previous_owners_text or 'nobody'} → {self.owners_text}")
        if self.due_changed:
            before = short_day(self.previous_due_on) if self.previous_due_on else "no date"
            after = short_day(self.due_on) if self.due_on else "no date"
            said.append(f"Due {before} → {after}")
        return said
