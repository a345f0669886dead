"""Public reads of the directory, shared by the HSDS API and the "Find help" pages.

What the public may see is decided here and nowhere else:

* only services whose status is ``active`` or ``temporarily closed`` (a closed
  service stays visible so people learn it is closed; inactive and defunct ones are
  withheld);
* never the address, coordinates or directions of a *confidential* location — and
  confidential locations take no part in distance filtering or sorting either, since
  distances from a few points would reveal where a shelter is. Match them by their
  service areas instead (``services_serving_place``).

Rendering to HSDS (and the redaction of confidential locations in documents) lives
in ``serializers.py``; this module only builds querysets.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from plainsight.directory import models, places

PUBLIC_SERVICE_STATUSES = (models.ServiceStatus.ACTIVE, models.ServiceStatus.TEMPORARILY_CLOSED)
MAX_RADIUS_KM = 1000.0


@dataclass(frozen=True)
class Near:
    """A circle to search in: centre in WGS84 degrees, radius in kilometres."""

    latitude: float
    longitude: float
    radius_km: float


# --- Base querysets ----------------------------------------------------------------------


def public_service_queryset() -> QuerySet[models.Service]:
    """Services the public may see, with their organization and program joined."""
    return models.Service.objects.filter(status__in=PUBLIC_SERVICE_STATUSES).select_related(
        "organization", "program"
    )


def public_organization_queryset() -> QuerySet[models.Organization]:
    return models.Organization.objects.all()


def public_service_at_location_queryset() -> QuerySet[models.ServiceAtLocation]:
    return models.ServiceAtLocation.objects.filter(
        service__status__in=PUBLIC_SERVICE_STATUSES
    ).select_related("service", "location")


def public_taxonomy_queryset() -> QuerySet[models.Taxonomy]:
    return models.Taxonomy.objects.all()


def public_taxonomy_term_queryset() -> QuerySet[models.TaxonomyTerm]:
    return models.TaxonomyTerm.objects.select_related("taxonomy_detail")


def public_location_q(prefix: str = "") -> Q:
    """Locations whose coordinates may be used: not confidential, valid WGS84 values."""
    return Q(
        **{
            f"{prefix}confidential": False,
            f"{prefix}latitude__gte": -90.0,
            f"{prefix}latitude__lte": 90.0,
            f"{prefix}longitude__gte": -180.0,
            f"{prefix}longitude__lte": 180.0,
        }
    )


# --- Taxonomy helpers ----------------------------------------------------------------


def taxonomy_term_with_descendants(term_id: uuid.UUID) -> set[uuid.UUID]:
    """The term and every term below it (a category filter includes sub-categories)."""
    pairs = models.TaxonomyTerm.objects.filter(parent__isnull=False).values_list("id", "parent_id")
    children: dict[uuid.UUID, list[uuid.UUID]] = {}
    for child, parent in pairs:
        children.setdefault(parent, []).append(child)
    result = {term_id}
    frontier = [term_id]
    while frontier:
        current = frontier.pop()
        for child in children.get(current, ()):
            if child not in result:
                result.add(child)
                frontier.append(child)
    return result


def _linked_to_terms(term_ids: Iterable[uuid.UUID]) -> QuerySet[models.Attribute, Any]:
    """Ids of rows carrying any of the terms (an uncorrelated subquery: the database
    reads the term's attributes once through the (taxonomy_term, link_id) index instead
    of probing once per candidate row)."""
    return models.Attribute.objects.filter(taxonomy_term_id__in=list(term_ids)).values("link_id")


def _linked_to_taxonomy(taxonomy_id: uuid.UUID) -> QuerySet[models.Attribute, Any]:
    return models.Attribute.objects.filter(taxonomy_term__taxonomy_detail_id=taxonomy_id).values(
        "link_id"
    )


def _words(search: str) -> list[str]:
    return [word for word in search.split() if word][:10]


# --- Service filters -------------------------------------------------------------------


def filter_services(
    queryset: QuerySet[models.Service],
    *,
    search: str = "",
    taxonomy_term_id: uuid.UUID | None = None,
    taxonomy_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    modified_after: dt.datetime | None = None,
    serving: places.Place | None = None,
) -> QuerySet[models.Service]:
    """Every given filter must hold (AND), as HSDS asks."""
    for word in _words(search):
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(alternate_name__icontains=word)
            | Q(description__icontains=word)
            | Q(organization__name__icontains=word)
        )
    if taxonomy_term_id is not None:
        terms = taxonomy_term_with_descendants(taxonomy_term_id)
        queryset = queryset.filter(pk__in=_linked_to_terms(terms))
    if taxonomy_id is not None:
        queryset = queryset.filter(pk__in=_linked_to_taxonomy(taxonomy_id))
    if organization_id is not None:
        queryset = queryset.filter(organization_id=organization_id)
    if modified_after is not None:
        # Our own change time too: an import of an old record is still news to a
        # consumer who synchronises from us.
        queryset = queryset.filter(
            Q(last_modified__gte=modified_after) | Q(updated_at__gte=modified_after)
        )
    if serving is not None:
        queryset = queryset.filter(services_serving_place_q(serving))
    return queryset


def services_serving_place_q(place: places.Place) -> Q:
    """Services whose structured service areas cover the place (ZIP or city).

    Services that state no structured area at all are kept, as HSDS's ``postcode``
    filter asks ("if service_area is available…"). Built from uncorrelated subqueries
    driven by the (area_type, area_code) index, so the cost does not grow with the
    number of services examined.
    """
    covering = models.ServiceArea.objects.filter(_plain_area_q(place))
    structured = models.ServiceArea.objects.filter(area_type__in=models.AreaType.values)
    return (
        Q(pk__in=covering.filter(service__isnull=False).values("service_id"))
        | Q(
            pk__in=covering.filter(service_at_location__isnull=False).values(
                "service_at_location__service_id"
            )
        )
        | ~(
            Q(pk__in=structured.filter(service__isnull=False).values("service_id"))
            | Q(
                pk__in=structured.filter(service_at_location__isnull=False).values(
                    "service_at_location__service_id"
                )
            )
        )
    )


def _plain_area_q(place: places.Place) -> Q:
    query = (
        Q(area_type=models.AreaType.COUNTRY, area_code="US")
        | Q(area_type=models.AreaType.STATE, area_code="CA")
        | Q(area_type=models.AreaType.COUNTY, area_code=place.county_fips)
        | Q(area_type=models.AreaType.CITY, area_code__iexact=place.city)
    )
    if place.kind == "zip":
        query |= Q(area_type=models.AreaType.POSTAL_CODE, area_code=place.code)
    return query


def _distance_sq(near: Near, prefix: str = "") -> ExpressionWrapper:
    """Squared distance in degrees of latitude (equirectangular: exact enough ≤ 1000 km).

    Plain arithmetic, so the same SQL runs on SQLite and PostgreSQL without
    trigonometric functions; the cosine of the centre's latitude is a constant.
    """
    cos_lat = math.cos(math.radians(near.latitude))
    dlat = F(f"{prefix}latitude") - Value(near.latitude)
    dlon = (F(f"{prefix}longitude") - Value(near.longitude)) * Value(cos_lat)
    return ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())


def _box_q(near: Near, prefix: str = "") -> Q:
    box = places.bounding_box(near.latitude, near.longitude, near.radius_km)
    return Q(
        **{
            f"{prefix}latitude__gte": box.min_lat,
            f"{prefix}latitude__lte": box.max_lat,
            f"{prefix}longitude__gte": box.min_lon,
            f"{prefix}longitude__lte": box.max_lon,
        }
    )


def _radius_sq(near: Near) -> float:
    return (near.radius_km / places.KM_PER_DEGREE) ** 2


def services_near(queryset: QuerySet[models.Service], near: Near) -> QuerySet[models.Service]:
    """Services with a public location inside the circle, nearest first.

    Annotates ``distance_sq`` (squared degrees); use ``distance_km_from_sq`` to show
    it. Confidential locations are ignored.
    """
    nearest = (
        models.ServiceAtLocation.objects.filter(service_id=OuterRef("pk"))
        .filter(public_location_q("location__"), _box_q(near, "location__"))
        .annotate(d=_distance_sq(near, "location__"))
        .order_by("d")
        .values("d")[:1]
    )
    # Candidates first, from the (latitude, longitude) index; the nearest-location
    # subquery then runs for those services only.
    candidates = models.ServiceAtLocation.objects.filter(
        public_location_q("location__"), _box_q(near, "location__")
    ).values("service_id")
    return (
        queryset.filter(pk__in=candidates)
        .annotate(distance_sq=Subquery(nearest, output_field=FloatField()))
        .filter(distance_sq__isnull=False, distance_sq__lte=_radius_sq(near))
        .order_by("distance_sq", "name", "id")
    )


def service_at_locations_near(
    queryset: QuerySet[models.ServiceAtLocation], near: Near
) -> QuerySet[models.ServiceAtLocation]:
    return (
        queryset.filter(public_location_q("location__"), _box_q(near, "location__"))
        .annotate(distance_sq=_distance_sq(near, "location__"))
        .filter(distance_sq__lte=_radius_sq(near))
        .order_by("distance_sq", "service__name", "id")
    )


def distance_km_from_sq(distance_sq: float | None) -> float | None:
    if distance_sq is None:
        return None
    return round((distance_sq**0.5) * places.KM_PER_DEGREE, 2)


def filter_service_at_locations(
    queryset: QuerySet[models.ServiceAtLocation],
    *,
    search: str = "",
    taxonomy_term_id: uuid.UUID | None = None,
    taxonomy_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    modified_after: dt.datetime | None = None,
    serving: places.Place | None = None,
) -> QuerySet[models.ServiceAtLocation]:
    for word in _words(search):
        queryset = queryset.filter(
            Q(service__name__icontains=word)
            | Q(service__alternate_name__icontains=word)
            | Q(service__description__icontains=word)
            | Q(description__icontains=word)
            | Q(location__name__icontains=word)
        )
    if taxonomy_term_id is not None:
        terms = taxonomy_term_with_descendants(taxonomy_term_id)
        linked = _linked_to_terms(terms)
        queryset = queryset.filter(Q(service_id__in=linked) | Q(pk__in=linked))
    if taxonomy_id is not None:
        linked = _linked_to_taxonomy(taxonomy_id)
        queryset = queryset.filter(Q(service_id__in=linked) | Q(pk__in=linked))
    if organization_id is not None:
        queryset = queryset.filter(service__organization_id=organization_id)
    if modified_after is not None:
        queryset = queryset.filter(
            Q(service__last_modified__gte=modified_after)
            | Q(service__updated_at__gte=modified_after)
            | Q(updated_at__gte=modified_after)
        )
    if serving is not None:
        services = filter_services(models.Service.objects.all(), serving=serving)
        queryset = queryset.filter(service_id__in=services.values("pk"))
    return queryset


def filter_organizations(
    queryset: QuerySet[models.Organization],
    *,
    search: str = "",
    taxonomy_term_id: uuid.UUID | None = None,
    taxonomy_id: uuid.UUID | None = None,
) -> QuerySet[models.Organization]:
    for word in _words(search):
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(alternate_name__icontains=word)
            | Q(description__icontains=word)
        )
    public_services = public_service_queryset()
    if taxonomy_term_id is not None:
        linked = _linked_to_terms(taxonomy_term_with_descendants(taxonomy_term_id))
        queryset = queryset.filter(
            Q(pk__in=linked)
            | Q(pk__in=public_services.filter(pk__in=linked).values("organization_id"))
        )
    if taxonomy_id is not None:
        linked = _linked_to_taxonomy(taxonomy_id)
        queryset = queryset.filter(
            Q(pk__in=linked)
            | Q(pk__in=public_services.filter(pk__in=linked).values("organization_id"))
        )
    return queryset


def filter_taxonomy_terms(
    queryset: QuerySet[models.TaxonomyTerm],
    *,
    search: str = "",
    taxonomy_id: uuid.UUID | None = None,
    parent_id: uuid.UUID | None = None,
    top_only: bool = False,
) -> QuerySet[models.TaxonomyTerm]:
    for word in _words(search):
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(description__icontains=word) | Q(code__iexact=word)
        )
    if taxonomy_id is not None:
        queryset = queryset.filter(taxonomy_detail_id=taxonomy_id)
    if parent_id is not None:
        queryset = queryset.filter(parent_id=parent_id)
    if top_only:
        # HSDS: "terms that have no parent" — a parent outside the data set counts as none.
        known = models.TaxonomyTerm.objects.filter(pk=OuterRef("parent_id"))
        queryset = queryset.filter(Q(parent__isnull=True) | ~Exists(known))
    return queryset


def filter_taxonomies(
    queryset: QuerySet[models.Taxonomy], *, search: str = ""
) -> QuerySet[models.Taxonomy]:
    for word in _words(search):
        queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
    return queryset


# --- Single records ------------------------------------------------------------------


def public_service_get(service_id: uuid.UUID) -> models.Service | None:
    return public_service_queryset().filter(pk=service_id).first()


def public_organization_get(organization_id: uuid.UUID) -> models.Organization | None:
    return public_organization_queryset().filter(pk=organization_id).first()


def public_service_at_location_get(sal_id: uuid.UUID) -> models.ServiceAtLocation | None:
    return public_service_at_location_queryset().filter(pk=sal_id).first()
