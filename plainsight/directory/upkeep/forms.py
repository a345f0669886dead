"""Forms of the directory upkeep screens and of "report a problem"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plainsight.directory import hsds
from plainsight.directory import models as directory
from plainsight.directory import services as directory_services
from plainsight.directory.search.documents import schedule_input
from plainsight.directory.search.hours import DAY_CODES, valid_zone
from plainsight.directory.search.presentation import schedule_text, zone_name
from plainsight.directory.search.translations import translated
from plainsight.directory.upkeep.models import ProblemKind
from plainsight.directory.upkeep.services import (
    LOCATION_FIELDS,
    ORGANIZATION_FIELDS,
    SERVICE_FIELDS,
    AddressData,
    PhoneData,
    ScheduleData,
    day_codes,
    schedule_is_weekly,
)
from plainsight.partners.models import Organization as Partner

TRI_STATE = [
    ("", gettext_lazy("Not known")),
    ("true", gettext_lazy("Yes")),
    ("false", gettext_lazy("No")),
]
TIME_ZONES = [
    ("", gettext_lazy("Same as the place")),
    ("America/Los_Angeles", gettext_lazy("Pacific Time")),
    ("America/Phoenix", gettext_lazy("Arizona Time")),
    ("America/Denver", gettext_lazy("Mountain Time")),
    ("America/Chicago", gettext_lazy("Central Time")),
    ("America/New_York", gettext_lazy("Eastern Time")),
    ("America/Anchorage", gettext_lazy("Alaska Time")),
    ("Pacific/Honolulu", gettext_lazy("Hawaii Time")),
]
DAY_CHOICES = [
    ("MO", gettext_lazy("Mon")),
    ("TU", gettext_lazy("Tue")),
    ("WE", gettext_lazy("Wed")),
    ("TH", gettext_lazy("Thu")),
    ("FR", gettext_lazy("Fri")),
    ("SA", gettext_lazy("Sat")),
    ("SU", gettext_lazy("Sun")),
]


class TriStateField(forms.TypedChoiceField):
    """Yes / No / Not known, for the profile's three-valued facts."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=TRI_STATE,
            coerce=lambda value: value == "true",
            empty_value=None,
            required=False,
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        if value is True:
            return "true"
        if value is False:
            return "false"
        return value


class _RecordForm[R: (directory.Service, directory.Location, directory.Organization)](
    forms.ModelForm[R]
):
    """The edit of a directory record: the fields its service lets this screen change
    (``Meta.fields``), and the Spanish texts of ``spanish_fields``, each in a
    ``<field>_es`` field that the subclass declares."""

    spanish_fields: tuple[str, ...] = ()

    # The record's ``updated_at`` when the page was opened: the service refuses the edit
    # if someone saved the record since (this save would silently undo theirs).
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translations = self.instance.translations or {}
        for field in self.spanish_fields:
            self.fields[f"{field}_es"].initial = translated(translations, field, "es")
        if self.instance.updated_at is not None:
            self.fields["version"].initial = self.instance.updated_at.isoformat()

    def clean_version(self) -> dt.datetime | None:
        try:
            opened = dt.datetime.fromisoformat(self.cleaned_data.get("version") or "")
        except ValueError:
            return None
        return opened if opened.tzinfo is not None else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("version") is None:
            # Not shown next to the (hidden) field: above the form.
            raise forms.ValidationError(
                _(
                    "This page is out of date. Nothing was saved: open it again, then make "
                    "your changes."
                ),
                code="out_of_date",
            )
        return cleaned

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}

    def spanish(self) -> dict[str, str]:
        return {f: self.cleaned_data.get(f"{f}_es") or "" for f in self.spanish_fields}


class ServiceForm(_RecordForm[directory.Service]):
    spanish_fields = ("name", "description", "alert")

    name_es = forms.CharField(label=gettext_lazy("Name in Spanish"), required=False, max_length=500)
    description_es = forms.CharField(
        label=gettext_lazy("Description in Spanish"), required=False, widget=forms.Textarea
    )
    alert_es = forms.CharField(
        label=gettext_lazy("Alert in Spanish"), required=False, widget=forms.Textarea
    )
    delivery_methods = forms.MultipleChoiceField(
        label=gettext_lazy("How it is delivered"),
        choices=directory.DeliveryMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    free_of_charge = TriStateField(label=gettext_lazy("Free of charge"))
    police_report_required = TriStateField(label=gettext_lazy("Police report required"))
    serves_minors_without_guardian = TriStateField(
        label=gettext_lazy("Serves young people under 18 on their own")
    )
    immigration_status_neutral = TriStateField(
        label=gettext_lazy("Serves people of any immigration status")
    )
    t_u_visa_assistance = TriStateField(label=gettext_lazy("Helps with T and U visas"))
    interpretation_available = TriStateField(
        label=gettext_lazy("Interpreters available for other languages")
    )

    class Meta:
        model = directory.Service
        fields = SERVICE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "eligibility_description": forms.Textarea(attrs={"rows": 3}),
            "application_process": forms.Textarea(attrs={"rows": 3}),
            "fees_description": forms.Textarea(attrs={"rows": 2}),
            "alert": forms.Textarea(attrs={"rows": 2}),
        }


class PhoneForm(forms.Form):
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    number = forms.CharField(label=gettext_lazy("Number"), max_length=100, required=False)
    extension = forms.IntegerField(
        label=gettext_lazy("Extension"), required=False, min_value=0, max_value=99999999
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=directory.PhoneType.choices, initial="voice"
    )
    call_outcome = forms.ChoiceField(
        label=gettext_lazy("What calling does"),
        choices=[("", gettext_lazy("Not said")), *directory.CallOutcome.choices],
        required=False,
    )
    description = forms.CharField(
        label=gettext_lazy("Label shown to the public"), max_length=300, required=False
    )
    available_24_7 = forms.BooleanField(
        label=gettext_lazy("Answered 24 hours, 7 days"), required=False
    )

    def clean_number(self) -> str:
        number = " ".join(str(self.cleaned_data.get("number") or "").split())
        if number and sum(ch.isdigit() for ch in number) < 3:
            raise forms.ValidationError(_("Enter a phone number with its digits."))
        return number

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("DELETE") and not cleaned.get("number") and self.has_changed():
            self.add_error("number", _("Enter the phone number, or tick Delete."))
        return cleaned

    def to_data(self) -> PhoneData | None:
        data = self.cleaned_data
        if not data or (not data.get("number") and not data.get("id")):
            return None
        return PhoneData(
            id=data.get("id"),
            number=data.get("number") or "",
            extension=data.get("extension"),
            type=data.get("type") or "",
            call_outcome=data.get("call_outcome") or "",
            description=data.get("description") or "",
            available_24_7=bool(data.get("available_24_7")),
            delete=bool(data.get("DELETE")),
        )


# What an hours row says; all of them cleared, the row is removed (ScheduleForm.emptied).
SCHEDULE_CONTENT_FIELDS = ("days", "opens_at", "closes_at", "valid_from", "valid_to", "description")
SCHEDULE_NOTE_MAX_LENGTH = 300


class ScheduleForm(forms.Form):
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    days = forms.MultipleChoiceField(
        label=gettext_lazy("Days"),
        choices=DAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    opens_at = forms.TimeField(
        label=gettext_lazy("Opens"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    closes_at = forms.TimeField(
        label=gettext_lazy("Closes"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("Earlier than the opening time means the next day."),
    )
    valid_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=gettext_lazy("Note"), max_length=SCHEDULE_NOTE_MAX_LENGTH, required=False
    )
    iana_timezone = forms.ChoiceField(
        label=gettext_lazy("Time zone"), choices=TIME_ZONES, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A row this form cannot show as it is (schedule_initial) is described instead,
        # and can only be removed: its fields would write it back changed.
        self.summary: str = self.initial.get("summary", "")
        self.note: str = self.initial.get("note", "")
        self.zone: str = self.initial.get("zone", "")
        self.read_only = bool(self.summary)
        if self.read_only:
            for name in list(self.fields):
                if name != "id":
                    del self.fields[name]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("DELETE") or self.read_only:
            return cleaned
        days, opens, closes = cleaned.get("days"), cleaned.get("opens_at"), cleaned.get("closes_at")
        if (days or opens or closes) and not (days and opens and closes):
            raise forms.ValidationError(
                _("Choose the days and both the opening and the closing time."),
                code="incomplete",
            )
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and start > end:
            self.add_error("valid_to", _("This date is before the start date."))
        zone = cleaned.get("iana_timezone")
        if zone and not valid_zone(zone):
            self.add_error("iana_timezone", _("Unknown time zone."))
        return cleaned

    def emptied(self) -> bool:
        """Whether this is an existing row whose every field was cleared: it is then
        removed, as if Delete were ticked (people clear a row to remove it).

        The time zone does not count: alone it says nothing (it only qualifies the
        times). A row shown without content is never removed this way: it may hold
        what this form does not show (a link, notes)."""
        data = self.cleaned_data
        return (
            bool(data.get("id"))
            and any(self.initial.get(field) for field in SCHEDULE_CONTENT_FIELDS)
            and not any(data.get(field) for field in SCHEDULE_CONTENT_FIELDS)
        )

    def to_data(self) -> ScheduleData | None:
        """What to save of this row: None for a row left as it was (it is not written
        again, so nothing it holds changes), and for a read-only row not removed."""
        data = self.cleaned_data
        if not data or not self.has_changed() or (self.read_only and not data.get("DELETE")):
            return None
        if not data.get("id") and not any(data.get(f) for f in SCHEDULE_CONTENT_FIELDS):
            return None  # the blank row for new hours, left blank
        order = {code: i for i, code in enumerate(DAY_CODES)}
        return ScheduleData(
            id=data.get("id"),
            byday=",".join(sorted(data.get("days") or [], key=order.__getitem__)),
            opens_at=data.get("opens_at"),
            closes_at=data.get("closes_at"),
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
            description=data.get("description") or "",
            iana_timezone=data.get("iana_timezone") or "",
            delete=bool(data.get("DELETE")) or self.emptied(),
        )


PhoneFormSet = formset_factory(PhoneForm, extra=1, can_delete=True, max_num=20)
ScheduleFormSet = formset_factory(ScheduleForm, extra=1, can_delete=True, max_num=20)


def phone_initial(service: directory.Service) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "number": p.number,
            "extension": p.extension,
            "type": p.type or "voice",
            "call_outcome": p.call_outcome,
            "description": p.description,
            "available_24_7": p.available_24_7,
        }
        for p in service.phones.order_by("number", "pk")
    ]


def _shown_as_it_is(schedule: directory.Schedule) -> bool:
    """Whether ScheduleForm shows this hours row whole, so that the row it sends back
    unchanged is the same row: weekly (``schedule_is_weekly``), days given with both
    times or neither, whole minutes, a time zone the form offers, and a note that fits
    its one-line box (a browser drops line breaks; the field trims spaces)."""
    note = schedule.description
    times = [t for t in (schedule.opens_at, schedule.closes_at) if t is not None]
    return (
        schedule_is_weekly(schedule)
        and len(times) == (2 if day_codes(schedule.byday) else 0)
        and all(t.second == 0 and t.microsecond == 0 for t in times)
        and schedule.iana_timezone in {code for code, _label in TIME_ZONES}
        and len(note) <= SCHEDULE_NOTE_MAX_LENGTH
        and note == note.strip()
        and "\n" not in note
        and "\r" not in note
    )


def schedule_initial(service: directory.Service) -> list[dict[str, Any]]:
    """The hours rows as ScheduleForm shows them. A row it cannot show whole is described
    as the public listing page describes it (or said to be one it cannot describe), with
    its note and time zone, to be kept or removed."""
    rows = []
    for s in service.schedules.order_by("pk"):
        if not _shown_as_it_is(s):
            rows.append(
                {
                    "id": s.pk,
                    "summary": schedule_text(schedule_input(s))
                    or _("Hours this page cannot describe"),
                    "note": s.description,
                    "zone": zone_name(s.iana_timezone) if s.iana_timezone else "",
                }
            )
            continue
        rows.append(
            {
                "id": s.pk,
                "days": day_codes(s.byday),
                "opens_at": s.opens_at,
                "closes_at": s.closes_at,
                "valid_from": s.valid_from,
                "valid_to": s.valid_to,
                "description": s.description,
                "iana_timezone": s.iana_timezone,
            }
        )
    return rows


class LocationForm(_RecordForm[directory.Location]):
    spanish_fields = ("name", "transportation", "confidential_access_note")

    name_es = forms.CharField(label=gettext_lazy("Name in Spanish"), required=False, max_length=500)
    transportation_es = forms.CharField(
        label=gettext_lazy("How to get there, in Spanish"), required=False, widget=forms.Textarea
    )
    confidential_access_note_es = forms.CharField(
        label=gettext_lazy("How to reach it, in Spanish"), required=False, widget=forms.Textarea
    )
    iana_timezone = forms.ChoiceField(
        label=gettext_lazy("Time zone"), choices=TIME_ZONES[1:], required=True
    )
    address_1 = forms.CharField(
        label=gettext_lazy("Street address"), max_length=500, required=False
    )
    address_2 = forms.CharField(
        label=gettext_lazy("Address line 2"), max_length=500, required=False
    )
    city = forms.CharField(label=gettext_lazy("City"), max_length=200, required=False)
    state_province = forms.CharField(label=gettext_lazy("State"), max_length=100, required=False)
    postal_code = forms.RegexField(
        label=gettext_lazy("ZIP code"),
        regex=r"^\d{5}(-\d{4})?$",
        required=False,
        error_messages={"invalid": gettext_lazy("Enter a 5-digit ZIP code.")},
    )

    class Meta:
        model = directory.Location
        fields = LOCATION_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "transportation": forms.Textarea(attrs={"rows": 2}),
            "confidential_access_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        address = self.instance.addresses.order_by("pk").first() if self.instance.pk else None
        if address is not None:
            for field in ("address_1", "address_2", "city", "state_province", "postal_code"):
                self.fields[field].initial = getattr(address, field)
        self.fields["iana_timezone"].initial = self.instance.iana_timezone or "America/Los_Angeles"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            raise forms.ValidationError(_("Enter both latitude and longitude, or neither."))
        if latitude is not None and not -90 <= latitude <= 90:
            self.add_error("latitude", _("Latitude is between -90 and 90."))
        if longitude is not None and not -180 <= longitude <= 180:
            self.add_error("longitude", _("Longitude is between -180 and 180."))
        if cleaned.get("confidential") and not cleaned.get("confidential_access_note"):
            self.add_error(
                "confidential_access_note",
                _("Say how people reach a confidential place, for example which number to call."),
            )
        street = [cleaned.get(f) for f in ("address_1", "city", "state_province", "postal_code")]
        if any(street) and not all(street):
            raise forms.ValidationError(
                _("Enter the street address, city, state and ZIP code, or leave them all empty.")
            )
        return cleaned

    def address(self) -> AddressData | None:
        data = self.cleaned_data
        if not data.get("address_1"):
            return None
        return AddressData(
            address_1=data["address_1"],
            address_2=data.get("address_2") or "",
            city=data["city"],
            state_province=data["state_province"],
            postal_code=data["postal_code"],
            country="US",
        )


class OrganizationForm(_RecordForm[directory.Organization]):
    spanish_fields = ("name", "description")

    name_es = forms.CharField(label=gettext_lazy("Name in Spanish"), required=False, max_length=500)
    description_es = forms.CharField(
        label=gettext_lazy("Description in Spanish"), required=False, widget=forms.Textarea
    )
    partner = forms.ModelChoiceField(
        label=gettext_lazy("Maintained by partner"),
        queryset=Partner.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=gettext_lazy("No partner (coordinators only)"),
    )

    class Meta:
        model = directory.Organization
        fields = ORGANIZATION_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, can_assign_partner: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if can_assign_partner:
            self.fields["partner"].initial = self.instance.partner_id
        else:
            del self.fields["partner"]


class VerifyForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("How was it checked?"), choices=directory.VerificationMethod.choices
    )
    verified_on = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["verified_on"].initial = timezone.localdate()

    def clean_verified_on(self) -> dt.date:
        value = self.cleaned_data["verified_on"]
        today = timezone.localdate()
        if value > today:
            raise forms.ValidationError(_("The date cannot be in the future."))
        if value < today - dt.timedelta(days=366):
            raise forms.ValidationError(_("The date is more than a year ago."))
        return value


class CapacityForm(forms.Form):
    available = forms.IntegerField(
        label=gettext_lazy("Beds available now"),
        min_value=0,
        max_value=100000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", gettext_lazy("Accept")), ("reject", gettext_lazy("Reject"))]
    )


class ProblemReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What is wrong?"),
        choices=ProblemKind.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=gettext_lazy("Details (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": "1000", "autocomplete": "off"}),
        help_text=gettext_lazy(
            "For example: the new phone number or the right hours. Please do not write "
            "your name or anything about yourself or your situation."
        ),
    )
    # Left empty by people (it is hidden from them); filled in by form-spamming robots.
    website = forms.CharField(required=False, label=gettext_lazy("Leave this empty"))

    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


# --- Import and export of the whole directory (coordinators) ---------------------------

# A file's format, when the person leaves "detect" chosen.
IMPORT_EXTENSIONS = {
    ".json": directory.ImportFormat.JSON,
    ".zip": directory.ImportFormat.CSV,
    ".csv": directory.ImportFormat.CSV,  # one table given alone (organizations.csv)
}


class ImportUploadForm(forms.Form):
    """One HSDS file to import (or only to check, with ``dry_run``).

    The format comes from the file name (.json, .zip or .csv) unless the person chooses it;
    a chosen format is taken as said, whatever the name (some systems save JSON as
    .txt), and the import then reports what it cannot read.
    """

    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "An HSDS JSON file (.json), a .zip file of HSDS CSV files such as "
            "services.csv and organizations.csv, or one of those CSV files alone."
        ),
        error_messages={
            "required": gettext_lazy("Choose a file to import."),
            "empty": gettext_lazy("The file is empty."),
            "invalid": gettext_lazy("No file was received. Please choose the file again."),
            "missing": gettext_lazy("No file was received. Please choose the file again."),
        },
    )
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=[
            ("", gettext_lazy("Detect from the file name (.json, .zip or .csv)")),
            *directory.ImportFormat.choices,
        ],
    )
    record_type = forms.ChoiceField(
        label=gettext_lazy("Record type (JSON files only)"),
        required=False,
        choices=[
            ("", gettext_lazy("Detect from the records")),
            *[(table, table) for table in sorted(hsds.TABLE_MODELS)],
        ],
        help_text=gettext_lazy("Only needed when the records of a JSON file are ambiguous."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check only, write nothing"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        # Read at call time: tests (and operators) may lower the service's limit.
        limit = directory_services.MAX_UPLOAD_BYTES
        if upload.size is not None and upload.size > limit:
            self.add_error(
                "file",
                _("The file is larger than %(limit)s MB, the most one import can take.")
                % {"limit": limit // (1024 * 1024)},
            )
            return cleaned
        file_format = cleaned.get("file_format") or IMPORT_EXTENSIONS.get(
            Path(upload.name or "").suffix.lower()
        )
        if not file_format:
            self.add_error(
                "file",
                _(
                    "This is not a .json, .zip or .csv file. Choose an HSDS JSON file, a .zip "
                    "file of HSDS CSV files or one HSDS CSV file, or choose the file's format "
                    "below."
                ),
            )
            return cleaned
        if cleaned.get("record_type") and file_format != directory.ImportFormat.JSON:
            self.add_error("record_type", _("A record type can only be chosen for a JSON file."))
        cleaned["file_format"] = file_format
        return cleaned


class ExportForm(forms.Form):
    """What to download: HSDS JSON (services, or organizations) or the CSV package."""

    # choice: (file format, kind of JSON document, file name without the date)
    CHOICES = {
        "service": (directory.ImportFormat.JSON, "service", "hsds-services.json"),
        "organization": (directory.ImportFormat.JSON, "organization", "hsds-organizations.json"),
        "csv": (directory.ImportFormat.CSV, "service", "hsds-csv.zip"),
    }

    download = forms.ChoiceField(
        label=gettext_lazy("What to download"),
        widget=forms.RadioSelect,
        initial="service",
        choices=[
            ("service", gettext_lazy("HSDS JSON: every service, with its organization and places")),
            (
                "organization",
                gettext_lazy("HSDS JSON: every organization, with its services"),
            ),
            ("csv", gettext_lazy("HSDS CSV package: one CSV file per record type, in a .zip")),
        ],
    )

    def export(self) -> tuple[str, str, str]:
        """(file format, kind of JSON document, download's file name)."""
        file_format, kind, name = self.CHOICES[self.cleaned_data["download"]]
        stem, dot, extension = name.rpartition(".")
        return file_format, kind, f"{stem}-{timezone.localdate():%Y-%m-%d}{dot}{extension}"
