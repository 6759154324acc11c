"""Corrections of the meeting's record made after its minutes were written are offered to the
minutes and taken in as a new revision, keeping the secretary's edits; a passage the secretary
rewrote is not guessed at."""

from __future__ import annotations

import pytest

from meetings import corrections
from meetings.models import Note
from minutes import record, services
from minutes.errors import InvalidRevision
from minutes.models import RevisionKind
from minutes.queries import corrections_of
from tests.minutes.conftest import PUBLIC_WORDS, minutes_url
from tests.minutes.test_workflow import EVERYONE, OFFICERS, client_of, expect_refusal

CORRECTED = "Budget discussion went well, and the reserve stays at 10%"


def correct_note(cast, meeting, *, reason="Victor sent the full sentence"):
    note = Note.objects.get(item__meeting=meeting, text__contains=PUBLIC_WORDS)
    return corrections.note_correct(
        note=note, actor=cast.alice, reason=reason, text=CORRECTED, speaker=note.speaker
    )


def test_a_change_is_placed_where_its_passage_still_reads_as_the_record_gave_it():
    was = "# Minutes\n\nA said x.\n\nB said y.\n"
    now = "# Minutes\n\nA said x, twice.\n\nB said y.\n\nC said z.\n"
    edited = "# Minutes of May\n\nA said x.\n\nB said y.\n\nAny other business: none.\n"
    text, misplaced = record.carried_over(was=was, now=now, edited=edited)
    assert misplaced == []
    assert text == (
        "# Minutes of May\n\nA said x, twice.\n\nB said y.\n\nC said z.\n\n"
        "Any other business: none.\n"
    )


def test_a_passage_the_secretary_rewrote_is_not_guessed_at():
    was = "A said x.\n\nB said y.\n"
    now = "A said x, twice.\n\nB said y.\n"
    edited = "A said x (she was clear).\n\nB said y.\n"
    text, misplaced = record.carried_over(was=was, now=now, edited=edited)
    assert text == edited
    assert misplaced == [record.Passage(before=["A said x."], after=["A said x, twice."])]


def test_corrections_are_taken_in_as_a_new_revision_keeping_the_edits(cast, draft):
    edited = draft.text + "\nAny other business: none.\n"
    services.minutes_revise(minutes=draft, text=edited, summary="AOB", actor=cast.sam)
    correct_note(cast, draft.meeting)
    assert len(record.corrections_pending(draft)) == 1

    record.minutes_take_corrections(minutes=draft, actor=cast.sam)

    draft.refresh_from_db()
    assert CORRECTED in draft.text and "Any other business: none." in draft.text
    latest = draft.revisions.order_by("-number").first()
    assert latest.kind == RevisionKind.REGENERATED and latest.number == 3
    assert record.corrections_pending(draft) == []
    with pytest.raises(InvalidRevision, match="not been corrected since"):
        record.minutes_take_corrections(minutes=draft, actor=cast.sam)


def test_on_published_minutes_the_correction_is_shown_with_its_reason(cast, published):
    correct_note(cast, published.meeting, reason="Victor sent the full sentence")
    record.minutes_take_corrections(minutes=published, actor=cast.sam)
    shown = corrections_of(published)
    assert [revision.reason for revision in shown][-1] == (
        "The record was corrected: Victor sent the full sentence"
    )
    assert CORRECTED in published.revisions.order_by("-number").first().text


def test_a_rewritten_passage_refuses_with_nothing_saved_then_by_hand(cast, draft):
    rewritten = draft.text.replace(PUBLIC_WORDS, "The budget talk went well")
    services.minutes_revise(minutes=draft, text=rewritten, summary="Wording", actor=cast.sam)
    correct_note(cast, draft.meeting)
    draft.refresh_from_db()
    count = draft.revision_count

    with pytest.raises(InvalidRevision, match="Make the change in the editor"):
        record.minutes_take_corrections(minutes=draft, actor=cast.sam)
    draft.refresh_from_db()
    assert draft.revision_count == count and len(record.corrections_pending(draft)) == 1

    record.minutes_take_corrections(minutes=draft, actor=cast.sam, by_hand=True)
    draft.refresh_from_db()
    assert draft.revision_count == count and record.corrections_pending(draft) == []


@pytest.mark.parametrize("who", EVERYONE)
def test_officers_take_corrections_in(cast, client_for, draft, who):
    correct_note(cast, draft.meeting)
    client = client_of(cast, client_for, who)
    page = client.get(minutes_url(draft))
    shown = "The record was corrected after these minutes were written" in page.content.decode()
    assert shown is (who in OFFICERS)
    response = client.post(minutes_url(draft, "minutes_take_corrections"))
    draft.refresh_from_db()
    if who in OFFICERS:
        assert response.status_code == 302
        assert CORRECTED in draft.text
    else:
        expect_refusal(response, who)
        assert CORRECTED not in draft.text


def test_nothing_to_take_in_is_said_in_words(cast, client_for, draft):
    response = client_for(cast.sam).post(minutes_url(draft, "minutes_take_corrections"))
    assert response.status_code == 422
    assert "has not been corrected since" in response.content.decode()
