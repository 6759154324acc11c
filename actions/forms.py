from __future__ import annotations

from django import forms

from actions.models import ActionStatus

DUE_ERRORS = {"invalid": "Write the due date as a date, e.g. 2014-06-12."}
NOTE_ATTRS = {"rows": 2, "maxlength": 2000}


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class ActionForm(forms.Form):
    """Raise an action with fields rather than a typed line."""

    description = forms.CharField(
        label="What is to be done",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what is to be done."},
    )
    owners = PeopleChoice(queryset=None, required=False, label="Owners")
    for_all = forms.BooleanField(label="The whole board (“All”)", required=False)
    due_on = forms.DateField(
        label="Due",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DUE_ERRORS,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = people
        self.fields["owners"].error_messages["invalid_choice"] = (
            "Choose owners among the board's members."
        )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("owners") and not data.get("for_all"):
            self.add_error("owners", "Choose who will do it, or the whole board.")
        return data


class ReviewForm(forms.Form):
    """The chair's one step per action in the meeting's summary."""

    status = forms.ChoiceField(choices=ActionStatus.choices, label="Status")
    note = forms.CharField(label="Note", required=False, max_length=2000, widget=forms.TextInput())


class UpdateForm(forms.Form):
    note = forms.CharField(
        label="Progress note", required=False, max_length=2000, widget=forms.Textarea(NOTE_ATTRS)
    )
    status = forms.ChoiceField(
        choices=[("", "Unchanged"), *ActionStatus.choices], required=False, label="Status"
    )
    due_on = forms.DateField(
        label="Due",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DUE_ERRORS,
    )


class ReassignForm(UpdateForm):
    owners = PeopleChoice(queryset=None, required=False, label="Owners")
    for_all = forms.BooleanField(label="The whole board (“All”)", required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = people
        self.fields["owners"].error_messages["invalid_choice"] = (
            "Choose owners among the board's members."
        )


class BulkForm(forms.Form):
    actions = forms.ModelMultipleChoiceField(
        queryset=None,
        error_messages={
            "required": "Tick the actions to change first.",
            "invalid_choice": "Some ticked actions are not this board's; reload the page.",
            "invalid_pk_value": "Some ticked actions are not this board's; reload the page.",
        },
    )
    status = forms.ChoiceField(
        choices=[("", "Status unchanged"), *ActionStatus.choices], required=False, label="Status"
    )
    owner = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Reassign to",
        empty_label="Owners unchanged",
        error_messages={"invalid_choice": "Choose an owner among the board's members."},
    )
    to_all = forms.BooleanField(required=False, label="Reassign to the whole board")
    note = forms.CharField(label="Note", required=False, max_length=2000)

    def __init__(self, *args, actions, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = actions
        self.fields["owner"].queryset = people
        self.fields["owner"].label_from_instance = lambda person: person.full_name

    def clean(self):
        data = super().clean()
        if (
            not self.errors
            and not data.get("status")
            and not data.get("owner")
            and not data.get("to_all")
        ):
            raise forms.ValidationError("Choose a new status or new owners for the ticked actions.")
        return data
