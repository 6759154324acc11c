"""The demo board: the Xen Project Advisory Board as its May 2014 minutes record it.

Source: ../shared/seeds/ab-meeting-may-2014-minutes.txt. Loading is idempotent: every row is found
by a natural key and updated, so running `manage.py demo` again changes nothing and adds nothing.
Membership dates are plausible, not historical: the minutes do not give them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from governance import services
from governance.models import Board, MembershipClass, Organisation, QuorumRule, Role, Seat, User

# The board's own classes of membership, in its order.
MEMBERSHIP_CLASSES = ["Platinum", "Gold", "Silver", "Associate", "Host (non-member)"]
PLATINUM, GOLD, SILVER = MEMBERSHIP_CLASSES[:3]

DEMO_PASSWORD = "boardroom-demo"  # noqa: S105 - printed for the demo on purpose
DEMO_BOARD_SLUG = "xen-project-ab"
FOUNDED = dt.date(2013, 4, 15)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    what: str


DEMO_LOGINS = [
    DemoLogin("lars.kurth@demo.boardroom.example", "Lars Kurth", "chair"),
    DemoLogin("sarah.conway@demo.boardroom.example", "Sarah Conway", "secretary (admin access)"),
    DemoLogin("don.dugger@demo.boardroom.example", "Don Dugger", "voting member, Intel"),
    DemoLogin("james.bulpin@demo.boardroom.example", "James Bulpin", "non-voting member, Citrix"),
    DemoLogin("jun.nakajima@demo.boardroom.example", "Jun Nakajima", "alternate, Intel"),
]

# name, short name, class, joined, left, embargo until
ORGANISATIONS = [
    ("AMD", "AMD", GOLD, FOUNDED, None, None),
    ("ARM", "ARM", SILVER, dt.date(2013, 10, 1), None, None),
    ("Bromium", "Bromium", SILVER, FOUNDED, None, None),
    ("CA Technologies", "CA", SILVER, FOUNDED, None, None),
    ("Calxeda", "Calxeda", SILVER, FOUNDED, dt.date(2014, 4, 30), None),
    ("Cavium", "Cavium", SILVER, dt.date(2014, 5, 1), None, dt.date(2014, 6, 3)),
    ("Citrix", "Citrix", PLATINUM, FOUNDED, None, None),
    ("Intel", "Intel", GOLD, FOUNDED, None, None),
    ("Oracle", "Oracle", GOLD, FOUNDED, None, None),
    ("Rackspace", "Rackspace", SILVER, dt.date(2013, 7, 1), None, None),
    ("Verizon / Terremark", "Verizon", GOLD, FOUNDED, None, None),
]

# full name, email local part, affiliation (when sitting for no organisation), time zone
PEOPLE = [
    ("Lars Kurth", "lars.kurth", "Citrix", "Europe/London"),
    ("Sarah Conway", "sarah.conway", "Linux Foundation", "America/Los_Angeles"),
    ("Don Dugger", "don.dugger", "", "America/Denver"),
    ("Jun Nakajima", "jun.nakajima", "", "America/Los_Angeles"),
    ("Major Hayden", "major.hayden", "", "America/Chicago"),
    ("Antony Messerli", "antony.messerli", "", "America/Chicago"),
    ("Larry Wikelius", "larry.wikelius", "", "America/Chicago"),
    ("Daniel Kiper", "daniel.kiper", "", "Europe/Warsaw"),
    ("Michelle P Dominijanni", "michelle.dominijanni", "", "America/New_York"),
    ("Mark Hinkle", "mark.hinkle", "", "America/New_York"),
    ("James Bulpin", "james.bulpin", "", "Europe/London"),
    ("Demetrios Coulis", "demetrios.coulis", "", "America/New_York"),
    ("Ian Pratt", "ian.pratt", "", "Europe/London"),
    ("Richard Phelan", "richard.phelan", "", "Europe/London"),
]

# person, organisation (None: none), role, starts, ends
SEATS = [
    ("Lars Kurth", None, Role.CHAIR, FOUNDED, None),
    ("Sarah Conway", None, Role.STAFF, FOUNDED, None),
    ("Sarah Conway", None, Role.SECRETARY, FOUNDED, None),
    ("Don Dugger", "Intel", Role.VOTING, FOUNDED, None),
    ("Jun Nakajima", "Intel", Role.ALTERNATE, FOUNDED, None),
    ("Antony Messerli", "Rackspace", Role.VOTING, dt.date(2013, 7, 1), None),
    ("Major Hayden", "Rackspace", Role.ALTERNATE, dt.date(2013, 7, 1), None),
    ("Larry Wikelius", "Calxeda", Role.VOTING, FOUNDED, dt.date(2014, 4, 30)),
    ("Larry Wikelius", "Cavium", Role.VOTING, dt.date(2014, 5, 1), None),
    ("Daniel Kiper", "Oracle", Role.VOTING, FOUNDED, None),
    ("Michelle P Dominijanni", "Verizon / Terremark", Role.VOTING, FOUNDED, None),
    ("Mark Hinkle", "Citrix", Role.VOTING, FOUNDED, None),
    ("James Bulpin", "Citrix", Role.MEMBER, FOUNDED, None),
    ("Demetrios Coulis", "CA Technologies", Role.VOTING, FOUNDED, None),
    ("Ian Pratt", "Bromium", Role.VOTING, FOUNDED, None),
    ("Richard Phelan", "ARM", Role.VOTING, dt.date(2013, 10, 1), None),
]

STAFF_EMAILS = {"sarah.conway@demo.boardroom.example"}


def email_for(local_part: str) -> str:
    return f"{local_part}@demo.boardroom.example"


def _found_or_created(model, lookup: dict, fields: dict, *, create, update):
    """The row named by `lookup`: created with `fields`, or brought up to them (an update with
    nothing to change writes nothing and logs nothing, so loading again is silent)."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return create(**lookup, **fields)
    return update(row, fields)


@transaction.atomic
def load_board() -> Board:
    board = _found_or_created(
        Board,
        {"slug": DEMO_BOARD_SLUG},
        {
            "name": "Xen Project Advisory Board",
            "description": "The Advisory Board of the Xen Project, a Linux Foundation "
            "collaborative project: member companies steer the project's budget, marketing "
            "and infrastructure.",
            "timezone": "Europe/London",
            "currency": "USD",
            "quorum_rule": QuorumRule.FIXED,
            "quorum_count": 9,
            "minutes_public": True,
            # The README's logins must work alone; the dashboard says the requirement is off.
            "officers_skip_two_factor": True,
        },
        create=lambda **fields: services.board_create(actor=None, **fields),
        update=lambda row, fields: services.board_update(board=row, actor=None, **fields),
    )
    classes = {}
    for order, class_name in enumerate(MEMBERSHIP_CLASSES, start=1):
        classes[class_name] = _found_or_created(
            MembershipClass,
            {"board": board, "name": class_name},
            {"order": order},
            create=lambda **fields: services.membership_class_create(actor=None, **fields),
            update=lambda row, fields: services.membership_class_update(
                membership_class=row, actor=None, **fields
            ),
        )
    organisations = {}
    for name, short, membership_class, joined, left, embargo in ORGANISATIONS:
        organisations[name] = _found_or_created(
            Organisation,
            {"board": board, "name": name},
            {
                "short_name": short,
                "membership_class": classes[membership_class],
                "joined_on": joined,
                "left_on": left,
                "embargo_until": embargo,
            },
            create=lambda **fields: services.organisation_create(actor=None, **fields),
            update=lambda row, fields: services.organisation_update(
                organisation=row, actor=None, **fields
            ),
        )
    people = {}
    for full_name, local_part, affiliation, zone in PEOPLE:
        email = email_for(local_part)
        person = _found_or_created(
            User,
            {"email": email},
            {
                "full_name": full_name,
                "affiliation": affiliation,
                "timezone": zone,
                "is_staff": email in STAFF_EMAILS,
                "is_superuser": email in STAFF_EMAILS,
            },
            create=lambda **fields: services.person_create(
                actor=None, password=DEMO_PASSWORD, **fields
            ),
            update=lambda row, fields: services.person_update(person=row, actor=None, **fields),
        )
        if not person.has_usable_password():
            services.person_set_password(person=person, password=DEMO_PASSWORD, actor=None)
        people[full_name] = person
    for person_name, organisation_name, role, starts_on, ends_on in SEATS:
        _found_or_created(
            Seat,
            {
                "board": board,
                "person": people[person_name],
                "organisation": organisations.get(organisation_name) if organisation_name else None,
                "role": role,
                "starts_on": starts_on,
            },
            {"ends_on": ends_on},
            create=lambda **fields: services.seat_create(actor=None, **fields),
            update=lambda row, fields: services.seat_update(seat=row, actor=None, **fields),
        )
    return board
