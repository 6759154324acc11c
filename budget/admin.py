"""The budget in the admin: for corrections the pages do not offer. Every change is audited."""

from django.contrib import admin

from budget.models import (
    BudgetLine,
    CostItem,
    FiscalYear,
    Payment,
    SpendingRequest,
    SponsorShare,
)
from governance import audit


def _board_of(obj):
    if isinstance(obj, FiscalYear):
        return obj.board
    if isinstance(obj, BudgetLine):
        return obj.fiscal_year.board
    if isinstance(obj, SpendingRequest | Payment):
        return obj.line.fiscal_year.board
    return obj.request.line.fiscal_year.board


class AuditedAdmin(admin.ModelAdmin):
    """Records admin edits in the board's audit log, as the services do for page edits."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        verb = "Changed" if change else "Added"
        audit.record(
            board=_board_of(obj),
            actor=request.user,
            action=f"budget.admin.{'change' if change else 'add'}",
            target=obj,
            summary=f"{verb} {obj._meta.verbose_name} '{obj}' in the admin",
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        board = _board_of(obj)
        audit.record(
            board=board,
            actor=request.user,
            action="budget.admin.delete",
            target=obj,
            summary=f"Deleted {obj._meta.verbose_name} '{obj}' in the admin",
        )
        super().delete_model(request, obj)


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    fk_name = "fiscal_year"
    extra = 0
    fields = ["category", "title", "planned", "carried_from"]
    autocomplete_fields = ["carried_from"]
    show_change_link = True


@admin.register(FiscalYear)
class FiscalYearAdmin(AuditedAdmin):
    list_display = ["year", "board", "starts_on", "ends_on", "currency", "status"]
    list_filter = ["board", "status", "currency"]
    search_fields = ["year", "board__name", "notes"]
    list_select_related = ["board"]
    autocomplete_fields = ["board"]
    inlines = [BudgetLineInline]


class SpendingRequestInline(admin.TabularInline):
    model = SpendingRequest
    fk_name = "line"
    extra = 0
    fields = ["title", "currency", "status", "approved_amount"]
    readonly_fields = ["status", "approved_amount"]
    show_change_link = True


@admin.register(BudgetLine)
class BudgetLineAdmin(AuditedAdmin):
    list_display = ["title", "category", "fiscal_year", "planned", "carried_from"]
    list_filter = ["fiscal_year__board", "fiscal_year__year", "category"]
    search_fields = ["title", "notes"]
    list_select_related = ["fiscal_year__board", "carried_from__fiscal_year"]
    autocomplete_fields = ["fiscal_year", "carried_from"]
    inlines = [SpendingRequestInline]


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


class PaymentInline(admin.TabularInline):
    model = Payment
    fk_name = "request"
    extra = 0
    fields = ["paid_on", "amount", "currency", "exchange_rate", "base_amount", "reference"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SpendingRequest)
class SpendingRequestAdmin(AuditedAdmin):
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
    autocomplete_fields = ["line", "requested_by", "approval_recorded_by", "carried_from"]
    date_hierarchy = "approved_on"
    inlines = [CostItemInline, SponsorShareInline, PaymentInline]
    fieldsets = [
        (None, {"fields": ["line", "title", "description", "requested_by", "requested_on"]}),
        ("Currency", {"fields": ["currency", "exchange_rate", "rate_on"]}),
        (
            "Approval",
            {
                "fields": [
                    "status",
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


@admin.register(CostItem)
class CostItemAdmin(AuditedAdmin):
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
    autocomplete_fields = ["request"]


@admin.register(SponsorShare)
class SponsorShareAdmin(AuditedAdmin):
    list_display = ["organisation", "request", "percentage", "fixed_amount", "agreement_reference"]
    list_filter = ["organisation"]
    search_fields = ["organisation__name", "request__title", "agreement_reference"]
    list_select_related = ["organisation", "request"]
    autocomplete_fields = ["organisation", "request"]


@admin.register(Payment)
class PaymentAdmin(AuditedAdmin):
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
    autocomplete_fields = ["line", "request", "recorded_by"]
    date_hierarchy = "paid_on"
    readonly_fields = ["base_amount"]

    def save_model(self, request, obj, form, change):
        # The converted amount is derived, never typed: what the budget counts as spent.
        obj.base_amount = obj.converted_amount(obj.line.fiscal_year.currency)
        super().save_model(request, obj, form, change)
