"""Forms for the live console and the agenda. Each field is labelled; each error says what to do."""

from __future__ import annotations

from django import forms

from governance.models import User
from meetings.models import AttendanceStatus, ItemKind
from meetings.services import ItemDetails


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        strip=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the note before saving it."},
        help_text="Start with a name and a colon to say who spoke: “Don: makes the point…”.",
    )
    # "", "none" (save without a speaker) or an attendance id chosen after an ambiguous name.
    speaker = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError("Write the note before saving it.")
        return text


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label="Summary / outcome",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AttendanceForm(forms.Form):
    STATUS_CHOICES = [*AttendanceStatus.choices, ("left", "Left")]

    person = forms.IntegerField(required=False, min_value=1)
    attendance = forms.IntegerField(required=False, min_value=1)
    status = forms.ChoiceField(choices=STATUS_CHOICES)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not cleaned.get("attendance"):
            raise forms.ValidationError("Choose whose attendance to record.")
        return cleaned


class GuestForm(forms.Form):
    name = forms.CharField(label="Guest's name", max_length=150)
    organisation = forms.CharField(label="Organisation", max_length=150, required=False)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        # A name the record can show: a zero-width space or a lone "." names nobody.
        if not any(character.isalnum() for character in name):
            raise forms.ValidationError("Give the guest's name.")
        return name


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=ItemKind.choices, initial=ItemKind.DISCUSSION)
    planned_minutes = forms.IntegerField(
        label="Planned minutes", required=False, min_value=1, max_value=600
    )
    presenter = forms.ModelChoiceField(
        label="Presenter", queryset=User.objects.none(), required=False
    )
    description = forms.CharField(
        label="Background", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    board_only = forms.BooleanField(
        label="Board only (confidential)",
        required=False,
        help_text="Never shown outside the board.",
    )
    embargo_until = forms.DateTimeField(
        label="Embargoed until",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Not shown outside the board before this moment (your time zone); public "
        "from then on.",
    )

    def __init__(self, *args, presenters=None, **kwargs):
        super().__init__(*args, **kwargs)
        if presenters is not None:
            self.fields["presenter"].queryset = presenters

    def details(self) -> ItemDetails:
        data = self.cleaned_data
        return ItemDetails(
            title=data["title"],
            kind=data["kind"],
            planned_minutes=data["planned_minutes"],
            presenter=data["presenter"],
            description=data["description"],
            board_only=data["board_only"],
            embargo_until=data["embargo_until"],
        )
