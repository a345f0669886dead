"""InlineFormRenderer writes exactly what Django's own form templates write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from plainsight.core.forms import INLINE_TEMPLATES, InlineFormRenderer, inline_renderer

TRICKY = "Tom & \"Jerry\" <b>'x'</b>"


class Everything(forms.Form):
    required_css_class = "required"
    error_css_class = "error"

    text = forms.CharField(
        label=gettext_lazy("Language"),
        help_text=mark_safe("Words <em>here</em>"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": False, "data-x": TRICKY, "hidden": True}
        ),
    )
    question = forms.CharField(label="What do you need?", required=False)
    number = forms.IntegerField(required=False, min_value=0, max_value=1200)
    decimal = forms.DecimalField(required=False, localize=True)
    checkbox = forms.BooleanField(required=False, label=TRICKY)
    email = forms.EmailField(required=False)
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    datetime = forms.DateTimeField(required=False)
    time = forms.TimeField(required=False)
    url = forms.URLField(required=False)
    search = forms.CharField(required=False, widget=forms.SearchInput)
    tel = forms.CharField(required=False, widget=forms.TelInput)
    color = forms.CharField(required=False, widget=forms.ColorInput)
    menu = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("Any language")), ("a&b", TRICKY), ("2", "Two"), (3, 3)],
    )
    grouped = forms.ChoiceField(
        choices=[
            ("", "—"),
            ("Fruit & more", [("apple", "Apple"), ("pear", "Pear")]),
            ("plain", "Plain"),
        ]
    )
    disabled = forms.CharField(required=False, disabled=True, initial="fixed")
    radio = forms.ChoiceField(  # a fieldset: the template's business
        required=False, choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    textarea = forms.CharField(required=False, widget=forms.Textarea)  # not written out

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        self.add_error(None, TRICKY)
        self.add_error("question", ["One <problem>", "and another"])
        return cleaned


def _forms(**kwargs: Any) -> tuple[forms.Form, forms.Form]:
    return (
        Everything(renderer=inline_renderer, **kwargs),
        Everything(renderer=DjangoTemplates(), **kwargs),
    )


def _pieces(form: forms.Form) -> list[str]:
    pieces = [str(form), str(form.non_field_errors())]
    for field in form:
        pieces += [
            field.as_field_group(),
            str(field),
            field.label_tag(),
            field.label_tag(label_suffix="", attrs={"class": "x"}),
            field.legend_tag(),
            str(field.errors),
        ]
    return pieces


BOUND = {
    "text": TRICKY,
    "question": "",
    "number": "1000",
    "decimal": "1234.5",
    "checkbox": "on",
    "email": "not an address",
    "password": "<secret>",
    "hidden": "h&h",
    "date": "2025-03-04",
    "datetime": "2025-03-04 10:30",
    "time": "25:00",
    "url": "https://example.org/?a=1&b=2",
    "search": '"quoted"',
    "tel": "+1 661",
    "color": "#ff0000",
    "menu": "a&b",
    "grouped": "pear",
    "disabled": "changed",
    "radio": "b",
    "textarea": "<p>",
}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"initial": {"menu": 3, "number": 5, "date": dt.date(2025, 1, 2), "checkbox": True}},
        {"data": BOUND},
        {"data": {**BOUND, "menu": "nope", "number": "x", "grouped": ""}},
        {"data": BOUND, "auto_id": False},
        {"data": BOUND, "auto_id": "field-%s", "prefix": "p"},
        {"data": BOUND, "label_suffix": " →"},
    ],
    ids=["unbound", "initial", "bound", "errors", "no-ids", "prefix", "suffix"],
)
def test_every_piece_renders_as_through_the_templates(
    language: str, kwargs: dict[str, Any]
) -> None:
    with translation.override(language):
        inline, templates = _forms(**kwargs)
        if inline.is_bound:
            inline.is_valid()
            templates.is_valid()
        assert _pieces(inline) == _pieces(templates)


def test_the_written_out_templates_are_the_ones_django_has() -> None:
    """Every template written out is a plain input or one Django's tests cover above; a
    new Django whose templates change shows up here and in the comparison."""
    engine = DjangoTemplates().engine
    for name, inline in INLINE_TEMPLATES.items():
        source = engine.get_template(name).template.source  # type: ignore[attr-defined]
        if inline.__name__ == "_input" and not name.endswith("/input.html"):
            assert source.strip() == '{% include "django/forms/widgets/input.html" %}', name


def test_anything_else_goes_through_the_template() -> None:
    renderer = InlineFormRenderer()
    form = Everything(renderer=renderer)
    assert 'type="radio"' in form["radio"].as_field_group()
    assert "<fieldset" in form["radio"].as_field_group()
    assert "<textarea" in str(form["textarea"])
