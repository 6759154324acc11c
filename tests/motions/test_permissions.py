"""Every motion endpoint against anonymous, an outsider, each seat on the board and a superuser."""

import pytest
from django.urls import reverse

from governance.models import User
from motions.models import Motion, Participation
from tests.motions.conftest import opened

pytestmark = pytest.mark.django_db

# Who gets what: (GET pages, the live count, casting a vote, chair's actions, putting a motion).
EXPECTED = {
    "anonymous": (302, 302, 302, 302, 302),
    "olga": (404, 404, 404, 404, 404),
    "nora": (200, 200, 422, 403, 403),
    "alan": (200, 200, 422, 403, 403),
    "victor": (200, 200, 200, 403, 403),
    "sam": (200, 200, 422, 302, 200),
    "alice": (200, 200, 422, 302, 200),
    "root": (200, 200, 422, 302, 200),
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_endpoint_answers_each_role(cast, meeting, client_for, who):
    motion = opened(cast, meeting)
    if who == "root":
        user = User.objects.create_superuser("root@example.org", "pw", full_name="Root")
    else:
        user = None if who == "anonymous" else getattr(cast, who)
    client = client_for(user)
    slug = cast.board.slug
    page, poll, vote, act, new = EXPECTED[who]
    assert client.get(reverse("motions:motion_list", args=[slug])).status_code == page
    assert client.get(motion.get_absolute_url()).status_code == page
    assert (
        client.get(reverse("motions:motion_progress", args=[slug, motion.pk])).status_code == poll
    )
    voted = client.post(
        reverse("motions:motion_vote", args=[slug, motion.pk]),
        {"choice": "for"},
        headers={"HX-Request": "true"},
    )
    assert voted.status_code == vote
    assert Participation.objects.filter(motion=motion).exists() == (vote == 200)
    new_url = reverse("motions:motion_new", args=[slug]) + f"?meeting={meeting.pk}"
    assert client.get(new_url).status_code == new
    closed = client.post(reverse("motions:motion_act", args=[slug, motion.pk, "close"]))
    assert closed.status_code == act
    assert Motion.objects.get(pk=motion.pk).is_closed == (act == 302 and who != "anonymous")
