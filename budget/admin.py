"""The budget in the admin: the secretary's corrections, each made by a `budget.services` call.

The admin is a caller, not a second write path: adding, changing and deleting call the same
services the pages call (which lock, check the rules and write the audit entry), or are not
offered. Statuses, approvals, converted amounts and who recorded what are read-only here; a
status changes by an admin action that calls its service. A refused save shows the form again,
as it was sent, with the reason at its top; a refused delete says why on the page it returns
to. Nothing of a refused attempt is kept (the admin's own transaction is rolled back).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import construct_change_message
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponseRedirect

from budget import services
from budget.models import (
    BudgetLine,
    CostItem,
    FiscalYear,
    Payment,
    RequestStatus,
    SpendingRequest,
    SponsorShare,
    YearStatus,
)
from governance.exceptions import DomainError
from motions.admin import ReadOnlyAdmin

REFUSALS = (DomainError, ValidationError)
LAST = 2**31


def refusal_message(refused: Exception) -> str:
    if isinstance(refused, ValidationError):
        return " ".join(services.validation_messages(refused))
    return refused.message


def adopt(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's object the row the service saved, so the admin's response links to it."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


@admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
def delete_selected(modeladmin, request: HttpRequest, queryset):
    """Django's own confirmation, then each row deleted by its service: all of them or none."""
    try:
        with transaction.atomic():
            return django_delete_selected(modeladmin, request, queryset)
    except REFUSALS as refused:
        modeladmin.message_user(
            request, f"Nothing was deleted. {refusal_message(refused)}", messages.ERROR
        )
        return None


class ServiceAdmin(admin.ModelAdmin):
    """Routes every save and delete to a service; turns a refusal into a message."""

    actions = [delete_selected]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except REFUSALS as refused:  # raised inside the admin's transaction: nothing was kept
            if request.method != "POST":
                raise
            # The same form again, as it was sent, with the reason at its top; the form is
            # invalid this time, so nothing is saved.
            request.refusal = refusal_message(refused)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "refusal", None)
        if refusal is None:
            return form

        class Refused(form):
            def clean(self):
                super().clean()
                raise ValidationError(f"Nothing was saved. {refusal}")

        return Refused

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except REFUSALS as refused:
            self.message_user(
                request, f"Nothing was deleted. {refusal_message(refused)}", messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset.order_by("pk"):
            self.delete_model(request, obj)

    def construct_change_message(self, request, form, formsets, add=False):
        # The services saved the inline rows, not the formsets; their audit entries say what.
        return construct_change_message(form, None, add)

    def save_formset(self, request, form, formset, change) -> None:
        # Read-only inlines come back unchanged; an editable one names its service below.
        if formset.has_changed():
            raise ValidationError(
                f"{formset.model._meta.verbose_name_plural.capitalize()} change on their own page."
            )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# -- Fiscal years and lines ----------------------------------------------------------------------


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    fk_name = "fiscal_year"
    extra = 0
    fields = ["category", "title", "planned", "carried_from"]
    autocomplete_fields = ["carried_from"]
    show_change_link = True


def each_or_none(modeladmin, request: HttpRequest, queryset, step, done: str) -> None:
    """An admin action's `step(row)` for every ticked row in one transaction: all, or none."""
    try:
        with transaction.atomic():
            for row in queryset.order_by("pk"):
                step(row)
    except REFUSALS as refused:
        modeladmin.message_user(
            request, f"Nothing was changed. {refusal_message(refused)}", messages.ERROR
        )
    else:
        modeladmin.message_user(request, f"{done}: {queryset.count()}.")


def _year_status_action(status: str, label: str):
    def set_status(modeladmin, request: HttpRequest, queryset) -> None:
        def step(fiscal_year):
            services.fiscal_year_set_status(
                fiscal_year=fiscal_year, status=status, actor=request.user
            )

        each_or_none(modeladmin, request, queryset, step, f"{label} (years)")

    set_status.__name__ = f"mark_{status}"
    set_status.short_description = label
    set_status.allowed_permissions = ("change",)
    return set_status


@admin.register(FiscalYear)
class FiscalYearAdmin(ServiceAdmin):
    list_display = ["year", "board", "starts_on", "ends_on", "currency", "status"]
    list_filter = ["board", "status", "currency"]
    search_fields = ["year", "board__name", "notes"]
    list_select_related = ["board"]
    autocomplete_fields = ["board"]
    fields = ["board", "year", "starts_on", "ends_on", "currency", "status", "notes"]
    readonly_fields = ["currency", "status"]
    inlines = [BudgetLineInline]
    actions = [
        delete_selected,
        _year_status_action(YearStatus.APPROVED, "Approve the budget"),
        _year_status_action(YearStatus.CLOSED, "Close the year"),
        _year_status_action(YearStatus.DRAFT, "Return the budget to draft"),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A year's board and name are what its lines and figures hang on.
        fields = list(super().get_readonly_fields(request, obj))
        return ["board", "year", *fields] if obj is not None else fields

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.is_closed)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if change:
            saved = services.fiscal_year_update(
                fiscal_year=obj,
                actor=request.user,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                notes=data["notes"],
            )
        else:
            saved = services.fiscal_year_create(
                board=data["board"],
                year=data["year"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                notes=data["notes"],
                actor=request.user,
            )
        adopt(obj, saved)

    def save_formset(self, request, form, formset, change) -> None:
        for line_form in formset.forms:
            if not hasattr(line_form, "cleaned_data") or not line_form.has_changed():
                continue
            data, line = line_form.cleaned_data, line_form.instance
            if data.get("DELETE"):
                if line.pk:
                    services.budget_line_delete(line=line, actor=request.user)
                continue
            fields = {
                "category": data["category"],
                "title": data["title"],
                "planned": data["planned"],
                "carried_from": data.get("carried_from"),
            }
            if line.pk:
                services.budget_line_update(
                    line=line, actor=request.user, notes=line.notes, **fields
                )
            else:
                services.budget_line_create(fiscal_year=form.instance, actor=request.user, **fields)

    def delete_model(self, request, obj) -> None:
        services.fiscal_year_delete(fiscal_year=obj, actor=request.user)


class SpendingRequestInline(ReadOnlyInline):
    model = SpendingRequest
    fk_name = "line"
    fields = ["title", "currency", "status", "approved_amount"]
    readonly_fields = fields


@admin.register(BudgetLine)
class BudgetLineAdmin(ServiceAdmin):
    list_display = ["title", "category", "fiscal_year", "planned", "carried_from"]
    list_filter = ["fiscal_year__board", "fiscal_year__year", "category"]
    search_fields = ["title", "notes"]
    list_select_related = ["fiscal_year__board", "carried_from__fiscal_year"]
    autocomplete_fields = ["fiscal_year", "carried_from"]
    fields = ["fiscal_year", "category", "title", "planned", "notes", "carried_from"]
    inlines = [SpendingRequestInline]

    def get_readonly_fields(self, request, obj=None):
        return ["fiscal_year"] if obj is not None else []

    def has_change_permission(self, request, obj=None) -> bool:
        closed = obj is not None and obj.fiscal_year.is_closed
        return super().has_change_permission(request, obj) and not closed

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        fields = {
            "category": data["category"],
            "title": data["title"],
            "planned": data["planned"],
            "notes": data["notes"],
            "carried_from": data["carried_from"],
        }
        if change:
            saved = services.budget_line_update(line=obj, actor=request.user, **fields)
        else:
            saved = services.budget_line_create(
                fiscal_year=data["fiscal_year"], actor=request.user, **fields
            )
        adopt(obj, saved)

    def delete_model(self, request, obj) -> None:
        services.budget_line_delete(line=obj, actor=request.user)


# -- Spending requests -----------------------------------------------------------------------------


class CostItemInline(admin.TabularInline):
    model = CostItem
    extra = 0
    fields = [
        "position",
        "description",
        "quantity",
        "unit",
        "unit_cost",
        "vat_rate",
        "includes_vat",
        "note",
    ]


class SponsorShareInline(admin.TabularInline):
    model = SponsorShare
    extra = 0
    fields = ["organisation", "percentage", "fixed_amount", "agreement_reference"]
    autocomplete_fields = ["organisation"]


class PaymentInline(ReadOnlyInline):
    model = Payment
    fk_name = "request"
    fields = ["paid_on", "amount", "currency", "exchange_rate", "base_amount", "reference"]
    readonly_fields = fields


def _kept_rows(formsets, model) -> list[dict]:
    """The cleaned rows of `model`'s inline the person kept (not ticked for deletion, not blank)."""
    rows = []
    for formset in formsets:
        if formset.model is not model:
            continue
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not (form.instance.pk or form.has_changed()):
                continue
            rows.append(data)
    # In the order of their positions; rows added without one come last, as typed.
    return sorted(rows, key=lambda row: row.get("position") or LAST)


@admin.action(permissions=["change"], description="Propose for approval")
def propose(modeladmin, request: HttpRequest, queryset) -> None:
    def step(spending_request):
        services.spending_request_propose(request=spending_request, actor=request.user)

    each_or_none(modeladmin, request, queryset, step, "Proposed (requests)")


@admin.register(SpendingRequest)
class SpendingRequestAdmin(ServiceAdmin):
    """A draft or proposed request is edited with its items and shares in one service call,
    which checks them against each other; a decided request is a record (view only)."""

    list_display = [
        "title",
        "line",
        "currency",
        "status",
        "approved_amount",
        "approved_on",
        "requested_by",
    ]
    list_filter = ["status", "line__fiscal_year__board", "line__fiscal_year__year", "currency"]
    search_fields = ["title", "description", "approval_reference", "line__title"]
    list_select_related = ["line__fiscal_year", "requested_by"]
    autocomplete_fields = ["line", "requested_by"]
    date_hierarchy = "approved_on"
    inlines = [CostItemInline, SponsorShareInline, PaymentInline]
    actions = [delete_selected, propose]
    readonly_fields = [
        "status",
        "approved_amount",
        "approved_on",
        "approved_by",
        "approval_reference",
        "approval_recorded_by",
        "motion",
        "proposed_amount",
        "carried_from",
    ]
    fieldsets = [
        (None, {"fields": ["line", "title", "description", "requested_by", "requested_on"]}),
        ("Currency", {"fields": ["currency", "exchange_rate", "rate_on"]}),
        (
            "Approval",
            {
                "fields": [
                    "status",
                    "motion",
                    "proposed_amount",
                    "approved_amount",
                    "approved_on",
                    "approved_by",
                    "approval_reference",
                    "approval_recorded_by",
                ]
            },
        ),
        ("History", {"fields": ["carried_from", "notes"]}),
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        editable = obj is None or (
            obj.status in services.EDITABLE_STATUSES and not obj.line.fiscal_year.is_closed
        )
        return super().has_change_permission(request, obj) and editable

    def has_delete_permission(self, request, obj=None) -> bool:
        draft = obj is None or obj.status == RequestStatus.DRAFT
        return super().has_delete_permission(request, obj) and draft

    def save_model(self, request, obj, form, change) -> None:
        pass  # saved with its items and shares in save_related, by one service call

    def save_related(self, request, form, formsets, change) -> None:
        data = form.cleaned_data
        saved = services.spending_request_save(
            line=data["line"],
            request=obj_if_saved(form.instance),
            actor=request.user,
            data=services.RequestInput(
                title=data["title"],
                currency=data["currency"],
                description=data["description"],
                exchange_rate=data["exchange_rate"],
                rate_on=data["rate_on"],
                requested_by=data["requested_by"],
                requested_on=data["requested_on"],
                notes=data["notes"],
                items=[
                    services.CostItemInput(
                        description=row["description"],
                        unit_cost=row["unit_cost"],
                        quantity=row["quantity"],
                        unit=row["unit"],
                        vat_rate=row["vat_rate"],
                        includes_vat=row["includes_vat"],
                        note=row["note"],
                    )
                    for row in _kept_rows(formsets, CostItem)
                ],
                shares=[
                    services.SponsorShareInput(
                        organisation=row["organisation"],
                        percentage=row["percentage"],
                        fixed_amount=row["fixed_amount"],
                        agreement_reference=row["agreement_reference"],
                    )
                    for row in _kept_rows(formsets, SponsorShare)
                ],
            ),
        )
        adopt(form.instance, saved)

    def get_deleted_objects(self, objs, request):
        # A draft's items and shares go with it (the service deletes them); their own admins
        # are view-only, which must not make the draft undeletable.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request, obj) -> None:
        services.spending_request_delete(request=obj, actor=request.user)


def obj_if_saved(obj: models.Model) -> models.Model | None:
    return obj if obj.pk else None


class ViewOnlyAdmin(ReadOnlyAdmin):
    """Rows that change only with their request (`spending_request_save`): listed to find them."""


@admin.register(CostItem)
class CostItemAdmin(ViewOnlyAdmin):
    list_display = [
        "description",
        "request",
        "quantity",
        "unit",
        "unit_cost",
        "vat_rate",
        "includes_vat",
    ]
    list_filter = ["includes_vat", "request__line__fiscal_year__year"]
    search_fields = ["description", "note", "request__title"]
    list_select_related = ["request"]


@admin.register(SponsorShare)
class SponsorShareAdmin(ViewOnlyAdmin):
    list_display = ["organisation", "request", "percentage", "fixed_amount", "agreement_reference"]
    list_filter = ["organisation"]
    search_fields = ["organisation__name", "request__title", "agreement_reference"]
    list_select_related = ["organisation", "request"]


# -- Payments --------------------------------------------------------------------------------------


class PaymentAdminForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["line", "request", "paid_on", "amount", "currency", "exchange_rate", "reference"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "line" in self.fields:
            self.fields["line"].required = False
            self.fields["line"].help_text = "Left empty, the request's line."

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("line") and not cleaned.get("request"):
            self.add_error("line", "Choose the line paid on, or the request paid for.")
        return cleaned


@admin.register(Payment)
class PaymentAdmin(ServiceAdmin):
    """Payments are recorded by `payment_record` and taken back, with a reason, by
    `payment_delete`; a wrong payment is corrected by taking it back and recording the right
    one, so there is no change form."""

    list_display = [
        "paid_on",
        "line",
        "request",
        "amount",
        "currency",
        "exchange_rate",
        "base_amount",
        "reference",
    ]
    list_filter = ["currency", "line__fiscal_year__board", "line__fiscal_year__year"]
    search_fields = ["reference", "line__title", "request__title"]
    list_select_related = ["line__fiscal_year", "request"]
    autocomplete_fields = ["line", "request"]
    date_hierarchy = "paid_on"
    fields = [
        "line",
        "request",
        "paid_on",
        "amount",
        "currency",
        "exchange_rate",
        "base_amount",
        "reference",
        "recorded_by",
    ]
    readonly_fields = ["base_amount", "recorded_by"]
    form = PaymentAdminForm

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        found = super().get_actions(request, action_location=action_location)
        found.pop("delete_selected", None)  # taken back one at a time, each with its reason
        return found

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        saved = services.payment_record(
            line=data["line"] or data["request"].line,
            request=data["request"],
            paid_on=data["paid_on"],
            amount=data["amount"],
            currency=data["currency"],
            exchange_rate=data["exchange_rate"],
            reference=data["reference"],
            actor=request.user,
        )
        adopt(obj, saved)

    def delete_model(self, request, obj) -> None:
        services.payment_delete(
            payment=obj, actor=request.user, reason=request.POST.get("reason", "")
        )
