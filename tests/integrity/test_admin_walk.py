"""A walk through every model in the admin site's registry, so a new one cannot be forgotten.

For each model, as a superuser with real POSTs built from the admin's own forms: adding,
changing, deleting and "Delete selected" either leave an audit entry by that person (a change
with each changed field before and after) or are refused (no permission: 403; the action not
offered; nothing changed). A model registered without a way here fails the walk until it is
given one: a `Walk` below, or a line in EXEMPT with its reason.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from actions import services as action_services
from budget import services as budget_services
from budget.models import Category, RequestStatus, YearStatus
from governance.models import AuditEntry, Role
from meetings import services as meeting_services
from meetings.models import AttendanceStatus
from tests.budget.factories import FiscalYearFactory
from tests.factories import BoardFactory, OrganisationFactory, SeatFactory, UserFactory
from tests.integrity.admin_forms import form_data, with_values
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, NoteFactory

pytestmark = pytest.mark.django_db

# Third-party models in the admin, kept out of the walk on purpose.
EXEMPT = {
    "auth.group": "Django's permission groups: who may use the admin, not a board record; "
    "Boardroom gives rights by seats, and groups are kept empty.",
    "otp_totp.totpdevice": "A person's authenticator secret: set up by the sign-in's own "
    "enrolment pages; the admin only lists and removes a lost device, audited "
    "(tests/governance/test_device_admin.py).",
    "otp_static.staticdevice": "A person's backup codes: as the authenticator devices.",
    "axes.accessattempt": "django-axes' record of failed sign-ins: the security log itself; "
    "deleting an entry unlocks the person, which is the point of offering it.",
    "axes.accesslog": "django-axes' sign-in log: security records about sessions, not the "
    "board's; pruned by axes' own retention.",
    "axes.accessfailurelog": "django-axes' failed sign-in log: as the access log.",
}

# The governance and meetings admins are being rewritten on the governance and meetings branches;
# those branches remove these as their walks pass, and the lead empties the set after merging.
# (Tried on this branch merged with main at 5d46ca8, which has the governance branch: the four
# governance models pass all four walks; the meetings ones still fail, on change and delete.)
NOT_WALKED_YET: set[str] = set()

_numbers = itertools.count(1)


@dataclass
class Walk:
    """How to walk one model: a row to change and delete, and what to type into its forms."""

    make: Callable[[object], models.Model] | None = None
    add: Callable[[object], dict] = lambda world: {}
    change: Callable[[object], dict] = lambda world: {}
    delete: dict = field(default_factory=dict)


def _year(world):
    return FiscalYearFactory(board=world.board, year=2030 + next(_numbers), status=YearStatus.DRAFT)


def _line(world):
    return budget_services.budget_line_create(
        fiscal_year=world.year,
        category=Category.EVENTS,
        title=f"Walked line {next(_numbers)}",
        planned=Decimal("100.00"),
        actor=world.admin,
    )


def _request(world):
    return budget_services.spending_request_save(
        line=world.line,
        actor=world.admin,
        data=budget_services.RequestInput(
            title=f"Walked request {next(_numbers)}",
            currency="USD",
            items=[budget_services.CostItemInput(description="Venue", unit_cost=Decimal(10))],
        ),
    )


def _approved_request(world):
    request = _request(world)
    return budget_services.spending_request_approve(
        request=request,
        amount=Decimal("10.00"),
        approved_on=dt.date(2024, 3, 1),
        approved_by="Test Board",
        reference="Walk",
        actor=world.admin,
    )


def _payment(world):
    request = _approved_request(world)
    return budget_services.payment_record(
        line=request.line,
        request=request,
        paid_on=dt.date(2024, 6, 1),
        amount=Decimal("5.00"),
        currency="USD",
        actor=world.admin,
    )


def _action(world):
    return action_services.action_record(
        board=world.board,
        description=f"Walked action {next(_numbers)}",
        owners=[world.cast.victor],
        actor=world.admin,
    )


WALKS: dict[str, Walk] = {
    "budget.fiscalyear": Walk(
        make=_year,
        add=lambda world: {
            "board": world.board.pk,
            "year": 2090,
            "starts_on": "2090-01-01",
            "ends_on": "2090-12-31",
        },
        change=lambda world: {"notes": "Changed by the walk"},
    ),
    "budget.budgetline": Walk(
        make=_line,
        add=lambda world: {
            "fiscal_year": world.year.pk,
            "category": Category.EVENTS,
            "title": "Added by the walk",
            "planned": "10.00",
        },
        change=lambda world: {"planned": "20.00"},
    ),
    "budget.spendingrequest": Walk(
        make=_request,
        add=lambda world: {
            "line": world.line.pk,
            "title": "Added by the walk",
            "currency": "USD",
            "exchange_rate": "1",
            "items-TOTAL_FORMS": 1,
            "items-0-position": 1,
            "items-0-description": "Venue",
            "items-0-quantity": "1",
            "items-0-unit_cost": "25.00",
            "items-0-vat_rate": "0",
        },
        change=lambda world: {"title": "Renamed by the walk"},
    ),
    "budget.costitem": Walk(make=lambda world: _request(world).items.get()),
    "budget.sponsorshare": Walk(),
    "budget.payment": Walk(
        make=_payment,
        add=lambda world: {
            "line": world.line.pk,
            "paid_on": "2024-06-01",
            "amount": "10.00",
            "currency": "USD",
            "exchange_rate": "1",
        },
        delete={"reason": "Recorded twice"},
    ),
    "actions.actionitem": Walk(
        make=_action,
        add=lambda world: {
            "board": world.board.pk,
            "description": "Added by the walk",
            "owners": [world.cast.victor.pk],
        },
        change=lambda world: {"note": "Chased by the walk", "due_on": "2030-01-31"},
    ),
    # Walked once their branches land (see NOT_WALKED_YET); the data is what a person would
    # type into today's forms and may need the rewritten forms' field names.
    "governance.board": Walk(
        make=lambda world: BoardFactory(),
        add=lambda world: {"name": "Walked Board", "slug": "walked-board", "quorum_count": 2},
        change=lambda world: {"description": "Changed by the walk"},
    ),
    "governance.organisation": Walk(
        make=lambda world: OrganisationFactory(board=world.board),
        add=lambda world: {
            "board": world.board.pk,
            "name": "Walked Organisation",
            "short_name": "Walked",
            "joined_on": "2020-01-01",
        },
        change=lambda world: {"short_name": "Changed"},
    ),
    "governance.seat": Walk(
        make=lambda world: SeatFactory(
            board=world.board, organisation=world.cast.initech, role=Role.MEMBER
        ),
        add=lambda world: {
            "board": world.board.pk,
            "organisation": world.cast.initech.pk,
            "person": UserFactory().pk,
            "role": Role.MEMBER,
            "starts_on": "2021-01-01",
        },
        change=lambda world: {"note": "Changed by the walk"},
    ),
    "governance.user": Walk(
        make=lambda world: UserFactory(),
        add=lambda world: {
            "email": "walked@example.org",
            "full_name": "Walked Person",
            "password1": "a long walked passphrase",
            "password2": "a long walked passphrase",
        },
        change=lambda world: {"full_name": "Changed Person"},
    ),
    "meetings.meeting": Walk(
        make=lambda world: MeetingFactory(board=world.board),
        add=lambda world: {
            "board": world.board.pk,
            "title": "Walked meeting",
            "starts_at_0": "2030-01-15",
            "starts_at_1": "16:00:00",
        },
        change=lambda world: {"location": "Changed by the walk"},
    ),
    "meetings.agendaitem": Walk(
        make=lambda world: AgendaItemFactory(meeting=MeetingFactory(board=world.board)),
        add=lambda world: {
            "meeting": MeetingFactory(board=world.board).pk,
            "title": "Walked item",
            "position": 1,
        },
        change=lambda world: {"description": "Changed by the walk"},
    ),
    "meetings.attendance": Walk(
        make=lambda world: meeting_services.attendance_mark(
            meeting=MeetingFactory(board=world.board),
            person=world.cast.victor,
            status=AttendanceStatus.PRESENT,
            actor=world.admin,
        ),
        add=lambda world: {
            "meeting": MeetingFactory(board=world.board).pk,
            "person": world.cast.victor.pk,
            "status": AttendanceStatus.PRESENT,
        },
        change=lambda world: {"status": AttendanceStatus.APOLOGIES},
    ),
    "meetings.note": Walk(
        make=lambda world: NoteFactory(
            item=AgendaItemFactory(meeting=MeetingFactory(board=world.board)), author=world.admin
        ),
        add=lambda world: {
            "item": AgendaItemFactory(meeting=MeetingFactory(board=world.board)).pk,
            "text": "Walked note",
            "author": world.admin.pk,
        },
        change=lambda world: {"text": "Changed by the walk"},
    ),
    # Read-only in the admin: the walk only checks that each write is refused.
    "governance.auditentry": Walk(),
    "motions.motion": Walk(),
    "meetings.correction": Walk(),
    "motions.motioncorrection": Walk(),
    "minutes.minutes": Walk(),
    "minutes.revision": Walk(),
    "django_tasks_database.dbtaskresult": Walk(),
}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)


@pytest.fixture
def world(cast, client_for):
    cast.sam.is_staff = cast.sam.is_superuser = True
    cast.sam.save()
    year = FiscalYearFactory(board=cast.board, year=2024, status=YearStatus.APPROVED)
    world = type("World", (), {})()
    world.cast, world.board, world.admin, world.year = cast, cast.board, cast.sam, year
    world.line = budget_services.budget_line_create(
        fiscal_year=year,
        category=Category.EVENTS,
        title="Walked",
        planned=Decimal("1000.00"),
        actor=cast.sam,
    )
    world.client = client_for(cast.sam)
    world.http = RequestFactory().get("/admin/")
    world.http.user = cast.sam
    return world


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _entries_since(mark: int, world, model, pk=None):
    found = AuditEntry.objects.filter(
        pk__gt=mark, actor=world.admin, target_type=model._meta.label_lower
    )
    return found.filter(target_id=str(pk)) if pk is not None else found


def _mark() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _errors(response) -> str:
    context = response.context or {}
    form = context.get("adminform")
    formsets = context.get("inline_admin_formsets") or []
    found = [str(form.form.errors) if form else ""]
    found += [
        str(inline.formset.errors) + str(inline.formset.non_form_errors()) for inline in formsets
    ]
    messages = [str(message) for message in context.get("messages", [])]
    return " | ".join([*found, *messages])


def test_every_registered_model_is_walked_or_exempt_with_a_reason():
    labels = {model._meta.label_lower for model in REGISTERED}
    unhandled = labels - WALKS.keys() - EXEMPT.keys()
    assert not unhandled, f"Give these admin models a Walk or an exemption: {sorted(unhandled)}"
    assert not (WALKS.keys() | EXEMPT.keys()) - labels, "stale entries"
    assert WALKS.keys() >= NOT_WALKED_YET, "a model not walked yet still needs its Walk"
    assert all(reason.strip() for reason in EXEMPT.values())


def _row(walk: Walk, world, model) -> models.Model | None:
    """The Walk's own row, or for a read-only model any row the world already holds."""
    return walk.make(world) if walk.make else model._default_manager.first()


def _assert_refused(world, model, view: str, row, data: dict) -> None:
    """The POST is refused (403); with no row to try it on, the permission says no to all rows."""
    if row is None:
        assert not getattr(admin.site._registry[model], f"has_{view}_permission")(world.http)
        return
    before = [(each.pk, str(each)) for each in model._default_manager.order_by("pk")]
    assert world.client.post(_url(model, view, row.pk), data).status_code == 403
    assert [(each.pk, str(each)) for each in model._default_manager.order_by("pk")] == before


def _walked():
    return [
        pytest.param(
            model,
            id=model._meta.label_lower,
            marks=[pytest.mark.skip(reason="its admin is being rewritten on another branch")]
            if model._meta.label_lower in NOT_WALKED_YET
            else [],
        )
        for model in REGISTERED
        if model._meta.label_lower in WALKS
    ]


@pytest.mark.parametrize("model", _walked())
def test_adding_in_the_admin_is_audited_or_refused(world, model):
    walk, model_admin = WALKS[model._meta.label_lower], admin.site._registry[model]
    if not model_admin.has_add_permission(world.http):
        assert world.client.post(_url(model, "add"), {}).status_code == 403
        return
    before, mark = model.objects.count(), _mark()
    data = with_values(form_data(world.client, _url(model, "add")), walk.add(world))
    response = world.client.post(_url(model, "add"), data)
    assert response.status_code == 302, _errors(response)
    assert model.objects.count() == before + 1
    added = model.objects.order_by("-pk").first()
    assert _entries_since(mark, world, model, added.pk).exists(), "added with no audit entry"


@pytest.mark.parametrize("model", _walked())
def test_changing_in_the_admin_is_audited_with_before_and_after_or_refused(world, model):
    walk, model_admin = WALKS[model._meta.label_lower], admin.site._registry[model]
    row = _row(walk, world, model)
    if not model_admin.has_change_permission(world.http, row):
        _assert_refused(world, model, "change", row, {})
        return
    assert walk.make, "a changeable model's Walk needs `make`"
    pk, mark = row.pk, _mark()
    data = with_values(form_data(world.client, _url(model, "change", pk)), walk.change(world))
    response = world.client.post(_url(model, "change", pk), data)
    assert response.status_code == 302, _errors(response)
    entries = _entries_since(mark, world, model, pk)
    assert entries.exists(), "changed with no audit entry"
    assert all(entry.changes for entry in entries), "a change recorded without before and after"


@pytest.mark.parametrize("model", _walked())
def test_deleting_in_the_admin_is_audited_or_refused(world, model):
    walk, model_admin = WALKS[model._meta.label_lower], admin.site._registry[model]
    row = _row(walk, world, model)
    if not model_admin.has_delete_permission(world.http, row):
        _assert_refused(world, model, "delete", row, {"post": "yes"})
        return
    assert walk.make, "a deletable model's Walk needs `make`"
    pk, mark = row.pk, _mark()
    response = world.client.post(_url(model, "delete", pk), {"post": "yes", **walk.delete})
    assert response.status_code == 302
    assert not model.objects.filter(pk=pk).exists(), _errors(world.client.get("/admin/"))
    assert _entries_since(mark, world, model, pk).exists(), "deleted with no audit entry"


@pytest.mark.parametrize("model", _walked())
def test_delete_selected_in_the_admin_is_audited_per_row_or_not_offered(world, model):
    walk, model_admin = WALKS[model._meta.label_lower], admin.site._registry[model]
    rows = [walk.make(world), walk.make(world)] if walk.make else []
    offered = "delete_selected" in model_admin.get_actions(
        world.http, action_location=ActionLocation.CHANGE_LIST
    )
    mark, before = _mark(), model.objects.count()
    response = world.client.post(
        _url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk for row in rows], "post": "yes"},
    )
    if not offered:
        assert response.status_code in (200, 302, 403)
        assert model.objects.count() == before, "deleted by an action that is not offered"
        return
    assert rows, "a model offering Delete selected needs `make`"
    assert response.status_code == 302
    for row in rows:
        assert not model.objects.filter(pk=row.pk).exists()
        assert _entries_since(mark, world, model, row.pk).exists(), f"{row} deleted unaudited"


def test_a_request_added_in_the_admin_is_a_draft_whatever_the_post_says(world):
    """Status and approval are read-only: typed into the POST by hand, they are ignored."""
    from budget.models import SpendingRequest

    model = SpendingRequest
    data = with_values(
        form_data(world.client, _url(model, "add")),
        {
            **WALKS["budget.spendingrequest"].add(world),
            "status": RequestStatus.APPROVED,
            "approved_amount": "999.00",
        },
    )
    assert world.client.post(_url(model, "add"), data).status_code == 302
    added = SpendingRequest.objects.get(title="Added by the walk")
    assert (added.status, added.approved_amount) == (RequestStatus.DRAFT, None)
