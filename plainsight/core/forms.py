"""What every app's views do with forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData


def attach_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form
    shows that field, otherwise above the form (a model's own field, a rule across
    fields)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- A form renderer without a template per piece ----------------------------------


# What ``{{ value }}`` does in the form templates: localized, then escaped unless safe.
_TEMPLATE_CONTEXT = Context(autoescape=True)


def _text(value: Any) -> str:
    return render_value_in_context(value, _TEMPLATE_CONTEXT)


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe value safe."""
    return conditional_escape(value) if isinstance(value, SafeData) else escape(value)


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/attrs.html`` and ``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_text(name)}")
        else:
            parts.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(context: dict[str, Any]) -> str:
    widget = context["widget"]
    value = widget["value"]
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        + ("" if value is None else f' value="{_formatted(value)}"')
        + _attrs(widget["attrs"])
        + ">"
    )


def _option(option: dict[str, Any]) -> str:
    # The template file ends with a line break, and an included template keeps it.
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def _select(context: dict[str, Any]) -> str:
    widget = context["widget"]
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                raise _NotInline
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _label(context: dict[str, Any]) -> str:
    label = _text(context["label"])
    if not context["use_tag"]:
        return label
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


def _errors(context: dict[str, Any]) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = f' id="{_text(errors.field_id)}_error"' if errors.field_id else ""
    items = "".join(f"<li>{_text(error)}</li>" for error in errors)
    return f'<ul class="{_text(context["error_class"])}"{field_id}>{items}</ul>'


def _field(context: dict[str, Any]) -> str:
    field = context["field"]
    if field.use_fieldset:
        raise _NotInline
    label = field.label_tag() if field.label else ""
    help_text = ""
    if field.help_text:
        described = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
        help_text = f'<div class="helptext"{described}>{field.help_text}</div>'
    return f"\n  {label}\n\n{help_text}\n{_text(field.errors)}\n{_text(field)}\n"


class _NotInline(Exception):
    """This context needs the template after all."""


# Django's own templates these functions write out, character for character.
INLINE_TEMPLATES: dict[str, Callable[[dict[str, Any]], str]] = {
    "django/forms/field.html": _field,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
    "django/forms/widgets/input.html": _input,
    **{
        f"django/forms/widgets/{kind}.html": _input
        for kind in (
            *("checkbox", "color", "date", "datetime", "email", "hidden", "number"),
            *("password", "search", "tel", "text", "time", "url"),
        )
    },
    "django/forms/widgets/select.html": _select,
}


class InlineFormRenderer(DjangoTemplates):
    """Django's form renderer, with its small everyday templates written out in Python.

    Through templates, one text field costs five renders (the field group, its label,
    its errors, the widget and the widget's attributes), each with a new context, and a
    select one more per option: on the public "Find help" page that was a third of the
    server's time. The output is exactly the templates' (``plainsight/core/tests/
    test_forms.py`` renders every piece both ways); anything else (a fieldset, a custom
    widget template) still goes through the template.
    """

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        inline = INLINE_TEMPLATES.get(template_name)
        if inline is not None:
            try:
                return inline(context).strip()
            except _NotInline:
                pass
        return super().render(template_name, context, request)


# One for every form that uses it: its template engine (for the rest) is built once.
inline_renderer = InlineFormRenderer()
