"""What actions add to meetings, through `meetings.registry`: the actions under each agenda item,
the action summary a meeting opens with, the console's panels (review the summary, add an
action), and the console line "Action Lars: ..."."""

from __future__ import annotations

from actions import services
from actions.forms import ActionForm, ReviewForm
from actions.lines import resolve_owners, split_action_line
from actions.queries import GROUP_HEADINGS, fold_item_actions, meeting_actions, summary_group
from meetings import registry
from meetings.registry import Claimed, ConsoleState, Line, Viewer


@registry.item_section(order=10, name="actions", template="actions/_item_actions.html")
def actions_by_item(viewer: Viewer, items) -> dict:
    # The summary is read in the same query; the meeting section below takes it from here.
    read = meeting_actions(viewer.meeting, [item.pk for item in items])
    viewer.shared["actions.summary"] = read.summary
    return {item_id: fold_item_actions(actions) for item_id, actions in read.by_item.items()}


@registry.meeting_section(order=10, name="action_summary", template="actions/_summary.html")
def action_summary(viewer: Viewer):
    summary = viewer.shared.get("actions.summary")
    if summary is None:  # a meeting without items: no item section read it
        summary = meeting_actions(viewer.meeting, []).summary
    return summary if summary else None


@registry.console_panel(order=10, name="action_review", template="actions/_console_review.html")
def review_panel(console: ConsoleState):
    """The summary to review: whole when short; when long, its groups' counts, a group's
    entries loaded when opened (`actions.views.console_review_group`), and the group the chair
    last reviewed in shown open at the page they reviewed on."""
    meeting = console.viewer.meeting
    summary = console.viewer.shared.get("actions.summary")
    if summary is None:  # no item section read it (no item under discussion)
        summary = meeting_actions(meeting, []).summary
    if not summary:
        return None
    panel = {
        "summary": summary,
        "may_review": meeting.is_in_progress,
        "form": ReviewForm(),
        "open_id": console.state.get("review_open"),
        "error": console.state.get("review_error", ""),
    }
    group = console.state.get("review_group")
    if getattr(summary, "folded", False) and group in GROUP_HEADINGS:
        panel["open_group"] = group
        panel["page"] = summary_group(meeting, group, console.state.get("review_page", 1))
    return panel


@registry.console_panel(order=20, name="action_add", template="actions/_console_add.html")
def add_panel(console: ConsoleState):
    meeting = console.viewer.meeting
    if not meeting.is_in_progress or console.current_item is None:
        return None
    form = console.state.get("action_form") or ActionForm(
        people=services.seated_people(meeting.board, meeting.date)
    )
    return {"form": form, "item": console.current_item}


@registry.line_parser(order=10, name="actions")
def action_line(line: Line) -> Claimed | None:
    meeting = line.meeting
    parsed = split_action_line(line.text, on=meeting.date)
    if parsed is None:
        return None
    owners = []
    if not parsed.for_all:
        present = [
            attendance.person
            for attendance in meeting.attendances.present().select_related("person")
            if attendance.person_id and attendance.is_present_at(line.at)
        ]
        owners = resolve_owners(
            parsed.owner_hints,
            meeting=meeting,
            seated=list(services.seated_people(meeting.board, meeting.date)),
            present=present,
            resolutions=line.resolutions,
        )
    action = services.action_record(
        board=meeting.board,
        description=parsed.description,
        owners=owners,
        for_all=parsed.for_all,
        due_on=parsed.due_on,
        item=line.item,
        said_as=line.text,
        actor=line.author,
        at=line.at,
    )
    return Claimed(saved=f"Action recorded for {action.owner_names}")
