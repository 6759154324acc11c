"""Comments, corrections and reasons on the minutes are kept within the limits their forms state,
and a NUL is refused in words; the service holds the limits for every caller."""

import pytest

from governance.text import DESCRIPTION_MAX, NOTE_MAX
from minutes import services
from minutes.errors import InvalidRevision
from minutes.models import Comment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["text", "proposed"])
def test_a_comment_is_kept_at_its_limit_and_one_more_is_refused(cast, circulated, field):
    passage = circulated.text.split("\n")[0].strip()
    typed = {"text": "Looks right", "passage": passage, "proposed": "Better"}
    with pytest.raises(InvalidRevision, match=f"{DESCRIPTION_MAX:,}"):
        services.minutes_comment(
            minutes=circulated, actor=cast.victor, **{**typed, field: "c" * (DESCRIPTION_MAX + 1)}
        )
    with pytest.raises(InvalidRevision, match="NUL"):
        services.minutes_comment(minutes=circulated, actor=cast.victor, **{**typed, field: "a\x00"})
    assert not Comment.objects.exists()
    services.minutes_comment(
        minutes=circulated, actor=cast.victor, **{**typed, field: "c" * DESCRIPTION_MAX}
    )
    assert Comment.objects.count() == 1


def test_a_reason_for_changing_approved_minutes_has_a_limit(cast, approved):
    with pytest.raises(InvalidRevision, match=f"{NOTE_MAX:,}"):
        services.minutes_revise(
            minutes=approved,
            text=approved.text + "\nAdded.",
            summary="Added",
            reason="r" * (NOTE_MAX + 1),
            actor=cast.sam,
        )
    with pytest.raises(InvalidRevision, match="300"):
        services.minutes_revise(
            minutes=approved,
            text=approved.text + "\nAdded.",
            summary="s" * 301,
            reason="Typo",
            actor=cast.sam,
        )
    with pytest.raises(InvalidRevision, match="NUL"):
        services.minutes_revise(
            minutes=approved, text=approved.text + "\x00", summary="", reason="Typo", actor=cast.sam
        )
    services.minutes_revise(
        minutes=approved,
        text=approved.text + "\nAdded.",
        summary="s" * 300,
        reason="r" * NOTE_MAX,
        actor=cast.sam,
    )
