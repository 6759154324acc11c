"""Text people type that others read: names made readable, and limits on how much is kept.

A name is printed in the record beside what its bearer said and did, so it must be text a reader
can see and that cannot rearrange the text around it: no control characters, no bidirectional
overrides or isolates, at least one visible letter or digit. Forms, models and services all ask
`name_refusal` / `clean_name`, so a name is refused with the same words wherever it is typed.
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError

# Embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069): they reorder what follows
# them on the page, so "Alice" can be made to read as someone else's name or sentence.
BIDI_CONTROLS = frozenset(chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# Letters that draw nothing (Hangul fillers) and the blank Braille pattern.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")

# Limits on free text, by use: a description or a motion's wording, a note, a stated reason.
DESCRIPTION_MAX = 10_000
NOTE_MAX = 2_000
REASON_MAX = 500

NAME_HAS_CONTROL = "A name cannot contain control characters (such as a NUL or an escape)."
NAME_HAS_BIDI = (
    "A name cannot contain right-to-left or left-to-right override characters: "
    "they make the text around the name read differently."
)
NAME_INVISIBLE = "A name needs at least one visible letter or digit."


def normalized_text(value: str) -> str:
    """Composed (NFC), with each run of whitespace, line breaks included, made one space."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def _is_visible(character: str) -> bool:
    return unicodedata.category(character)[0] in "LN" and character not in BLANK_LETTERS


def name_refusal(value: str) -> str:
    """Why `value` (already normalised, not empty) cannot be a name; "" when it can."""
    if any(character in BIDI_CONTROLS for character in value):
        return NAME_HAS_BIDI
    if any(unicodedata.category(character) in ("Cc", "Cs") for character in value):
        return NAME_HAS_CONTROL
    if not any(_is_visible(character) for character in value):
        return NAME_INVISIBLE
    return ""


def validate_name(value: str) -> None:
    """Django validator: the name refused with the words of `name_refusal`."""
    if value and (refusal := name_refusal(value)):
        raise ValidationError(refusal, code="unreadable_name")


def clean_name(value: str) -> str:
    """`value` normalised, or ValidationError if it cannot be a name (empty is left to the
    field: a required name says so itself)."""
    value = normalized_text(value or "")
    validate_name(value)
    return value


# Letters of other scripts drawn like Latin ones (Unicode's confusables, the common part): a
# Cyrillic "а" in "Аlice Chair" must not make a second Alice Chair. Upper case first, because
# "В" looks like "B" while its lower case "в" does not look like "b".
LOOKALIKES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУавеѕіјкорсхуһԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοριкνχ",
    "ABESIJKMHOPCTXYabesijkopcxyhdqwABEZHIKMNOPTYXopikvx",
)


def name_key(value: str) -> str:
    """What two names are compared by: case, accents, invisible characters, compatibility
    forms (full-width letters, ligatures) and look-alike letters of other scripts (Cyrillic,
    Greek) do not tell them apart."""
    decomposed = unicodedata.normalize("NFKD", value).translate(LOOKALIKES)
    kept = (
        character
        for character in decomposed
        if not unicodedata.combining(character) and unicodedata.category(character) != "Cf"
    )
    return " ".join("".join(kept).casefold().split())


def text_refusal(value: str, *, limit: int, noun: str) -> str:
    """Why `value` cannot be kept as `noun` ("the note"): a NUL, which PostgreSQL cannot store
    in text, or more than `limit` characters. "" when it can."""
    if "\x00" in value:
        return f"{noun[0].upper()}{noun[1:]} contains a NUL character, which cannot be stored."
    if len(value) > limit:
        return f"Keep {noun} to {limit:,} characters (it has {len(value):,})."
    return ""


def row_refusal(instance) -> tuple[str, str]:
    """(field name, why) for the first text field of a model row holding a NUL; model fields do
    not refuse one (form fields do) and PostgreSQL cannot store it. ("", "") when none does."""
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, str) and "\x00" in value:
            noun = f"the {field.verbose_name}"
            return field.name, text_refusal(value, limit=len(value), noun=noun)
    return "", ""


class NameFormField(forms.CharField):
    """A form's name field: normalised as typed, refused in `name_refusal`'s words."""

    default_validators = [validate_name]

    def to_python(self, value):
        value = super().to_python(value)
        return normalized_text(value) if isinstance(value, str) else value
