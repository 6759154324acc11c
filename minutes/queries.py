"""Reads the minutes pages share: the list for a reader, one minutes with what its page shows,
and the comparison of two revisions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from governance.compiled import CompiledQuery
from meetings.models import Meeting, MeetingStatus
from minutes.access import Reader
from minutes.models import Comment, Minutes, MinutesStatus, Revision


def minutes_list_for(reader: Reader) -> QuerySet[Minutes]:
    """The board's minutes, latest meeting first; the public sees published ones only."""
    queryset = (
        Minutes.objects.of_board(reader.board)
        .select_related("meeting__board", "approval_meeting")
        .latest_first()
    )
    if not reader.is_board:
        queryset = queryset.published()
    return queryset


def meetings_awaiting_minutes(reader: Reader) -> QuerySet[Meeting]:
    if not reader.is_board:
        return Meeting.objects.none()
    return (
        Meeting.objects.of_board(reader.board)
        .filter(status=MeetingStatus.ADJOURNED, minutes__isnull=True)
        .order_by("-starts_at", "-pk")
    )


def _corrections(minutes_id: int):
    return (
        Revision.objects.filter(
            minutes_id=minutes_id,
            status_at_save__in=[MinutesStatus.APPROVED, MinutesStatus.PUBLISHED],
        )
        .exclude(reason="")
        .select_related("author")
        .order_by("number")
    )


def _comments(minutes_id: int):
    return (
        Comment.objects.filter(minutes_id=minutes_id)
        .select_related("author", "revision", "applied_in")
        .order_by("created_at", "pk")
    )


# The minutes page asks both on every view: compiled once per process (governance/compiled.py).
_corrections_of = CompiledQuery(_corrections, minutes_id=2_000_000_701)
_comments_of = CompiledQuery(_comments, minutes_id=2_000_000_703)


def corrections_of(minutes: Minutes) -> list[Revision]:
    """Revisions saved after approval: each with its stated reason, shown on the page."""
    return _of(minutes, _corrections_of.results(minutes_id=minutes.pk))


def comments_of(minutes: Minutes) -> list[Comment]:
    return _of(minutes, _comments_of.results(minutes_id=minutes.pk))


def _of(minutes: Minutes, rows: list) -> list:
    """Rows that point at `minutes`, pointing at the instance in hand (as a related manager's
    would): reading `row.minutes` costs no query."""
    for row in rows:
        row.minutes = minutes
    return rows


def revisions_of(minutes: Minutes) -> list[Revision]:
    return list(
        minutes.revisions.select_related("author")
        .prefetch_related(Prefetch("applied_comments", queryset=Comment.objects.only("pk")))
        .order_by("-number")
    )


@dataclass(frozen=True)
class SideBySideRow:
    kind: str  # "equal", "replace", "delete", "insert"
    left_number: int | None
    left: str
    right_number: int | None
    right: str


@dataclass(frozen=True)
class Comparison:
    older: Revision
    newer: Revision
    rows: list[SideBySideRow]
    unified: str

    @property
    def changed_rows(self) -> list[SideBySideRow]:
        return [row for row in self.rows if row.kind not in ("equal", "gap")]


CONTEXT = 3


def compare(older: Revision, newer: Revision) -> Comparison:
    """Two revisions side by side (changed lines with a little context) and as a unified diff."""
    a = older.text.splitlines()
    b = newer.text.splitlines()
    rows: list[SideBySideRow] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(CONTEXT):
        if rows:
            rows.append(SideBySideRow("gap", None, "…", None, "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for offset in range(i2 - i1):
                    rows.append(
                        SideBySideRow(
                            "equal",
                            i1 + offset + 1,
                            a[i1 + offset],
                            j1 + offset + 1,
                            b[j1 + offset],
                        )
                    )
                continue
            left = list(range(i1, i2))
            right = list(range(j1, j2))
            for index in range(max(len(left), len(right))):
                li = left[index] if index < len(left) else None
                rj = right[index] if index < len(right) else None
                rows.append(
                    SideBySideRow(
                        tag,
                        li + 1 if li is not None else None,
                        a[li] if li is not None else "",
                        rj + 1 if rj is not None else None,
                        b[rj] if rj is not None else "",
                    )
                )
    unified = "\n".join(
        difflib.unified_diff(
            a,
            b,
            fromfile=f"revision {older.number}",
            tofile=f"revision {newer.number}",
            lineterm="",
            n=CONTEXT,
        )
    )
    return Comparison(older=older, newer=newer, rows=rows, unified=unified)
