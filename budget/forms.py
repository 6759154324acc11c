"""Forms for the budget pages. They check shapes and ranges; the services check the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from budget.models import Category, validate_known_currency
from budget.money import LARGEST_AMOUNT
from budget.services import CostItemInput, RequestInput, SponsorShareInput
from governance.forms import submission_field
from governance.models import Board, Organisation, User, currency_code_validator
from governance.text import DESCRIPTION_MAX, NOTE_MAX
from motions import forms as motions_forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Form(forms.Form):
    """A budget form; its labels end without a colon, as every other form of the site does."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def amount_field(label: str, *, required: bool = True, minimum: str = "0", **kwargs):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(minimum),
        max_value=LARGEST_AMOUNT,
        max_digits=14,
        decimal_places=2,
        **kwargs,
    )


class CurrencyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("help_text", "ISO 4217 code, e.g. USD, EUR, GBP.")
        super().__init__(**kwargs)
        self.validators += [currency_code_validator, validate_known_currency]
        self.widget.attrs.update({"size": 4, "autocomplete": "off", "class": "currency-input"})

    def to_python(self, value):
        return (super().to_python(value) or "").strip().upper()


def rate_field(**kwargs):
    return forms.DecimalField(
        label="Exchange rate",
        min_value=Decimal("0.000001"),
        max_digits=14,
        decimal_places=6,
        help_text="Units of the base currency per unit of this currency; 1 for the base currency.",
        **kwargs,
    )


def check_base_rate(form: forms.Form, cleaned: dict) -> None:
    """An amount in the base currency converts at 1; say so next to the rate."""
    currency, rate = cleaned.get("currency"), cleaned.get("exchange_rate")
    if currency and rate is not None and currency == form.base_currency and rate != 1:
        form.add_error("exchange_rate", f"{currency} is the base currency: its exchange rate is 1.")


class FiscalYearForm(Form):
    year = forms.IntegerField(min_value=1990, max_value=2200)
    starts_on = forms.DateField(label="Starts on", required=False, widget=DATE)
    ends_on = forms.DateField(label="Ends on", required=False, widget=DATE)


class BudgetLineForm(Form):
    category = forms.ChoiceField(choices=Category.choices)
    title = forms.CharField(max_length=150)
    planned = amount_field("Planned amount")
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_MAX
    )


class SpendingRequestForm(Form):
    title = forms.CharField(max_length=150)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=DESCRIPTION_MAX
    )
    requested_by = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    requested_on = forms.DateField(required=False, widget=DATE)
    currency = CurrencyField()
    exchange_rate = rate_field(initial=Decimal(1))
    rate_on = forms.DateField(label="Rate date", required=False, widget=DATE)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=NOTE_MAX
    )
    submission = submission_field()

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_currency = board.currency
        self.fields["requested_by"].queryset = User.objects.filter(seats__board=board).distinct()

    def clean(self):
        cleaned = super().clean()
        check_base_rate(self, cleaned)
        return cleaned


class CostItemForm(Form):
    description = forms.CharField(max_length=200)
    quantity = forms.DecimalField(
        min_value=Decimal("0.01"), max_digits=10, decimal_places=2, initial=Decimal(1)
    )
    unit = forms.CharField(max_length=30, required=False)
    unit_cost = amount_field("Unit cost")
    vat_rate = forms.DecimalField(
        label="VAT %",
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=Decimal(0),
        error_messages={"max_value": "A VAT rate is a percentage between 0 and 100."},
    )
    includes_vat = forms.BooleanField(label="Includes VAT", required=False)
    note = forms.CharField(max_length=300, required=False)


class SponsorShareForm(Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Sponsor")
    percentage = forms.DecimalField(
        label="Share %",
        required=False,
        min_value=Decimal("0.01"),
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    fixed_amount = amount_field("or fixed amount", required=False, minimum="0.01")
    agreement_reference = forms.CharField(max_length=200, required=False, label="Agreement")

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(board=board)

    def clean(self):
        cleaned = super().clean()
        has_percentage = cleaned.get("percentage") is not None
        has_fixed = cleaned.get("fixed_amount") is not None
        if has_percentage == has_fixed and not self.errors:
            raise ValidationError("Give the sponsor's share as a percentage or a fixed amount.")
        return cleaned


class RowFormSet(forms.BaseFormSet):
    """Rows typed on one page, all alike. None counts as 'initial', so a row left blank is
    dropped rather than refused, and a row is added or removed by showing what was typed again
    with one row more or less (`typed_rows`, `with_rows`)."""

    def initial_form_count(self) -> int:
        return 0


MOST_COST_ITEMS = 50
MOST_SPONSORS = 20
CostItemFormSet = forms.formset_factory(
    CostItemForm,
    formset=RowFormSet,
    extra=1,
    max_num=MOST_COST_ITEMS,
    absolute_max=MOST_COST_ITEMS,
    validate_max=True,
)
SponsorShareFormSet = forms.formset_factory(
    SponsorShareForm,
    formset=RowFormSet,
    extra=1,
    max_num=MOST_SPONSORS,
    absolute_max=MOST_SPONSORS,
    validate_max=True,
)


def typed_rows(formset_class, data, prefix: str) -> list[dict[str, str]]:
    """The rows of a formset as they were typed (raw values), for showing them again."""
    count = data.get(f"{prefix}-TOTAL_FORMS", "")
    count = int(count) if count.isascii() and count.isdigit() else 0
    names = list(formset_class.form.base_fields)
    return [
        {
            name: data[f"{prefix}-{index}-{name}"]
            for name in names
            if f"{prefix}-{index}-{name}" in data
        }
        for index in range(min(count, formset_class.absolute_max))
    ]


def with_rows(formset_class, rows: list[dict], **kwargs):
    """An unbound formset showing exactly `rows` (at least one, blank)."""
    formset = formset_class(initial=rows, **kwargs)
    formset.extra = max(len(rows), 1)
    return formset


def request_input(form: SpendingRequestForm, items, shares) -> RequestInput:
    """The request as the service takes it, from valid forms (deleted and blank rows left out)."""

    def kept(formset):
        return [
            row.cleaned_data
            for row in formset.forms
            if row.cleaned_data and not row.cleaned_data.get("DELETE")
        ]

    data = form.cleaned_data
    return RequestInput(
        title=data["title"],
        description=data["description"],
        currency=data["currency"],
        exchange_rate=data["exchange_rate"],
        rate_on=data["rate_on"],
        requested_by=data["requested_by"],
        requested_on=data["requested_on"],
        notes=data["notes"],
        submission=data["submission"],
        items=[
            CostItemInput(
                description=row["description"],
                quantity=row["quantity"],
                unit=row["unit"],
                unit_cost=row["unit_cost"],
                vat_rate=row["vat_rate"],
                includes_vat=row["includes_vat"],
                note=row["note"],
            )
            for row in kept(items)
        ],
        shares=[
            SponsorShareInput(
                organisation=row["organisation"],
                percentage=row["percentage"],
                fixed_amount=row["fixed_amount"],
                agreement_reference=row["agreement_reference"],
            )
            for row in kept(shares)
        ],
    )


class ApprovalForm(Form):
    approved_amount = amount_field("Approved amount", minimum="0.01")
    approved_on = forms.DateField(label="Approved on", widget=DATE)
    approved_by = forms.CharField(
        label="Approved by", max_length=150, help_text="e.g. the Advisory Board."
    )
    reference = forms.CharField(
        label="Where it is recorded",
        max_length=300,
        help_text="Meeting, motion and outcome, e.g. \"AB meeting 15 May 2014, motion 'Approve "
        "this expense', carried\".",
    )


class RejectionForm(Form):
    reference = forms.CharField(
        label="Where it is recorded", max_length=300, help_text="Meeting, motion and outcome."
    )


class PaymentForm(Form):
    paid_on = forms.DateField(label="Paid on", widget=DATE)
    amount = amount_field("Amount", minimum="0.01")
    currency = CurrencyField()
    exchange_rate = rate_field(initial=Decimal(1))
    reference = forms.CharField(
        max_length=200, required=False, help_text="Invoice number or transfer reference."
    )
    submission = submission_field()

    def __init__(self, *args, base_currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_currency = base_currency

    def clean(self):
        cleaned = super().clean()
        check_base_rate(self, cleaned)
        return cleaned


class PutToBoardForm(Form, motions_forms.PutToBoardForm):
    """Put a request to the board as a motion: in a meeting, or by ballot."""

    field_order = ["amount", "where", "method", "closes_at"]

    amount = amount_field("Approve up to", minimum="0.01")
    method = forms.ChoiceField(
        label="How the meeting decides",
        required=False,
        choices=[
            ("counts", "Show of hands (counts)"),
            ("without_objection", "Carried without objection"),
            ("roll_call", "Roll call"),
            ("live", "Live vote in the browser"),
        ],
    )
