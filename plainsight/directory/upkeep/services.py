"""Changing directory records: edits, verification, capacity, reports from the public.

Every function checks the actor's right first (``permissions``), changes the records,
writes its audit event and refreshes the search index, all in one transaction: a
failure anywhere leaves nothing half saved. Audit events name the record by id only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plainsight.audit.services import audit_record
from plainsight.directory import models as directory
from plainsight.directory.search.services import search_index_services
from plainsight.directory.services import directory_record_delete
from plainsight.directory.upkeep import permissions
from plainsight.directory.upkeep.models import (
    ProblemKind,
    ProblemReport,
    ReportStatus,
    VerificationLog,
)
from plainsight.partners.models import Organization as Partner

# What each edit may change, in the order its form shows the fields.
SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "status",
    "url",
    "email",
    "eligibility_description",
    "application_process",
    "fees_description",
    "alert",
    "minimum_age",
    "maximum_age",
    "free_of_charge",
    "police_report_required",
    "serves_minors_without_guardian",
    "immigration_status_neutral",
    "t_u_visa_assistance",
    "interpretation_available",
    "open_24_7",
    "delivery_methods",
    "tribal_eligibility",
    "tribal_affiliation",
)
LOCATION_FIELDS = (
    "name",
    "description",
    "transportation",
    "confidential",
    "confidential_access_note",
    "latitude",
    "longitude",
    "iana_timezone",
)
ORGANIZATION_FIELDS = ("name", "alternate_name", "description", "email", "website")

REPORTS_PER_LISTING_PER_HOUR = 5
REPORTS_PER_HOUR = 300
REPORT_RETENTION_DAYS = 90
# Any fixed number, the same in every process: the key of the PostgreSQL lock that
# public reports take turns on (``_report_limit_reached``).
REPORTS_LOCK = 7_346_001
BED_UNIT_ID = uuid.UUID("9c4c1e2a-6a43-5d1b-9a57-2a3b4c5d6e7f")


class ReportLimitReached(Exception):
    """Too many reports in the last hour (for this listing or in all)."""


@dataclass(frozen=True)
class PhoneData:
    id: uuid.UUID | None
    number: str
    extension: int | None
    type: str
    call_outcome: str
    description: str
    available_24_7: bool
    delete: bool = False


@dataclass(frozen=True)
class ScheduleData:
    id: uuid.UUID | None
    byday: str
    opens_at: dt.time | None
    closes_at: dt.time | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    description: str
    iana_timezone: str
    delete: bool = False


def day_codes(byday: str) -> list[str]:
    """The codes of an hours row's ``byday`` ("mo, TU" → ["MO", "TU"]; "1MO" stays)."""
    return [day for day in byday.upper().replace(" ", "").split(",") if day]


def schedule_is_weekly(schedule: directory.Schedule) -> bool:
    """Whether an hours row says no more than what ``ScheduleData`` writes: days of the
    week, times, dates, a note and a time zone. A listing edit changes only such rows;
    others (a first Monday, days of the month, every other week…) it may only remove,
    since days written onto them would change what they mean."""
    days = day_codes(schedule.byday)
    return (
        schedule.freq in ("", directory.Frequency.WEEKLY)
        and schedule.interval in (None, 1)
        and schedule.count is None
        and schedule.until is None
        and schedule.dtstart is None
        and not any(
            value.strip() for value in (schedule.bymonthday, schedule.byweekno, schedule.byyearday)
        )
        and all(day in directory.Weekday.values for day in days)
    )


@dataclass(frozen=True)
class AddressData:
    address_1: str
    address_2: str
    city: str
    state_province: str
    postal_code: str
    country: str


def _partner(service: directory.Service) -> Partner | None:
    return service.organization.partner


def _set_translations(record: Any, translations: dict[str, str], language: str = "es") -> None:
    current = dict(record.translations or {})
    texts = dict(current.get(language) or {})
    for field, value in translations.items():
        if value.strip():
            texts[field] = value.strip()
        else:
            texts.pop(field, None)
    if texts:
        current[language] = texts
    else:
        current.pop(language, None)
    record.translations = current


def _refuse_if_changed(record: Any, unchanged_since: dt.datetime | None, message: str) -> None:
    """Refuse an edit made on a page opened before someone else's save (``updated_at``
    then differs): saving it would silently undo theirs. Call under the row's lock."""
    if unchanged_since is not None and record.updated_at != unchanged_since:
        raise ValidationError(message, code="changed")


def _save_children(
    actor: Any,
    service: directory.Service,
    phones: list[PhoneData],
    schedules: list[ScheduleData],
) -> None:
    owned_phones = {p.pk: p for p in service.phones.all()}
    for item in phones:
        if item.id is not None and item.id not in owned_phones:
            raise PermissionDenied("phone of another record")
        if item.delete:
            if item.id is not None:
                directory_record_delete(actor=actor, instance=owned_phones[item.id])
            continue
        phone = owned_phones[item.id] if item.id is not None else directory.Phone(service=service)
        phone.number = item.number
        phone.extension = item.extension
        phone.type = item.type
        phone.call_outcome = item.call_outcome
        phone.description = item.description
        phone.available_24_7 = item.available_24_7
        phone.full_clean()
        phone.save()
    owned_schedules = {s.pk: s for s in service.schedules.all()}
    for entry in schedules:
        if entry.id is not None and entry.id not in owned_schedules:
            raise PermissionDenied("schedule of another record")
        if entry.delete:
            if entry.id is not None:
                directory_record_delete(actor=actor, instance=owned_schedules[entry.id])
            continue
        if entry.id is None:
            schedule = directory.Schedule(service=service, freq=directory.Frequency.WEEKLY)
        elif schedule_is_weekly(owned_schedules[entry.id]):
            schedule = owned_schedules[entry.id]  # its frequency stays as written
        else:
            raise ValidationError(
                _(
                    "Some hours on this page can only be deleted, not changed. Nothing was "
                    "saved: open the listing again."
                ),
                code="hours_not_editable",
            )
        schedule.byday = entry.byday
        schedule.opens_at = entry.opens_at
        schedule.closes_at = entry.closes_at
        schedule.valid_from = entry.valid_from
        schedule.valid_to = entry.valid_to
        schedule.description = entry.description
        schedule.iana_timezone = entry.iana_timezone
        schedule.full_clean()
        schedule.save()


def service_update(
    *,
    actor: Any,
    service: directory.Service,
    changes: dict[str, Any],
    spanish: dict[str, str] | None = None,
    phones: list[PhoneData] | None = None,
    schedules: list[ScheduleData] | None = None,
    unchanged_since: dt.datetime | None = None,
) -> directory.Service:
    """Save an edit of a listing, its Spanish texts, phones and hours, all or nothing.

    With ``unchanged_since`` (the listing's ``updated_at`` when the form was opened), an
    edit of a listing saved since then is refused.
    """
    if not permissions.can_edit_service(actor, service):
        raise PermissionDenied(_("You cannot edit this listing."))
    unknown = set(changes).difference(SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        service = directory.Service.objects.select_for_update().get(pk=service.pk)
        _refuse_if_changed(
            service,
            unchanged_since,
            _(
                "Someone else saved this listing after you opened it. Nothing was saved: "
                "open the listing again to see their changes, then make yours."
            ),
        )
        for field, value in changes.items():
            setattr(service, field, value)
        if spanish is not None:
            _set_translations(service, spanish)
        service.last_modified = timezone.now()
        service.full_clean()
        service.save()
        _save_children(actor, service, phones or [], schedules or [])
        audit_record(
            actor=actor,
            action="directory.service.updated",
            target_type="directory.service",
            target_id=service.pk,
            organization=_partner(service),
        )
        search_index_services(service_ids=[service.pk])
    return service


_UNSET: Any = object()


def location_update(
    *,
    actor: Any,
    location: directory.Location,
    changes: dict[str, Any],
    spanish: dict[str, str] | None = None,
    address: AddressData | None = _UNSET,
    unchanged_since: dt.datetime | None = None,
) -> directory.Location:
    """Save an edit of a place (and its street address), all or nothing; refused, with
    ``unchanged_since``, if the place was saved since then.

    ``address=None`` removes the street address the edit form shows; without
    ``address`` it stays as it is.
    """
    if not permissions.editable_locations_for(actor).filter(pk=location.pk).exists():
        raise PermissionDenied(_("You cannot edit this place."))
    unknown = set(changes).difference(LOCATION_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        location = directory.Location.objects.select_for_update().get(pk=location.pk)
        _refuse_if_changed(
            location,
            unchanged_since,
            _(
                "Someone else saved this place after you opened it. Nothing was saved: "
                "open the place again to see their changes, then make yours."
            ),
        )
        for field, value in changes.items():
            setattr(location, field, value)
        if spanish is not None:
            _set_translations(location, spanish)
        location.full_clean()
        location.save()
        shown = location.addresses.order_by("pk").first()
        if address is None and shown is not None:
            # With the terms and history that point at it by id.
            directory_record_delete(actor=actor, instance=shown)
        elif address is not None and address is not _UNSET:
            row = shown or directory.Address(location=location)
            for field, value in address.__dict__.items():
                setattr(row, field, value)
            row.full_clean()
            row.save()
        audit_record(
            actor=actor,
            action="directory.location.updated",
            target_type="directory.location",
            target_id=location.pk,
            organization=location.organization.partner if location.organization else None,
        )
        search_index_services(
            service_ids=location.service_at_locations.values_list("service_id", flat=True)
        )
    return location


def organization_update(
    *,
    actor: Any,
    organization: directory.Organization,
    changes: dict[str, Any],
    spanish: dict[str, str] | None = None,
    partner: Partner | None = _UNSET,
    unchanged_since: dt.datetime | None = None,
) -> directory.Organization:
    """Save an edit of an organization; only coordinators change who maintains it.

    Refused, with ``unchanged_since``, if the organization was saved since then.
    """
    if not permissions.editable_organizations_for(actor).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You cannot edit this organization."))
    unknown = set(changes).difference(ORGANIZATION_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if partner is not _UNSET and not permissions.can_assign_partner(actor):
        raise PermissionDenied(_("Only coordinators choose who maintains a record."))
    with transaction.atomic():
        organization = directory.Organization.objects.select_for_update().get(pk=organization.pk)
        _refuse_if_changed(
            organization,
            unchanged_since,
            _(
                "Someone else saved this organization after you opened it. Nothing was "
                "saved: open the organization again to see their changes, then make yours."
            ),
        )
        previous_partner = organization.partner
        for field, value in changes.items():
            setattr(organization, field, value)
        if spanish is not None:
            _set_translations(organization, spanish)
        if partner is not _UNSET:
            organization.partner = partner
        organization.full_clean()
        organization.save()
        audit_record(
            actor=actor,
            action="directory.organization.updated",
            target_type="directory.organization",
            target_id=organization.pk,
            organization=organization.partner or previous_partner,
        )
        if partner is not _UNSET and partner != previous_partner:
            audit_record(
                actor=actor,
                action="directory.organization.partner_set",
                target_type="directory.organization",
                target_id=organization.pk,
                organization=partner or previous_partner,
            )
        search_index_services(service_ids=organization.services.values_list("pk", flat=True))
    return organization


def service_verify(
    *,
    actor: Any,
    service: directory.Service,
    verified_on: dt.date,
    method: str,
) -> VerificationLog:
    """Record that a listing was checked: its ``assured_date`` becomes ``verified_on``."""
    if not permissions.can_edit_service(actor, service):
        raise PermissionDenied(_("You cannot verify this listing."))
    if method not in directory.VerificationMethod.values:
        raise ValidationError(_("Choose how the listing was verified."), code="method")
    today = timezone.localdate()
    if verified_on > today:
        raise ValidationError(_("The date cannot be in the future."), code="future")
    if verified_on < today - dt.timedelta(days=366):
        raise ValidationError(_("The date is more than a year ago."), code="too_old")
    with transaction.atomic():
        service = directory.Service.objects.select_for_update().get(pk=service.pk)
        # A later verification already on record stays the listing's date.
        if service.assured_date is None or verified_on >= service.assured_date:
            service.assured_date = verified_on
            service.verification_method = method
            service.save(update_fields=["assured_date", "verification_method", "updated_at"])
        entry = VerificationLog.objects.create(
            service=service, verified_on=verified_on, method=method, verified_by=actor
        )
        audit_record(
            actor=actor,
            action="directory.service.verified",
            target_type="directory.service",
            target_id=service.pk,
            organization=_partner(service),
        )
        search_index_services(service_ids=[service.pk])
    return entry


def _bed_unit() -> directory.Unit:
    unit, _created = directory.Unit.objects.get_or_create(
        id=BED_UNIT_ID, defaults={"name": "bed", "scheme": "PlainSight"}
    )
    return unit


def service_capacity_update(
    *, actor: Any, service: directory.Service, available: int
) -> directory.ServiceCapacity:
    """Set how many beds (or other units) are free now; time-stamped."""
    if not permissions.can_update_capacity(actor, service):
        raise PermissionDenied(_("You cannot update this listing's capacity."))
    if available < 0:
        raise ValidationError(_("The number cannot be negative."), code="negative")
    with transaction.atomic():
        capacity = (
            directory.ServiceCapacity.objects.select_for_update()
            .filter(service=service, unit__isnull=False)
            .order_by("pk")
            .first()
        )
        if capacity is None:
            capacity = directory.ServiceCapacity(service=service, unit=_bed_unit())
        if capacity.maximum is not None and available > capacity.maximum:
            raise ValidationError(
                _("This is more than the %(maximum)s this service has in all.")
                % {"maximum": f"{capacity.maximum.normalize():f}"},
                code="over_maximum",
            )
        capacity.available = Decimal(available)
        capacity.updated = timezone.now()
        capacity.full_clean()
        capacity.save()
        audit_record(
            actor=actor,
            action="directory.capacity.updated",
            target_type="directory.service",
            target_id=service.pk,
            organization=_partner(service),
        )
    return capacity


def _report_limit_reached(service_id: uuid.UUID) -> bool:
    """Whether the last hour's reports reach a limit, for this listing or overall.

    The limits are per listing and overall, never per visitor: PlainSight does not
    know who visitors are, and does not want to. They are counted from the reports
    themselves: counts kept in the cache were lost whenever it culled or evicted them.
    Reports are counted, then added, so two sent at the same instant must take turns
    or both pass a limit only one had room for: SQLite's writers take turns already
    (IMMEDIATE transactions); on PostgreSQL they queue on a lock held until the
    caller's transaction ends.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REPORTS_LOCK])
    recent = ProblemReport.objects.filter(created_at__gte=timezone.now() - dt.timedelta(hours=1))
    return (
        recent.filter(service_id=service_id).count() >= REPORTS_PER_LISTING_PER_HOUR
        or recent.count() >= REPORTS_PER_HOUR
    )


def problem_report_submit(*, service: directory.Service, kind: str, details: str) -> ProblemReport:
    """Queue a public report about a listing for review (no account, nothing about who)."""
    if kind not in ProblemKind.values:
        raise ValidationError(_("Choose what is wrong."), code="kind")
    with transaction.atomic():
        if _report_limit_reached(service.pk):
            raise ReportLimitReached
        report = ProblemReport.objects.create(
            service=service, kind=kind, details=details.strip()[:1000]
        )
        audit_record(
            actor=None,
            action="directory.report.received",
            target_type="directory.problem_report",
            target_id=report.pk,
            organization=_partner(service),
        )
    return report


def problem_report_decide(*, actor: Any, report: ProblemReport, accept: bool) -> ProblemReport:
    """Accept (the listing will be corrected) or reject a pending report."""
    if not permissions.can_edit_service(actor, report.service):
        raise PermissionDenied(_("You cannot review reports about this listing."))
    with transaction.atomic():
        report = (
            ProblemReport.objects.select_for_update()
            .select_related("service__organization")
            .get(pk=report.pk)
        )
        if report.status != ReportStatus.PENDING:
            raise ValidationError(_("This report was already reviewed."), code="reviewed")
        report.status = ReportStatus.ACCEPTED if accept else ReportStatus.REJECTED
        report.moderated_at = timezone.now()
        report.moderated_by = actor
        report.save(update_fields=["status", "moderated_at", "moderated_by"])
        audit_record(
            actor=actor,
            action="directory.report.accepted" if accept else "directory.report.rejected",
            target_type="directory.problem_report",
            target_id=report.pk,
            organization=_partner(report.service),
        )
    return report


def problem_reports_purge(*, older_than_days: int = REPORT_RETENTION_DAYS) -> int:
    """Delete reviewed reports reviewed more than ``older_than_days`` ago; each deletion
    is audited. Returns how many were deleted."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    with transaction.atomic():
        expired = list(
            ProblemReport.objects.select_for_update(of=("self",))
            .exclude(status=ReportStatus.PENDING)
            .filter(moderated_at__lt=cutoff)
            .select_related("service__organization__partner")
        )
        ProblemReport.objects.filter(pk__in=[report.pk for report in expired]).delete()
        for report in expired:
            audit_record(
                actor=None,
                action="directory.report.purged",
                target_type="directory.problem_report",
                target_id=report.pk,
                organization=_partner(report.service),
            )
    return len(expired)
