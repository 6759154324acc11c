"""What a browser would send from an admin page: the fields of its form, as the page rendered them.

Tests take a form's data this way rather than typing it, so a field the admin adds or makes
read-only is sent (or not) as it would be by a person.
"""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import Client

SKIPPED_INPUTS = {"submit", "button", "image", "file", "reset"}


class _FormFields(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None
        self._select_values: list[str] = []
        self._first_option: str | None = None
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (self.form_id is None or attrs.get("id") == self.form_id):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in SKIPPED_INPUTS or "__prefix__" in name:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(name, attrs.get("value") or "on")
                return
            self._add(name, attrs.get("value") or "")
        elif tag == "select" and name and "__prefix__" not in name:
            self._select = (name, "multiple" in attrs)
            self._select_values, self._first_option = [], None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self._select_values.append(value)
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            name, multiple = self._select
            values = self._select_values
            if not values and not multiple and self._first_option is not None:
                values = [self._first_option]
            for value in values:
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._add(self._textarea, "".join(self._text).removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_data(client: Client, url: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The fields of the form on the page at `url` (the first form, or the one with `form_id`)."""
    page = client.get(url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    parser = _FormFields(form_id)
    parser.feed(page.text)
    data = dict(parser.data)
    data.pop("csrfmiddlewaretoken", None)
    return data


def with_values(data: dict[str, list[str]], values: dict) -> dict[str, list[str]]:
    """`data` with some fields set: a list for a multiple choice, None to leave a field out."""
    merged = dict(data)
    for name, value in values.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = (
                [str(each) for each in value] if isinstance(value, list) else [str(value)]
            )
    return merged


def signed_in_superuser(person, client_for) -> Client:
    """A client signed in as `person`, made a superuser with admin access."""
    person.is_staff = person.is_superuser = True
    person.save()
    return client_for(person)


def messages_of(client: Client) -> str:
    """The messages waiting for the next page: what the admin said about the last request."""
    return " ".join(str(message) for message in client.get("/admin/").context["messages"])
