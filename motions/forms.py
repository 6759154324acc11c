"""Forms for putting, deciding and correcting motions. They only read input; services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from governance.models import User
from governance.text import REASON_MAX
from motions.models import Abstentions, Choice, Method, Motion, Threshold
from motions.services import TEXT_MAX, MotionDetails


class DeadlineField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class Form(forms.Form):
    """Labels without a trailing colon, as everywhere else in Boardroom."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PutToBoardForm(forms.Form):
    """Put something to the board as a motion: at one of `meetings`, or by ballot with a deadline.

    The budget's requests and the minutes' approval both start here; each adds what it needs and
    names the meeting choice its own way (`meeting_label`).
    """

    meeting_label = "At {title}"

    where = forms.ChoiceField(label="Decided", choices=())
    closes_at = DeadlineField(
        label="Ballot deadline", required=False, help_text="Ballots only; in your time zone."
    )

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {str(meeting.pk): meeting for meeting in meetings}
        self.fields["where"].choices = [
            (str(meeting.pk), self.meeting_label.format(title=meeting.title))
            for meeting in meetings
        ] + [("ballot", "By ballot between meetings")]

    def clean(self):
        data = super().clean()
        if data.get("where") == "ballot" and not data.get("closes_at"):
            self.add_error("closes_at", "A ballot needs a deadline.")
        return data

    @property
    def meeting(self):
        """The meeting chosen, or None for a ballot."""
        return self.meetings.get(self.cleaned_data.get("where", ""))


class MotionForm(Form):
    text = forms.CharField(
        label="Motion",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
        help_text="What the board resolves, as the minutes will read it: "
        "“Approve spending for the Hackathon evening event, up to USD 3,000”.",
    )
    method = forms.ChoiceField(label="How it is decided", choices=Method.choices)
    threshold = forms.ChoiceField(label="Threshold", choices=Threshold.choices)
    fixed_count = forms.IntegerField(
        label="Votes in favour needed",
        required=False,
        min_value=1,
        max_value=1000,
        help_text="Only for a fixed-number threshold.",
    )
    turnout = forms.DecimalField(
        label="Turnout required",
        required=False,
        min_value=0,
        max_value=1,
        decimal_places=3,
        help_text="A share of the voting units that must vote, such as 0.5; empty for none.",
    )
    abstentions = forms.ChoiceField(label="Abstentions", choices=Abstentions.choices)
    one_objection_blocks = forms.BooleanField(
        label="One objection blocks it (consensus)", required=False
    )
    secret = forms.BooleanField(label="Secret vote (live votes and ballots only)", required=False)
    proposer = forms.ModelChoiceField(
        label="Proposed by", queryset=User.objects.none(), required=False
    )
    seconder = forms.ModelChoiceField(
        label="Seconded by", queryset=User.objects.none(), required=False
    )
    closes_at = DeadlineField(
        label="Ballot deadline", required=False, help_text="Ballots only; in your time zone."
    )
    depends_on = forms.ModelChoiceField(
        label="Only if this motion carries",
        queryset=Motion.objects.none(),
        required=False,
        help_text="Otherwise it is moot.",
    )

    def __init__(self, *args, people=None, motions=None, ballot_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposer"].queryset = people if people is not None else User.objects.none()
        self.fields["seconder"].queryset = people if people is not None else User.objects.none()
        self.fields["depends_on"].queryset = (
            motions if motions is not None else Motion.objects.none()
        )
        if ballot_only:
            self.fields["method"].choices = [(Method.BALLOT, Method.BALLOT.label)]
        else:
            self.fields["method"].choices = [c for c in Method.choices if c[0] != Method.BALLOT]

    def clean(self):
        data = super().clean()
        if data.get("method") == Method.BALLOT:
            closes_at = data.get("closes_at")
            if closes_at is None:
                self.add_error("closes_at", "A ballot needs a deadline.")
            elif closes_at <= timezone.now():
                self.add_error("closes_at", "The deadline must be in the future.")
        if data.get("threshold") == Threshold.FIXED and not data.get("fixed_count"):
            self.add_error("fixed_count", "Say how many votes in favour are needed.")
        if data.get("turnout") is not None and data["turnout"] <= 0:
            self.add_error("turnout", "Leave it empty for no turnout requirement.")
        return data

    def details(self) -> MotionDetails:
        data = self.cleaned_data
        return MotionDetails(
            text=data["text"],
            method=data["method"],
            threshold=data["threshold"],
            fixed_count=data.get("fixed_count"),
            turnout=data.get("turnout"),
            one_objection_blocks=data.get("one_objection_blocks", False),
            abstentions=data["abstentions"],
            secret=data.get("secret", False),
            proposer=data.get("proposer"),
            seconder=data.get("seconder"),
            closes_at=data.get("closes_at"),
            depends_on=data.get("depends_on"),
        )


class VoteForm(Form):
    choice = forms.ChoiceField(
        choices=Choice.choices,
        error_messages={
            "invalid_choice": "Choose for, against or abstain.",
            "required": "Choose for, against or abstain.",
        },
    )
    dissent = forms.BooleanField(required=False)


class CountsForm(Form):
    votes_for = forms.IntegerField(label="For", min_value=0, max_value=10000)
    votes_against = forms.IntegerField(label="Against", min_value=0, max_value=10000)
    votes_abstain = forms.IntegerField(label="Abstaining", min_value=0, max_value=10000, initial=0)


class DeadlineForm(Form):
    closes_at = DeadlineField(label="Deadline")

    def clean_closes_at(self):
        value = self.cleaned_data["closes_at"]
        if value <= timezone.now():
            raise forms.ValidationError("The deadline must be in the future.")
        return value


class CorrectionForm(Form):
    text = forms.CharField(
        label="Corrected wording", widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX
    )
    reason = forms.CharField(label="Why the record is corrected", max_length=REASON_MAX)


def next_week() -> dt.datetime:
    """A ballot's default deadline: a week from now, on the hour."""
    return (timezone.localtime() + dt.timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
