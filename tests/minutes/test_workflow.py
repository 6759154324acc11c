"""Draft → circulated → approved → published: who may take each step, and what is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.models import AuditEntry
from minutes import services
from minutes.errors import BadTransition, InvalidRevision, MinutesNotAllowed
from minutes.models import ApprovalMethod, Comment, Minutes, MinutesStatus, Revision
from tests.minutes.conftest import minutes_url

EVERYONE = ["anonymous", "olga", "victor", "alan", "nora", "greta", "alice", "sam"]
OFFICERS = {"alice", "sam"}
MEMBERS = {"victor", "alan", "nora", "greta", "alice", "sam"}


def client_of(cast, client_for, who):
    return client_for(None if who == "anonymous" else getattr(cast, who))


def expect_refusal(response, who, *, members_may_read=True):
    if who == "anonymous":
        # The board publishes its minutes: the visitor reads, but may change nothing.
        assert response.status_code in (403, 404)
    elif who == "olga":
        assert response.status_code in (403, 404)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", EVERYONE)
def test_generate_is_for_officers(cast, client_for, meeting, who):
    url = reverse("minutes:minutes_generate", args=[cast.board.slug, meeting.pk])
    response = client_of(cast, client_for, who).post(url)
    if who in OFFICERS:
        assert response.status_code == 302
        assert Minutes.objects.get(meeting=meeting).revisions.count() == 1
    else:
        expect_refusal(response, who)
        assert not Minutes.objects.exists()


@pytest.mark.parametrize("who", EVERYONE)
def test_editing_is_for_officers(cast, client_for, draft, who):
    data = {"text": draft.text + "\nOne more line.\n", "summary": "A line"}
    response = client_of(cast, client_for, who).post(minutes_url(draft, "minutes_edit"), data)
    if who in OFFICERS:
        assert response.status_code == 302
        assert draft.revisions.count() == 2
    else:
        expect_refusal(response, who)
        assert draft.revisions.count() == 1


@pytest.mark.parametrize("who", EVERYONE)
def test_circulating_is_for_officers(cast, client_for, draft, who):
    response = client_of(cast, client_for, who).post(minutes_url(draft, "minutes_circulate"))
    draft.refresh_from_db()
    if who in OFFICERS:
        assert response.status_code == 302 and draft.is_circulated
        assert draft.circulated_by == getattr(cast, who) and draft.circulated_at
    else:
        expect_refusal(response, who)
        assert draft.is_draft


@pytest.mark.parametrize("who", EVERYONE)
def test_every_member_may_comment_on_circulated_minutes(cast, client_for, circulated, who):
    response = client_of(cast, client_for, who).post(
        minutes_url(circulated, "comment_add"), {"text": "Looks right to me."}
    )
    if who in MEMBERS:
        assert response.status_code == 302
        assert Comment.objects.get().author == getattr(cast, who)
    else:
        expect_refusal(response, who)
        assert not Comment.objects.exists()


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_chair_approves_alone(cast, client_for, circulated, chair_approves, who):
    response = client_of(cast, client_for, who).post(
        minutes_url(circulated, "minutes_approve"), {"method": ApprovalMethod.CHAIR}
    )
    circulated.refresh_from_db()
    if who == "alice":
        assert response.status_code == 302 and circulated.status == MinutesStatus.APPROVED
        assert circulated.approved_by == cast.alice
    else:
        expect_refusal(response, who)
        assert circulated.is_circulated


@pytest.mark.parametrize("who", EVERYONE)
def test_officers_record_approval_by_motion(cast, client_for, circulated, who):
    from tests.meetings.factories import MeetingFactory

    later = MeetingFactory(
        board=cast.board, starts_at=circulated.meeting.starts_at.replace(year=2025)
    )
    data = {
        "method": "motion",
        "reference": "Motion 4: carried 3–0–0",
        "approval_meeting": later.pk,
    }
    response = client_of(cast, client_for, who).post(
        minutes_url(circulated, "minutes_approve"), data
    )
    circulated.refresh_from_db()
    if who in OFFICERS:
        assert response.status_code == 302, response.content
        assert circulated.approval_method == "motion"
        assert circulated.approval_meeting == later
        assert circulated.approval_reference == "Motion 4: carried 3–0–0"
    else:
        expect_refusal(response, who)
        assert circulated.is_circulated


@pytest.mark.parametrize("who", EVERYONE)
def test_publishing_is_for_officers(cast, client_for, approved, who):
    response = client_of(cast, client_for, who).post(minutes_url(approved, "minutes_publish"))
    approved.refresh_from_db()
    if who in OFFICERS:
        assert response.status_code == 302 and approved.is_published
    else:
        expect_refusal(response, who)
        assert approved.status == MinutesStatus.APPROVED


def _stored(minutes):
    minutes.refresh_from_db()
    return (
        minutes.status,
        minutes.text,
        minutes.revision_count,
        Revision.objects.count(),
        AuditEntry.objects.filter(action__startswith="minutes.").count(),
    )


def test_publishing_a_draft_never_approved_is_refused(cast, client_for, draft):
    before = _stored(draft)
    response = client_for(cast.sam).post(minutes_url(draft, "minutes_publish"))
    assert response.status_code == 422
    assert "published only once the board has approved them" in response.text
    assert _stored(draft) == before


def test_publishing_circulated_minutes_is_refused(cast, circulated):
    before = _stored(circulated)
    with pytest.raises(BadTransition, match="approved"):
        services.minutes_publish(minutes=circulated, actor=cast.sam)
    assert _stored(circulated) == before


def test_editing_published_minutes_without_a_reason_is_refused(cast, client_for, published):
    before = _stored(published)
    response = client_for(cast.sam).post(
        minutes_url(published, "minutes_edit"),
        {"text": published.text + "\nA late addition.\n", "summary": "Addition", "reason": "  "},
    )
    assert response.status_code == 422
    assert "say why they change" in response.text
    assert _stored(published) == before


def test_a_correction_after_publication_is_kept_and_shown(cast, client_for, published):
    response = client_for(cast.sam).post(
        minutes_url(published, "minutes_edit"),
        {
            "text": published.text.replace("Budget discussion", "The budget discussion"),
            "summary": "Wording",
            "reason": "Victor asked for the article.",
        },
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.is_published
    revision = published.revisions.get(number=2)
    assert revision.kind == "correction" and revision.is_after_publication
    public = client_for(None).get(minutes_url(published)).text
    assert "Victor asked for the article." in public and "Corrected on" in public


@pytest.mark.parametrize(
    ("fixture", "step", "message"),
    [
        ("approved", "circulate", "Only a draft is circulated"),
        ("draft", "approve_motion", "Circulate the minutes"),
        ("approved", "approve_motion", "already approved"),
        ("published", "publish", "already published"),
        ("draft", "comment", "while the minutes are circulated"),
        ("draft", "generate", "already exist"),
    ],
)
def test_bad_transitions_are_refused_with_nothing_stored(cast, request, fixture, step, message):
    minutes = request.getfixturevalue(fixture)
    before = _stored(minutes)
    calls = {
        "circulate": lambda: services.minutes_circulate(minutes=minutes, actor=cast.sam),
        "approve_motion": lambda: services.minutes_approve(
            minutes=minutes, actor=cast.sam, method="motion", reference="Motion 1: carried"
        ),
        "publish": lambda: services.minutes_publish(minutes=minutes, actor=cast.sam),
        "comment": lambda: services.minutes_comment(minutes=minutes, actor=cast.victor, text="x"),
        "generate": lambda: services.minutes_generate(meeting=minutes.meeting, actor=cast.sam),
    }
    with pytest.raises(BadTransition, match=message):
        calls[step]()
    assert _stored(minutes) == before


def test_the_chair_cannot_approve_alone_where_the_board_does_not_allow_it(cast, circulated):
    with pytest.raises(MinutesNotAllowed, match="by motion or ballot"):
        services.minutes_approve(minutes=circulated, actor=cast.alice, method="chair")
    circulated.refresh_from_db()
    assert circulated.is_circulated


def test_approval_by_motion_needs_its_reference_and_a_later_meeting(cast, circulated):
    with pytest.raises(InvalidRevision, match="Name the motion"):
        services.minutes_approve(minutes=circulated, actor=cast.sam, method="motion")
    with pytest.raises(InvalidRevision, match="later meeting"):
        services.minutes_approve(
            minutes=circulated,
            actor=cast.sam,
            method="motion",
            reference="Motion 1",
            approval_meeting=circulated.meeting,
        )
    circulated.refresh_from_db()
    assert circulated.is_circulated


def test_minutes_wait_for_the_meeting_to_adjourn(cast):
    from tests.meetings.factories import started_meeting

    meeting = started_meeting(cast.board, actor=cast.alice)
    with pytest.raises(BadTransition, match="adjourned"):
        services.minutes_generate(meeting=meeting, actor=cast.sam)
    assert not Minutes.objects.exists()


def test_an_unchanged_or_empty_revision_is_refused(cast, draft):
    with pytest.raises(InvalidRevision, match="Nothing changed"):
        services.minutes_revise(minutes=draft, text=draft.text, summary="", actor=cast.sam)
    with pytest.raises(InvalidRevision, match="cannot be empty"):
        services.minutes_revise(minutes=draft, text="   ", summary="", actor=cast.sam)
    assert draft.revisions.count() == 1


def test_a_proposed_correction_applies_as_a_new_revision(cast, client_for, circulated):
    passage = "**Victor:** Budget discussion went well"
    assert passage in circulated.text
    client_for(cast.victor).post(
        minutes_url(circulated, "comment_add"),
        {"text": "I was less sure.", "passage": passage, "proposed": "**Victor:** It went"},
    )
    comment = Comment.objects.get()
    assert comment.is_correction
    not_allowed = client_for(cast.victor).post(
        reverse("minutes:comment_apply", args=[cast.board.slug, circulated.meeting_id, comment.pk])
    )
    assert not_allowed.status_code == 403
    applied = client_for(cast.sam).post(
        reverse("minutes:comment_apply", args=[cast.board.slug, circulated.meeting_id, comment.pk])
    )
    assert applied.status_code == 302
    circulated.refresh_from_db()
    assert "**Victor:** It went" in circulated.text and passage not in circulated.text
    comment.refresh_from_db()
    assert comment.applied_in.number == 2


def test_a_correction_must_quote_the_minutes(cast, client_for, circulated):
    response = client_for(cast.victor).post(
        minutes_url(circulated, "comment_add"),
        {"text": "Fix", "passage": "words not in the minutes", "proposed": "x"},
    )
    assert response.status_code == 422 and "not in the current minutes" in response.text
    assert not Comment.objects.exists()


def test_every_step_is_audited(cast, published):
    actions = list(
        AuditEntry.objects.filter(action__startswith="minutes.")
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "minutes.generate",
        "minutes.circulate",
        "minutes.approve",
        "minutes.publish",
    ]
