"""The refusal names who may act as a sentence: "the chair or secretary", not "chair, secretary"."""

import pytest
from django.core.exceptions import PermissionDenied

from governance.access import require_role
from governance.models import Role, standing_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("roles", "words"),
    [
        ((Role.SECRETARY,), "Only the secretary may do this."),
        ((Role.SECRETARY, Role.TREASURER), "Only the secretary or treasurer may do this."),
        (
            (Role.CHAIR, Role.SECRETARY, Role.TREASURER),
            "Only the chair, secretary or treasurer may do this.",
        ),
    ],
)
def test_the_refusal_reads_as_a_sentence(cast, roles, words):
    with pytest.raises(PermissionDenied, match=words.replace(".", r"\.")):
        require_role(standing_of(cast.victor, cast.board), *roles)
