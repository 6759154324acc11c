"""Minutes pages: the list and one minutes (board's or public version), their exports, the
revision history and comparison, and the workflow steps. Thin: access, one query or service,
render."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings.models import Meeting
from minutes import approvals, record, services
from minutes.access import (
    LoginNeeded,
    Reader,
    get_minutes_for,
    login_redirect,
    reader_for,
    require_board,
    require_officer,
)
from minutes.disclosure import PUBLIC, markdown_for, problems
from minutes.errors import MinutesError, MinutesNotAllowed
from minutes.forms import ApprovalForm, CommentForm, PutToBoardForm, RevisionForm
from minutes.models import ApprovalMethod, Comment, Minutes
from minutes.queries import (
    comments_of,
    compare,
    corrections_of,
    meetings_awaiting_minutes,
    minutes_list_for,
    revisions_of,
)
from minutes.rendered import action_summary_of, minutes_html, minutes_rendered

DETAIL = "minutes/minutes_detail.html"


def with_reader(view):
    """Resolve the reader (and their version of the minutes) before the view; anonymous
    visitors of a board whose minutes are not public are sent to log in."""

    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, board_slug: str, *args, **kwargs) -> HttpResponse:
        try:
            reader = reader_for(request, board_slug)
        except LoginNeeded:
            return login_redirect(request)
        return view(request, reader, *args, **kwargs)

    return wrapped


@with_reader
@require_GET
def minutes_list(request: HttpRequest, reader: Reader) -> HttpResponse:
    return render(
        request,
        "minutes/minutes_list.html",
        {
            "board": reader.board,
            "reader": reader,
            "minutes_list": list(minutes_list_for(reader)),
            "awaiting": list(meetings_awaiting_minutes(reader)) if reader.is_officer else [],
        },
    )


def _detail_context(request: HttpRequest, reader: Reader, minutes: Minutes, **extra) -> dict:
    now = timezone.now()
    rendered = minutes_rendered(minutes, audience=reader.audience, at=now)
    html = rendered.html
    context = {
        "board": reader.board,
        "reader": reader,
        "minutes": minutes,
        "meeting": minutes.meeting,
        "html": html,  # whole, for the PDF; the page folds a long action summary
        "summary": action_summary_of(html),
        "corrections": corrections_of(minutes),
        "now": now,
    }
    if reader.is_board:
        context["comments"] = comments_of(minutes)
        context["problems"] = rendered.problems
        if minutes.is_circulated:
            context.setdefault("comment_form", CommentForm())
        if reader.is_officer:
            context["record_corrections"] = record.corrections_pending(minutes)
        if reader.is_officer and minutes.is_circulated:
            context.setdefault("approval_form", _approval_form(reader, minutes))
            context.setdefault("put_form", _put_form(reader, minutes))
            context["chair_may_approve"] = services.chair_may_approve(reader.board)
    context.update(extra)
    return context


def _approval_form(reader: Reader, minutes: Minutes, data=None) -> ApprovalForm:
    later = Meeting.objects.of_board(reader.board).filter(starts_at__gt=minutes.meeting.starts_at)
    form = ApprovalForm(data, meetings=later.order_by("starts_at"))
    if not services.chair_may_approve(reader.board):
        form.fields["method"].choices = [
            c for c in ApprovalMethod.choices if c[0] != ApprovalMethod.CHAIR
        ]
    return form


def _put_form(reader: Reader, minutes: Minutes, data=None) -> PutToBoardForm:
    later = (
        Meeting.objects.of_board(reader.board)
        .filter(starts_at__gt=minutes.meeting.starts_at, adjourned_at__isnull=True)
        .order_by("starts_at")
    )
    return PutToBoardForm(data, meetings=list(later[:12]))


@with_reader
@require_GET
def minutes_detail(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    minutes = get_minutes_for(reader, meeting_id)
    return render(request, DETAIL, _detail_context(request, reader, minutes))


@with_reader
@require_GET
def action_summary(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    """The minutes' action summary on its own: what the minutes page folds when it is long
    (opened there with htmx; without JavaScript, a page of its own)."""
    minutes = get_minutes_for(reader, meeting_id)
    summary = action_summary_of(minutes_html(minutes, audience=reader.audience, at=timezone.now()))
    if summary is None:
        raise Http404("These minutes have no action summary.")
    template = "minutes/action_summary.html" + ("#entries" if request.htmx else "")
    context = {"board": reader.board, "minutes": minutes, "summary": summary}
    return render(request, template, context)


def _filename(minutes: Minutes, extension: str) -> str:
    meeting = minutes.meeting
    day = timezone.localtime(meeting.starts_at, meeting.board.zone).date()
    return f"{meeting.board.slug}-minutes-{day:%Y-%m-%d}.{extension}"


@with_reader
@require_GET
def minutes_markdown(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    minutes = get_minutes_for(reader, meeting_id)
    text = markdown_for(minutes.text, audience=reader.audience, at=timezone.now())
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(minutes, "md")}"'
    return response


@with_reader
@require_GET
def minutes_pdf(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    from minutes.pdf import minutes_pdf_bytes

    minutes = get_minutes_for(reader, meeting_id)
    html = render_to_string(
        "minutes/minutes_pdf.html", _detail_context(request, reader, minutes), request=request
    )
    response = HttpResponse(minutes_pdf_bytes(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(minutes, "pdf")}"'
    return response


@with_reader
@require_GET
def revision_list(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    require_board(reader)
    minutes = get_minutes_for(reader, meeting_id)
    return render(
        request,
        "minutes/revision_list.html",
        {"board": reader.board, "minutes": minutes, "revisions": revisions_of(minutes)},
    )


@with_reader
@require_GET
def revision_compare(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    require_board(reader)
    minutes = get_minutes_for(reader, meeting_id)
    numbers = []
    if "a" not in request.GET and "b" not in request.GET:
        # Nothing chosen yet: the first revision against the latest, the whole story of changes.
        span = minutes.revisions.aggregate(first=Min("number"), last=Max("number"))
        if span["first"] is not None:
            numbers = [span["first"], span["last"]]
    for key in ("a", "b") if not numbers else ():
        value = request.GET.get(key, "")
        if not value.isascii() or not value.isdigit():
            return render(
                request,
                "minutes/revision_list.html",
                {
                    "board": reader.board,
                    "minutes": minutes,
                    "revisions": revisions_of(minutes),
                    "error": "Choose two revisions to compare.",
                },
                status=422,
            )
        numbers.append(int(value))
    older, newer = (get_object_or_404(minutes.revisions, number=n) for n in sorted(numbers))
    return render(
        request,
        "minutes/revision_compare.html",
        {"board": reader.board, "minutes": minutes, "comparison": compare(older, newer)},
    )


def _refused(request, reader, minutes, error: MinutesError, **extra) -> HttpResponse:
    if isinstance(error, MinutesNotAllowed):
        raise PermissionDenied(error.message)
    context = _detail_context(request, reader, minutes, error=error.message, **extra)
    return render(request, DETAIL, context, status=422)


@with_reader
@require_POST
def minutes_generate(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    require_officer(reader)
    meeting = get_object_or_404(
        Meeting.objects.select_related("board"), pk=meeting_id, board=reader.board
    )
    try:
        minutes = services.minutes_generate(meeting=meeting, actor=request.user)
    except MinutesNotAllowed as error:
        raise PermissionDenied(error.message) from error
    except MinutesError as error:
        messages.error(request, error.message)
        return redirect("minutes:minutes_list", reader.board.slug)
    messages.success(request, f"Generated the draft of {minutes.title}. Edit it, then circulate.")
    return redirect(minutes.get_absolute_url())


@with_reader
@require_http_methods(["GET", "POST"])
def minutes_edit(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    require_officer(reader)
    minutes = get_minutes_for(reader, meeting_id)
    form = RevisionForm(request.POST or None, initial={"text": minutes.text})
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.minutes_revise(
                minutes=minutes,
                text=data["text"],
                summary=data["summary"],
                reason=data["reason"],
                actor=request.user,
            )
        except MinutesNotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except MinutesError as exc:
            error = exc.message
        else:
            messages.success(request, f"Saved a new revision of {minutes.title}.")
            return redirect(minutes.get_absolute_url())
    status = 422 if request.method == "POST" else 200
    text = form["text"].value() or ""
    return render(
        request,
        "minutes/minutes_edit.html",
        {
            "board": reader.board,
            "minutes": minutes,
            "form": form,
            "error": error,
            "problems": problems(text),
        },
        status=status,
    )


def _step(request: HttpRequest, reader: Reader, meeting_id: int, step, done: str):
    require_officer(reader)
    minutes = get_minutes_for(reader, meeting_id)
    try:
        step(minutes=minutes, actor=request.user)
    except MinutesError as error:
        return _refused(request, reader, minutes, error)
    messages.success(request, done.format(title=minutes.title))
    return redirect(minutes.get_absolute_url())


@with_reader
@require_POST
def minutes_circulate(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    return _step(
        request,
        reader,
        meeting_id,
        services.minutes_circulate,
        "{title} are circulated to the board for review.",
    )


@with_reader
@require_POST
def minutes_publish(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    return _step(request, reader, meeting_id, services.minutes_publish, "{title} are published.")


@with_reader
@require_POST
def minutes_approve(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    require_board(reader)
    minutes = get_minutes_for(reader, meeting_id)
    form = _approval_form(reader, minutes, request.POST)
    if not form.is_valid():
        context = _detail_context(request, reader, minutes, approval_form=form)
        return render(request, DETAIL, context, status=422)
    data = form.cleaned_data
    try:
        services.minutes_approve(
            minutes=minutes,
            actor=request.user,
            method=data["method"],
            reference=data["reference"],
            approval_meeting=data["approval_meeting"],
        )
    except MinutesError as error:
        return _refused(request, reader, minutes, error, approval_form=form)
    messages.success(request, f"{minutes.title} are approved. Publish them when ready.")
    return redirect(minutes.get_absolute_url())


@with_reader
@require_POST
def minutes_put_to_board(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    """Put circulated minutes to a later meeting as a motion, or to a ballot."""
    require_board(reader)
    minutes = get_minutes_for(reader, meeting_id)
    form = _put_form(reader, minutes, request.POST)
    if not form.is_valid():
        context = _detail_context(request, reader, minutes, put_form=form)
        return render(request, DETAIL, context, status=422)
    try:
        motion = approvals.minutes_put_to_board(
            minutes=minutes,
            actor=request.user,
            meeting=form.meeting,
            closes_at=form.cleaned_data.get("closes_at") if form.meeting is None else None,
        )
    except MinutesError as error:
        return _refused(request, reader, minutes, error, put_form=form)
    messages.success(request, f"Put to the board: “{motion.title}”. Its carrying approves them.")
    return redirect(minutes.get_absolute_url())


@with_reader
@require_POST
def minutes_take_corrections(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    """Take the corrections of the record made since into the minutes, as a new revision."""
    require_board(reader)
    minutes = get_minutes_for(reader, meeting_id)
    by_hand = request.POST.get("by_hand") == "yes"
    try:
        record.minutes_take_corrections(minutes=minutes, actor=request.user, by_hand=by_hand)
    except MinutesError as error:
        return _refused(request, reader, minutes, error)
    messages.success(
        request,
        "Noted: the corrections were made by hand."
        if by_hand
        else "The corrections of the record are in a new revision of the minutes.",
    )
    return redirect(minutes.get_absolute_url())


@with_reader
@require_POST
def comment_add(request: HttpRequest, reader: Reader, meeting_id: int) -> HttpResponse:
    require_board(reader)
    minutes = get_minutes_for(reader, meeting_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, reader, minutes, comment_form=form)
        return render(request, DETAIL, context, status=422)
    try:
        services.minutes_comment(minutes=minutes, actor=request.user, **form.cleaned_data)
    except MinutesError as error:
        return _refused(request, reader, minutes, error, comment_form=form)
    messages.success(request, "Your comment is sent to the board.")
    return redirect(minutes.get_absolute_url() + "#comments")


@with_reader
@require_POST
def comment_apply(
    request: HttpRequest, reader: Reader, meeting_id: int, comment_id: int
) -> HttpResponse:
    require_officer(reader)
    minutes = get_minutes_for(reader, meeting_id)
    comment = get_object_or_404(Comment, pk=comment_id, minutes=minutes)
    try:
        services.minutes_apply_correction(comment=comment, actor=request.user)
    except MinutesError as error:
        return _refused(request, reader, minutes, error)
    messages.success(request, "The correction is applied as a new revision.")
    return redirect(minutes.get_absolute_url())


class PublishedMinutesFeed(Feed):
    """Atom feed of a board's published minutes, public version only: feed readers carry no
    login, so what a feed holds is what the public may read now."""

    feed_type = Atom1Feed

    def get_object(self, request, board_slug: str):
        from governance.models import Board

        board = get_object_or_404(Board, slug=board_slug)
        if not board.minutes_public:
            raise Http404("This board does not publish its minutes.")
        self.request_time = timezone.now()
        return board

    def title(self, board) -> str:
        return f"{board.name}: minutes"

    def link(self, board) -> str:
        return reverse("minutes:minutes_list", args=[board.slug])

    def subtitle(self, board) -> str:
        return f"Minutes published by {board.name}"

    def items(self, board):
        return (
            Minutes.objects.of_board(board)
            .published()
            .select_related("meeting__board")
            .order_by("-published_at", "-pk")[:30]
        )

    def item_title(self, minutes: Minutes) -> str:
        return minutes.title

    def item_description(self, minutes: Minutes) -> str:
        return minutes_html(minutes, audience=PUBLIC, at=self.request_time)

    def item_link(self, minutes: Minutes) -> str:
        return minutes.get_absolute_url()

    def item_pubdate(self, minutes: Minutes):
        return minutes.published_at

    def item_updateddate(self, minutes: Minutes):
        return minutes.published_at


minutes_feed = login_not_required(require_GET(PublishedMinutesFeed()))
