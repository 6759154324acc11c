"""The motion pages: the list, a motion (vote, follow the count, decide), putting a motion."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.access import get_board_for
from governance.exceptions import DomainError
from governance.models import Board, User, seats_on
from meetings.access import can_record
from meetings.models import AgendaItem, Meeting
from meetings.queries import vote_holders_at
from motions import services
from motions.access import can_manage, get_motion_for, require_manager
from motions.forms import (
    CorrectionForm,
    CountsForm,
    DeadlineForm,
    MotionForm,
    VoteForm,
    next_week,
)
from motions.models import Choice, Method, Motion, Status
from motions.queries import (
    MyVote,
    changed_votes,
    decided_page,
    my_vote_on,
    named_votes,
    open_counts,
    outcome_words,
    progress_of,
    threshold_words,
    turnout_words,
    undecided_of,
    voted_units,
)
from motions.related import related_to
from motions.units import units_held_by


def _close_if_due(motion: Motion) -> Motion:
    """A ballot past its deadline closes the moment anyone looks at it."""
    if motion.is_open and motion.is_past_deadline():
        services.ballots_close_due(board=motion.board)
        motion.refresh_from_db()
    return motion


@require_GET
def motion_list(request: HttpRequest, board_slug: str) -> HttpResponse:
    board, standing = get_board_for(request.user, board_slug)
    services.ballots_close_due(board=board)
    # Decisions accumulate (a thousand over ten years): they come a page at a time, newest
    # first; what is still open, pending or withdrawn is read whole.
    motions = undecided_of.results(board_id=board.pk)
    counts = open_counts(motions)
    for motion in motions:
        motion.voted_so_far = counts.get(motion.pk, 0)
    decided = decided_page(board, request.GET.get("page"))
    return render(
        request,
        "motions/motion_list.html",
        {
            "board": board,
            "standing": standing,
            "open_motions": [m for m in motions if m.is_open],
            "decided": decided,
            "pending": [m for m in motions if m.status in (Status.DRAFT, Status.TABLED)],
            "withdrawn": [m for m in motions if m.status == Status.WITHDRAWN],
            "may_put_ballot": standing.is_officer,
        },
    )


def _detail_context(request: HttpRequest, board: Board, standing, motion: Motion, **extra) -> dict:
    manager = can_manage(request.user, standing, motion)
    context = {
        "board": board,
        "standing": standing,
        "motion": motion,
        "progress": progress_of(motion),
        "my_vote": my_vote_on(motion, request.user),
        "may_manage": manager,
        "threshold_words": threshold_words(motion),
        "outcome_words": outcome_words(motion),
        "turnout_words": turnout_words(motion),
        "unit_noun": board.unit_noun(2),
        "choices": Choice.choices,
        "related": related_to(motion),
        "corrections": list(motion.corrections.select_related("corrected_by")),
        "replaced_by": list(motion.replaced_by.all()),
        "dependents": list(motion.dependents.all()),
    }
    if motion.is_closed:
        context["votes"] = named_votes(motion)
        context["changed"] = changed_votes(motion)
    elif motion.is_open and not motion.secret:
        context["voted_units"] = voted_units(motion)
    if motion.is_open and motion.meeting_id and context["my_vote"].may_vote:
        # The votes the member holds as someone's proxy, each cast on its own.
        context["proxy_units"] = units_held_by(motion, request.user)[1:]
    if manager:
        if motion.method == Method.COUNTS and not motion.is_closed:
            context.setdefault("counts_form", CountsForm())
        if motion.method == Method.ROLL_CALL and not motion.is_closed and motion.meeting_id:
            context["roll"] = sorted(
                vote_holders_at(motion.meeting).values(), key=lambda h: h.unit_label
            )
        if motion.is_ballot and motion.status in (Status.DRAFT, Status.TABLED):
            context.setdefault(
                "deadline_form",
                DeadlineForm(initial={"closes_at": motion.closes_at or next_week()}),
            )
        if motion.is_closed and motion.outcome == "no_quorum" and not context["replaced_by"]:
            context.setdefault("deadline_form", DeadlineForm(initial={"closes_at": next_week()}))
        if motion.is_closed:
            context.setdefault("correction_form", CorrectionForm(initial={"text": motion.text}))
    context.update(extra)
    return context


def _voting_context(request: HttpRequest, board: Board, motion: Motion, **extra) -> dict:
    """What the "Your vote" box needs, and nothing else: the answer to a vote is that box alone
    (the count and the rest of the page follow by the page's own poll)."""
    my_vote = my_vote_on(motion, request.user)
    context = {"board": board, "motion": motion, "my_vote": my_vote, "choices": Choice.choices}
    if motion.is_open and motion.meeting_id and my_vote.may_vote:
        # The votes the member holds as someone's proxy, each cast on its own.
        context["proxy_units"] = units_held_by(motion, request.user)[1:]
    context.update(extra)
    return context


@require_GET
def motion_detail(request: HttpRequest, board_slug: str, motion_id: int) -> HttpResponse:
    board, standing, motion = get_motion_for(request.user, board_slug, motion_id)
    motion = _close_if_due(motion)
    return render(
        request, "motions/motion_detail.html", _detail_context(request, board, standing, motion)
    )


@never_cache
@require_GET
def motion_progress(request: HttpRequest, board_slug: str, motion_id: int) -> HttpResponse:
    """The live count, polled by every open page of the motion. When the motion's status is no
    longer the one the page shows, the page reloads to show the outcome."""
    board, standing, motion = get_motion_for(request.user, board_slug, motion_id)
    motion = _close_if_due(motion)
    response = render(
        request,
        "motions/motion_detail.html#progress",
        {
            "board": board,
            "motion": motion,
            "progress": progress_of(motion),
            "unit_noun": board.unit_noun(2),
        },
    )
    if request.GET.get("status") and request.GET["status"] != motion.status:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def motion_vote(request: HttpRequest, board_slug: str, motion_id: int) -> HttpResponse:
    board, standing, motion = get_motion_for(request.user, board_slug, motion_id)
    form = VoteForm(request.POST)
    error = ""
    vote = None
    if form.is_valid():
        try:
            vote = services.vote_cast(
                motion=motion,
                person=request.user,
                choice=form.cleaned_data["choice"],
                dissent=form.cleaned_data["dissent"],
                # A proxy holder chooses which of the votes they hold this one is.
                unit_key=request.POST.get("unit") or None,
            )
        except DomainError as refusal:
            error = refusal.message
    else:
        error = "Choose for, against or abstain."
    if request.htmx and vote is not None and _answered_by_the_vote(vote):
        # The box as the vote left it, from what the vote read under its locks: the voter's
        # own unit, now on record, and the votes they hold as proxy.
        context = {
            "board": board,
            "motion": vote.motion,
            "my_vote": MyVote(
                unit=vote.unit,
                current="cast" if vote.motion.secret else vote.choice,
                dissent=vote.dissent_minuted,
            ),
            "choices": Choice.choices,
            "proxy_units": vote.units_held[1:],
        }
        return render(request, "motions/motion_detail.html#voting", context)
    # As it now stands (a ballot may have closed itself), with what the answer reads of it.
    motion = Motion.objects.select_related("board", "meeting", "meeting__board").get(pk=motion.pk)
    if request.htmx:
        context = _voting_context(request, board, motion, vote_error=error)
        status = 422 if error else 200
        return render(request, "motions/motion_detail.html#voting", context, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, "Your vote is recorded. You can change it until the motion closes."
        )
    return redirect(motion.get_absolute_url())


def _answered_by_the_vote(vote) -> bool:
    """A live vote for the voter's own unit: its answer needs nothing the vote did not read. A
    ballot may have closed itself, and a vote cast as proxy leaves the voter's own unit's
    standing to be read: those answer by the full path."""
    return vote.motion.method == Method.LIVE and vote.unit == vote.units_held[0]


def _roll_call_from(request: HttpRequest, motion: Motion) -> tuple[dict[str, str], frozenset[str]]:
    holders = vote_holders_at(motion.meeting)
    choices, dissent = {}, set()
    for key in holders:
        choice = request.POST.get(f"unit-{key}", "")
        if choice:
            choices[key] = choice
        if request.POST.get(f"dissent-{key}"):
            dissent.add(key)
    unknown = [
        name.removeprefix("unit-")
        for name in request.POST
        if name.startswith("unit-") and name.removeprefix("unit-") not in holders
    ]
    for key in unknown:
        choices[key] = request.POST[f"unit-{key}"]
    return choices, frozenset(dissent)


ACTIONS = ("open", "close", "withdraw", "table", "record", "ballot", "correct")


@require_POST
def motion_act(request: HttpRequest, board_slug: str, motion_id: int, action: str) -> HttpResponse:
    """The chair's and secretary's buttons: open, close, withdraw, table, record the decision,
    put an inquorate motion to a ballot, correct a closed record."""
    if action not in ACTIONS:
        raise Http404("No such action")
    board, standing, motion = get_motion_for(request.user, board_slug, motion_id)
    require_manager(request.user, standing, motion)
    actor = request.user
    extra: dict = {}
    try:
        if action == "open":
            closes_at = None
            if motion.is_ballot:
                form = DeadlineForm(request.POST)
                if not form.is_valid():
                    extra["deadline_form"] = form
                    raise DomainError("Give the ballot a deadline in the future.")
                closes_at = form.cleaned_data["closes_at"]
            services.motion_open(motion=motion, actor=actor, closes_at=closes_at)
            done = "The motion is open for votes."
        elif action == "close":
            motion = services.motion_close(motion=motion, actor=actor)
            done = f"The motion is closed: {motion.get_outcome_display().lower()}."
        elif action == "withdraw":
            services.motion_withdraw(motion=motion, actor=actor)
            done = "The motion is withdrawn."
        elif action == "table":
            services.motion_table(motion=motion, actor=actor)
            done = "The motion is tabled."
        elif action == "record":
            counts = roll = None
            dissent: frozenset[str] = frozenset()
            if motion.method == Method.COUNTS:
                form = CountsForm(request.POST)
                if not form.is_valid():
                    extra["counts_form"] = form
                    raise DomainError(
                        "Give the votes for, against and abstaining as whole numbers."
                    )
                data = form.cleaned_data
                counts = (data["votes_for"], data["votes_against"], data["votes_abstain"])
            elif motion.method == Method.ROLL_CALL:
                roll, dissent = _roll_call_from(request, motion)
            motion = services.motion_record(
                motion=motion, actor=actor, counts=counts, roll_call=roll, dissenters=dissent
            )
            done = f"Recorded: {motion.get_outcome_display().lower()}."
        elif action == "ballot":
            form = DeadlineForm(request.POST)
            if not form.is_valid():
                extra["deadline_form"] = form
                raise DomainError("Give the ballot a deadline in the future.")
            ballot = services.motion_to_ballot(
                motion=motion, actor=actor, closes_at=form.cleaned_data["closes_at"]
            )
            messages.success(request, "The motion is now a ballot, open to every voting unit.")
            return redirect(ballot.get_absolute_url())
        else:
            form = CorrectionForm(request.POST)
            if not form.is_valid():
                extra["correction_form"] = form
                raise DomainError("Give the corrected wording and the reason.")
            services.motion_correct(
                motion=motion,
                actor=actor,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
            done = "The record is corrected; the correction is shown beside it."
    except DomainError as refusal:
        motion.refresh_from_db()
        context = _detail_context(
            request, board, standing, motion, action_error=refusal.message, **extra
        )
        return render(request, "motions/motion_detail.html", context, status=422)
    messages.success(request, done)
    return redirect(_safe_next(request, motion))


def _safe_next(request: HttpRequest, motion: Motion) -> str:
    target = request.POST.get("next", "")
    board_prefix = reverse("dashboard", args=[motion.board.slug])
    if target.startswith(board_prefix) and "//" not in target:
        return target
    return motion.get_absolute_url()


@require_http_methods(["GET", "POST"])
def motion_new(request: HttpRequest, board_slug: str) -> HttpResponse:
    """Put a motion: in a meeting (from its console or agenda), or a ballot between meetings.
    `?meeting=&item=&text=` fill it in, as the console does from a typed line."""
    board, standing = get_board_for(request.user, board_slug)
    source = request.POST if request.method == "POST" else request.GET
    meeting = item = None
    if source.get("meeting"):
        meeting = _int_or_404(
            Meeting.objects.select_related("board"), source["meeting"], board=board
        )
        if not can_record(request.user, standing, meeting):
            raise PermissionDenied(
                "Only the meeting's chair, a secretary or the minute taker may put its motions."
            )
        if source.get("item"):
            item = _int_or_404(AgendaItem.objects, source["item"], meeting=meeting)
    elif not standing.is_officer:
        raise PermissionDenied("Only the chair or a secretary may put a ballot to the board.")
    on = meeting.date if meeting else None
    people = seats_on(board, on or _today(board)).values_list("person", flat=True).distinct()
    people_qs = User.objects.filter(pk__in=people).order_by("full_name")
    motions_qs = Motion.objects.filter(board=board).exclude(status=Status.WITHDRAWN).order_by("-pk")
    form_kwargs = {"people": people_qs, "motions": motions_qs, "ballot_only": meeting is None}
    if request.method == "POST":
        form = MotionForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                motion = services.motion_create(
                    board=board,
                    meeting=meeting,
                    item=item,
                    details=form.details(),
                    actor=request.user,
                )
                then = request.POST.get("then", "")
                if then == "open" and motion.is_voted:
                    services.motion_open(motion=motion, actor=request.user)
                    messages.success(request, "The motion is open for votes.")
                elif then == "record" and motion.method == Method.WITHOUT_OBJECTION:
                    motion = services.motion_record(motion=motion, actor=request.user)
                    messages.success(request, f"Recorded: {motion.get_outcome_display().lower()}.")
                else:
                    messages.success(request, "The motion is saved as a draft.")
                return redirect(motion.get_absolute_url())
            except DomainError as refusal:
                form.add_error(None, refusal.message)
        status = 422
    else:
        initial = {
            "text": source.get("text", "")[:4000],
            "method": Method.BALLOT if meeting is None else source.get("method", Method.LIVE),
            "closes_at": next_week(),
        }
        form = MotionForm(initial=initial, **form_kwargs)
        status = 200
    return render(
        request,
        "motions/motion_form.html",
        {"board": board, "standing": standing, "form": form, "meeting": meeting, "item": item},
        status=status,
    )


def _today(board: Board):
    return timezone.localtime(timezone.now(), board.zone).date()


def _int_or_404(queryset, raw: str, **filters):
    if not str(raw).isascii() or not str(raw).isdigit():
        raise Http404("No such record")
    return get_object_or_404(queryset, pk=int(raw), **filters)
