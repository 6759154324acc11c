import uuid

from django import forms

from governance.models import User


class DirectoryDateForm(forms.Form):
    on = forms.DateField(
        label="Members on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="See who sat for whom on any date.",
    )
    q = forms.CharField(
        label="Find",
        required=False,
        max_length=100,
        strip=True,
        help_text="An organisation or a person.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "affiliation", "timezone"]
        labels = {"timezone": "Your time zone"}


def submission_field() -> forms.UUIDField:
    """A key the form carries from the page that showed it, so that sending it twice (a double
    click, a retried request, five tabs) saves once."""
    return forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)
