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
