"""The "Find help" form: words, place and filters, each with a clear error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plainsight.core.forms import inline_renderer
from plainsight.directory.search import bulk, presentation, text
from plainsight.directory.search.engine import MAX_PAGES, SearchRequest
from plainsight.directory.search.models import FacetKind
from plainsight.directory.search.places import Place, county_name, places_named

RADIUS_CHOICES = [
    ("5", gettext_lazy("5 miles")),
    ("10", gettext_lazy("10 miles")),
    ("25", gettext_lazy("25 miles")),
    ("50", gettext_lazy("50 miles")),
    ("100", gettext_lazy("100 miles")),
    ("any", gettext_lazy("Any distance")),
]
SORT_CHOICES = [
    ("relevance", gettext_lazy("Best match")),
    ("distance", gettext_lazy("Nearest first")),
]
# The "Only show services that…" boxes, in the order the page shows them.
CHECKS = (
    "open_now",
    "free",
    "no_police_report",
    "any_immigration_status",
    "minors_on_their_own",
    "by_phone",
    "online",
    "serves_area",
)
FLAG_FIELDS = (
    "open_now",
    "free",
    "no_police_report",
    "minors_on_their_own",
    "any_immigration_status",
    "by_phone",
    "online",
)


class PageField(forms.IntegerField):
    """A page of results. The pager sets it, a person never types it, so there is no
    one to show an error to: a value that is not a page number means the first page,
    one beyond the last page that can be shown means that last page."""

    def to_python(self, value: Any) -> int | None:
        try:
            page = super().to_python(value)
        except forms.ValidationError:
            return None
        return None if page is None else min(max(page, 1), MAX_PAGES)


def facet_choices(language: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(category choices, language choices) from the index's menus, in ``language``."""
    # Every search page builds the menus: plain rows, without the ORM's query building
    # and model instances (which cost as much as the rest of the form).
    rows = bulk.select(
        "SELECT kind, value, label, label_es, parent_value FROM directory_search_searchfacet"
        " WHERE kind IN (%s, %s)",
        [FacetKind.CATEGORY.value, FacetKind.LANGUAGE.value],
    )
    spanish = language == "es"
    categories: dict[str, tuple[str, str]] = {}  # value: (label, parent value)
    languages: list[tuple[str, str]] = []
    for kind, value, label, label_es, parent_value in rows:
        if kind == FacetKind.CATEGORY:
            categories[value] = ((label_es if spanish and label_es else label) or "?", parent_value)
        else:
            languages.append((value, presentation.language_name(value, label)))

    def by_label(value: str) -> str:
        return text.fold(categories[value][0])

    children: dict[str, list[str]] = {}
    top: list[str] = []
    for value, (_label, parent_value) in categories.items():
        if parent_value in categories:
            children.setdefault(parent_value, []).append(value)
        else:
            top.append(value)
    category_choices: list[tuple[str, str]] = [("", _("Any kind of help"))]
    for parent in sorted(top, key=by_label):
        category_choices.append((parent, categories[parent][0]))
        category_choices.extend(
            (child, "— " + categories[child][0])
            for child in sorted(children.get(parent, ()), key=by_label)
        )
    languages.sort(key=lambda item: text.fold(item[1]))
    return category_choices, [("", _("Any language")), *languages]


def _ambiguous(found: list[Place]) -> forms.ValidationError:
    """Several places have the name typed: which one (a point between them is none)."""
    name = found[0].label
    if all(place.kind == "city" for place in found):
        choices = "; ".join(
            f"{place.label}, " + _("%(county)s County") % {"county": county_name(place.county_fips)}
            for place in found
        )
        return forms.ValidationError(
            _(
                "More than one place is called %(name)s. Enter its ZIP code, or its name "
                "and county as one of these: %(choices)s."
            )
            % {"name": name, "choices": choices},
            code="ambiguous_place",
        )
    return forms.ValidationError(
        _("More than one place is called %(name)s. Enter its ZIP code.") % {"name": name},
        code="ambiguous_place",
    )


class FindHelpForm(forms.Form):
    # Fields, labels, errors and menus written out in Python, not a template each: see
    # InlineFormRenderer. The markup is Django's own.
    default_renderer = inline_renderer

    q = forms.CharField(
        label=gettext_lazy("What do you need?"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("For example: shelter, lawyer, immigration, abogado, refugio."),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                # Browsers must not remember what was typed (shared phones).
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "enterkeyhint": "search",
            }
        ),
    )
    near = forms.CharField(
        label=gettext_lazy("Near (ZIP code or city)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    radius = forms.ChoiceField(
        label=gettext_lazy("Distance"),
        choices=RADIUS_CHOICES,
        required=False,
        initial="25",
    )
    serves_area = forms.BooleanField(
        label=gettext_lazy("Only services that serve this area"), required=False
    )
    category = forms.ChoiceField(label=gettext_lazy("Kind of help"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    age = forms.IntegerField(
        label=gettext_lazy("Age of the person who needs help"),
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        # One message for every way an age can be wrong (1.5, -1, 200, "ten").
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value", "step_size"),
            gettext_lazy("Enter an age from 0 to 120, in whole years."),
        ),
    )
    open_now = forms.BooleanField(label=gettext_lazy("Open now"), required=False)
    free = forms.BooleanField(label=gettext_lazy("Free"), required=False)
    no_police_report = forms.BooleanField(
        label=gettext_lazy("No police report needed"), required=False
    )
    minors_on_their_own = forms.BooleanField(
        label=gettext_lazy("Helps young people under 18 on their own"), required=False
    )
    any_immigration_status = forms.BooleanField(
        label=gettext_lazy("Serves people of any immigration status"), required=False
    )
    by_phone = forms.BooleanField(label=gettext_lazy("Help by phone or text"), required=False)
    online = forms.BooleanField(label=gettext_lazy("Help online"), required=False)
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        choices=SORT_CHOICES,
        required=False,
        initial="relevance",
    )
    page = PageField(required=False, widget=forms.HiddenInput)

    # Menus a filter address leaves out at their default (filter_query): a bound form
    # without them must still show the default, or the browser shows the menu's first
    # option ("5 miles") and the next search quietly uses it.
    MENU_DEFAULTS = {"radius": "25", "sort": "relevance"}

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        missing = {k: v for k, v in self.MENU_DEFAULTS.items() if k not in self.data}
        if self.is_bound and missing:
            data = QueryDict(mutable=True)
            data.update(self.data)  # every value of a key kept (a QueryDict's lists)
            data.update(missing)
            self.data = data
        categories, languages = facet_choices(language)
        category_field = self.fields["category"]
        language_field = self.fields["language"]
        assert isinstance(category_field, forms.ChoiceField)
        assert isinstance(language_field, forms.ChoiceField)
        category_field.choices = categories
        language_field.choices = languages
        self.place: Place | None = None

    def clean_q(self) -> str:
        return " ".join(str(self.cleaned_data.get("q") or "").split())

    def clean_near(self) -> str:
        near = " ".join(str(self.cleaned_data.get("near") or "").split())
        if near:
            found = places_named(near)
            if len(found) > 1:
                raise _ambiguous(found)
            self.place = found[0] if found else None
            if self.place is None:
                raise forms.ValidationError(
                    _(
                        "We could not find this place. Enter a 5-digit ZIP code or the "
                        "name of a city or county in California."
                    ),
                    code="unknown_place",
                )
        return near

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("serves_area") and not cleaned.get("near") and "near" not in self.errors:
            self.add_error(
                "near",
                forms.ValidationError(
                    _("Enter your ZIP code or city to see the services that serve your area."),
                    code="area_needs_place",
                ),
            )
        return cleaned

    def checks(self) -> list[forms.BoundField]:
        return [self[name] for name in CHECKS]

    def has_words(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("q"))

    def to_request(self, **overrides: Any) -> SearchRequest:
        data = self.cleaned_data
        radius_value = data.get("radius") or "25"
        place = self.place
        sort = data.get("sort") or "relevance"
        if place is None and sort == "distance":
            sort = "relevance"
        values: dict[str, Any] = {
            "text": data.get("q") or "",
            "place": place,
            "radius_miles": None if radius_value == "any" else int(radius_value),
            "serves_area": bool(data.get("serves_area")) and place is not None,
            "category": data.get("category") or "",
            "language": data.get("language") or "",
            "age": data.get("age"),
            "sort": sort,
            "page": data.get("page") or 1,
        }
        for name in FLAG_FIELDS:
            values[name] = bool(data.get(name))
        values.update(overrides)
        return SearchRequest(**values)

    def filter_query(self, *, page: int | None = None) -> dict[str, str]:
        """The filters as GET parameters (never the words typed), defaults left out."""
        data = self.cleaned_data
        params: dict[str, str] = {}
        if data.get("near"):
            params["near"] = data["near"]
            if data.get("radius") and data["radius"] != "25":
                params["radius"] = data["radius"]
        for name in ("category", "language"):
            if data.get(name):
                params[name] = data[name]
        if data.get("age") is not None:
            params["age"] = str(data["age"])
        for name in ("serves_area", *FLAG_FIELDS):
            if data.get(name):
                params[name] = "on"
        if data.get("sort") == "distance":
            params["sort"] = "distance"
        if page and page > 1:
            params["page"] = str(page)
        return params

    def carried_fields(self) -> list[tuple[str, str]]:
        """Hidden fields that repeat this search on another page of results (POST)."""
        fields: list[tuple[str, str]] = []
        if self.cleaned_data.get("q"):
            fields.append(("q", self.cleaned_data["q"]))
        fields.extend((k, v) for k, v in self.filter_query().items() if k != "page")
        return fields
