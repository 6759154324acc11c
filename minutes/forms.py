from django import forms

from governance.text import DESCRIPTION_MAX, NOTE_MAX
from meetings.models import Meeting
from minutes.models import ApprovalMethod
from motions import forms as motions_forms


class RevisionForm(forms.Form):
    text = forms.CharField(
        label="Minutes (Markdown)",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "true", "class": "minutes-source"}),
        strip=False,
        max_length=200_000,
    )
    summary = forms.CharField(
        label="What changed",
        max_length=300,
        required=False,
        help_text="One line for the revision history, e.g. “Names in the budget item”.",
    )
    reason = forms.CharField(
        label="Reason for changing approved minutes",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required once the minutes are approved; shown on the minutes page, also to "
        "the public.",
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=DESCRIPTION_MAX
    )
    passage = forms.CharField(
        label="Passage to correct (optional)",
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Copy the words exactly as they stand in the minutes.",
    )
    proposed = forms.CharField(
        label="Should read",
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApprovalForm(forms.Form):
    method = forms.ChoiceField(label="Approved", choices=ApprovalMethod.choices)
    reference = forms.CharField(
        label="Motion or ballot, with its tally",
        required=False,
        max_length=300,
        help_text="E.g. “Motion 2014-06-1 at the June 2014 meeting: carried 9–0–1”.",
    )
    approval_meeting = forms.ModelChoiceField(
        label="At the meeting", queryset=Meeting.objects.none(), required=False
    )

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meetings is not None:
            self.fields["approval_meeting"].queryset = meetings


class PutToBoardForm(motions_forms.PutToBoardForm):
    """Put circulated minutes to the board: at a later meeting, or by ballot."""

    meeting_label = "By motion at {title}"
