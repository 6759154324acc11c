"""A correction of the record states its reason and its wording within the limits the form
states; the service holds them for every caller."""

import pytest

from governance.text import REASON_MAX
from motions import services
from motions.errors import InvalidMotion
from motions.models import Method, MotionCorrection
from tests.motions.test_services import put

pytestmark = pytest.mark.django_db


def test_a_correction_keeps_its_reason_and_wording_within_the_limits(cast, meeting):
    motion = services.motion_record(
        motion=put(cast, meeting, method=Method.WITHOUT_OBJECTION), actor=cast.alice
    )
    with pytest.raises(InvalidMotion, match=f"{REASON_MAX:,}|{REASON_MAX}"):
        services.motion_correct(
            motion=motion, actor=cast.sam, reason="r" * (REASON_MAX + 1), text="Adopt it"
        )
    with pytest.raises(InvalidMotion, match=f"{services.TEXT_MAX:,}"):
        services.motion_correct(
            motion=motion, actor=cast.sam, reason="Typo", text="t" * (services.TEXT_MAX + 1)
        )
    with pytest.raises(InvalidMotion, match="NUL"):
        services.motion_correct(motion=motion, actor=cast.sam, reason="Typo", text="Adopt\x00")
    assert not MotionCorrection.objects.exists()
    services.motion_correct(
        motion=motion, actor=cast.sam, reason="r" * REASON_MAX, text="t" * services.TEXT_MAX
    )
    assert MotionCorrection.objects.count() == 1
