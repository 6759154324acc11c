"""Forms for the live console and the agenda. Each field is labelled; each error says what to do."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from governance.forms import submission_field
from governance.models import Board, User
from governance.text import DESCRIPTION_MAX, NAME_INVISIBLE, name_refusal, normalized_text
from meetings.models import AgendaItem, AttendanceStatus, ItemKind, MeetingKind
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
    board_only = forms.BooleanField(
        label="Board only", required=False, help_text="Never in the public minutes."
    )

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
    STATUS_CHOICES = [*AttendanceStatus.choices, ("left", "Left"), ("back", "Back")]

    person = forms.IntegerField(required=False, min_value=1)
    attendance = forms.IntegerField(required=False, min_value=1)
    status = forms.ChoiceField(choices=STATUS_CHOICES)
    # When they left or came back, in the viewer's zone; empty is now.
    at = forms.TimeField(required=False, input_formats=["%H:%M", "%H:%M:%S"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not cleaned.get("attendance"):
            raise forms.ValidationError("Choose whose attendance to record.")
        return cleaned


class GuestForm(forms.Form):
    name = forms.CharField(label="Guest's name", max_length=150)
    submission = submission_field()
    organisation = forms.CharField(label="Organisation", max_length=150, required=False)

    def clean_name(self) -> str:
        # A name the record can show: a zero-width space or a lone "." names nobody, and an
        # override character would make the record around it read differently.
        name = normalized_text(self.cleaned_data["name"])
        if refusal := name_refusal(name) if name else NAME_INVISIBLE:
            raise forms.ValidationError(
                "Give the guest's name." if refusal == NAME_INVISIBLE else refusal
            )
        return name

    def clean_organisation(self) -> str:
        organisation = normalized_text(self.cleaned_data["organisation"])
        if organisation and (refusal := name_refusal(organisation)):
            raise forms.ValidationError(refusal)
        return organisation


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    submission = submission_field()
    kind = forms.ChoiceField(label="Kind", choices=ItemKind.choices, initial=ItemKind.DISCUSSION)
    planned_minutes = forms.IntegerField(
        label="Planned minutes", required=False, min_value=1, max_value=600
    )
    presenter = forms.ModelChoiceField(
        label="Presenter", queryset=User.objects.none(), required=False
    )
    description = forms.CharField(
        label="Background",
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
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


class MeetingScheduleForm(forms.Form):
    """A meeting in the board's calendar: the day and time are read in the board's time zone."""

    kind = forms.ChoiceField(label="Kind", choices=MeetingKind.choices, initial=MeetingKind.REGULAR)
    title = forms.CharField(
        label="Title",
        max_length=150,
        required=False,
        help_text="How the board names it; empty gives the month, e.g. “June 2026”.",
    )
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the day the meeting is held.", "invalid": "Give a date."},
    )
    time = forms.TimeField(
        label="Starts at",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Give a time such as 16:00."},
    )
    ends = forms.TimeField(
        label="Planned end",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Give a time such as 17:30."},
    )
    location = forms.CharField(
        label="Place", max_length=200, required=False, help_text="A room, or “Conference call”."
    )
    dial_in = forms.CharField(
        label="Dial-in details",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Call link, numbers and passcodes; shown to the board until the meeting ends.",
    )

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board
        zone = board.zone.key
        self.fields["time"].help_text = (
            f"In the board's time zone ({zone}). Leave empty only for a past meeting "
            "whose minutes give no time."
        )
        self.fields["ends"].help_text = f"Optional, in {zone}."

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("date"), cleaned.get("time"), cleaned.get("ends")
        if day is None:
            return cleaned
        if start is None and day >= timezone.localdate(timezone=self.board.zone):
            self.add_error("time", "Give the time the meeting starts.")
        if end is not None and start is None:
            self.add_error("ends", "Give the start time too, or leave the end empty.")
        elif end is not None and start is not None and end <= start:
            self.add_error("ends", "The meeting must end after it starts.")
        return cleaned

    def starts_at(self) -> dt.datetime:
        data = self.cleaned_data
        return dt.datetime.combine(data["date"], data["time"] or dt.time(), self.board.zone)

    def planned_end_at(self) -> dt.datetime | None:
        end = self.cleaned_data["ends"]
        return dt.datetime.combine(self.cleaned_data["date"], end, self.board.zone) if end else None

    def title_or_default(self) -> str:
        data = self.cleaned_data
        if data["title"].strip():
            return data["title"]
        month = f"{data['date']:%B %Y}"
        return {
            MeetingKind.ANNUAL: f"Annual meeting {data['date']:%Y}",
            MeetingKind.EXTRAORDINARY: f"Extraordinary meeting, {data['date'].day} {month}",
        }.get(data["kind"], month)


class ApologiesForm(forms.Form):
    """Apologies ahead of a meeting: for oneself, or by a secretary for anyone seated."""

    person = forms.ModelChoiceField(
        label="On behalf of", queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people


class CarryOverForm(forms.Form):
    items = forms.ModelMultipleChoiceField(
        label="Left unfinished last time",
        queryset=AgendaItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick the items to carry over."},
    )

    def __init__(self, *args, offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = AgendaItem.objects.filter(pk__in=[i.pk for i in offered])


# -- Correcting an adjourned meeting's record ----------------------------------------------------


class CorrectionForm(forms.Form):
    """What every correction asks: why. The reason is shown with the correction on the record."""

    reason = forms.CharField(
        label="Why is the record corrected?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown beside the correction, e.g. “Don left at 17:05, not 16:40”.",
        error_messages={
            "required": "Say why the record is corrected; the reason is shown with it."
        },
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    field_order = ["reason"]


class AttendanceCorrectionForm(CorrectionForm):
    """Status, then each stretch in the room (arrived, left, or removed), and a row to add one."""

    status = forms.ChoiceField(label="Attendance", choices=AttendanceStatus.choices)

    def __init__(self, *args, stretch_count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.stretch_count = stretch_count
        reason = self.fields.pop("reason")
        rows = [(str(i), f"Stretch {i + 1}") for i in range(stretch_count)]
        rows.append(("new", "Another stretch" if stretch_count else "In the room"))
        for key, title in rows:
            self.fields[f"arrived_{key}"] = forms.TimeField(
                label=f"{title}: arrived at",
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                help_text="Empty: from the opening.",
            )
            self.fields[f"left_{key}"] = forms.TimeField(
                label=f"{title}: left at",
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                help_text="Empty: to the end.",
            )
            if key != "new":
                self.fields[f"remove_{key}"] = forms.BooleanField(
                    label=f"Remove stretch {int(key) + 1}", required=False
                )
        self.fields["reason"] = reason

    def stretch_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField, object]]:
        """(legend, arrived, left, remove or None) per stretch, for a page that groups them."""
        keys = [str(i) for i in range(self.stretch_count)] + ["new"]
        return [
            (
                self.fields[f"arrived_{key}"].label.split(":")[0],
                self[f"arrived_{key}"],
                self[f"left_{key}"],
                self[f"remove_{key}"] if key != "new" else None,
            )
            for key in keys
        ]

    def stretch_times(self) -> tuple[list[tuple], tuple]:
        """The kept rows (arrived, left) as typed, and the added row."""
        data = self.cleaned_data
        kept = [
            (data.get(f"arrived_{i}"), data.get(f"left_{i}"))
            for i in range(self.stretch_count)
            if not data.get(f"remove_{i}")
        ]
        return kept, (data.get("arrived_new"), data.get("left_new"))


class NoteCorrectionForm(CorrectionForm):
    text = forms.CharField(
        label="Statement", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    speaker = forms.TypedChoiceField(label="Speaker", coerce=int, empty_value=None, required=False)

    field_order = ["speaker", "text", "reason"]

    def __init__(self, *args, speakers: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].choices = [("", "No speaker (the record's own words)")] + [
            (attendance.pk, attendance.name) for attendance in speakers
        ]


class ItemCorrectionForm(CorrectionForm):
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(
        label="Summary / outcome",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    field_order = ["title", "summary", "reason"]


class ProxyForm(forms.Form):
    """Name a proxy: the holder, and (for the chair or a secretary) whose vote it is."""

    holder = forms.ModelChoiceField(
        label="Who holds your vote",
        queryset=User.objects.none(),
        error_messages={
            "required": "Choose who holds the vote.",
            "invalid_choice": "Choose someone seated on the board.",
        },
    )
    grantor = forms.ModelChoiceField(
        label="Whose vote", queryset=User.objects.none(), required=False
    )
    note = forms.CharField(label="Note (optional)", max_length=200, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["holder"].queryset = people
            self.fields["grantor"].queryset = people
