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
in ``serializers.py``; this module builds the querysets, and reads pages of ids from
them in ways that stay quick on a directory of 100,000 services (see ``page_of``,
``service_at_locations_page``, ``services_near_page`` and ``substring``).
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL

from plainsight.directory import models, places, substring

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PUBLIC_SERVICE_STATUSES = models.PUBLIC_SERVICE_STATUSES
MAX_RADIUS_KM = 1000.0


@dataclass(frozen=True)
class Near:
    """A circle to search in: centre in WGS84 degrees, radius in kilometres."""

    latitude: float
    longitude: float
    radius_km: float


@dataclass(frozen=True)
class IdPage:
    """One page of a list: ids in order, how many match in all, and for a list by
    distance the squared distance of each (in degrees of latitude, squared)."""

    ids: list[uuid.UUID]
    total: int
    distance_sq: dict[uuid.UUID, float] = field(default_factory=dict)


def page_of(
    queryset: QuerySet[Any],
    order: tuple[str, ...],
    *,
    offset: int,
    limit: int,
    sorted_anyway: bool = False,
) -> IdPage:
    """One page of ids in ``order`` (which must end with a unique column), and the count.

    Only ids are sorted and sliced (the indexes on the sort columns carry them); the
    wide rows are read afterwards for the page alone. A list read in index order
    stops after its page, so its count is a query of its own; when the database has
    to gather and sort every match anyway (``sorted_anyway``: a search's few matches),
    the count comes with the page (``COUNT(*) OVER ()``), in one pass instead of two.
    """
    if sorted_anyway:
        rows = list(
            queryset.annotate(page_total=Window(Count("*")))
            .order_by(*order)
            .values_list("pk", "page_total")[offset : offset + limit]
        )
        if rows:
            return IdPage(ids=[pk for pk, _total in rows], total=rows[0][1])
        return IdPage(ids=[], total=queryset.count() if offset else 0)
    total = queryset.count()
    if offset >= total:
        return IdPage(ids=[], total=total)
    ids = list(queryset.order_by(*order).values_list("pk", flat=True)[offset : offset + limit])
    return IdPage(ids=ids, total=total)


# --- Base querysets ----------------------------------------------------------------------


def public_service_queryset() -> QuerySet[models.Service]:
    """Services the public may see, with their organization and program joined."""
    return models.Service.objects.filter(status__in=PUBLIC_SERVICE_STATUSES).select_related(
        "organization", "program"
    )


def public_organization_queryset() -> QuerySet[models.Organization]:
    return models.Organization.objects.all()


def public_service_at_location_queryset() -> QuerySet[models.ServiceAtLocation]:
    """Services at locations of public services.

    Written as "not at one of the few withheld services" rather than as a join on the
    service's status: the same rows (every service has a status), but a count or a
    filter then reads the services at locations alone, with the withheld services'
    ids as one small set, instead of looking up a service for each of them.
    """
    return models.ServiceAtLocation.objects.exclude(
        service_id__in=_withheld_service_ids()
    ).select_related("service", "location")


def _withheld_service_ids() -> RawSQL:
    """Ids of the services the public may not see, read from the partial index of them.

    The statuses are written into the SQL: SQLite uses a partial index only where it
    sees, when it prepares the statement, that the query implies the index's condition,
    and bound parameters hide their values (it then read every service: 12 ms a list at
    100,000 services, twice per request). They are this module's constants.
    """
    if not all(status.replace(" ", "").isalpha() for status in PUBLIC_SERVICE_STATUSES):
        raise ValueError("service statuses must be plain words to be written into SQL")
    statuses = ", ".join(f"'{status}'" for status in PUBLIC_SERVICE_STATUSES)
    return RawSQL(  # noqa: S611 - constants only
        f'SELECT "id" FROM "directory_service" WHERE NOT ("status" IN ({statuses}))',  # noqa: S608
        (),
    )


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


# Each word is one more condition; the API refuses a search of more.
MAX_SEARCH_WORDS = 10


def _words(search: str) -> list[str]:
    return [word for word in search.split() if word][:MAX_SEARCH_WORDS]


SERVICE_SEARCHED = ("name", "alternate_name", "description")


def _matching(model: type[Any], word: str, columns: tuple[str, ...]) -> Any:
    """Ids of ``model`` rows with ``word`` inside one of ``columns``, in any letter case
    (``icontains``): through the substring indexes when they can tell."""
    found = substring.containing(model, word, columns)
    if found is not None:
        return found
    condition = Q()
    for column in columns:
        condition |= Q(**{f"{column}__icontains": word})
    return model._default_manager.filter(condition).order_by().values("pk")


# --- Service filters -------------------------------------------------------------------


def narrows(
    *,
    search: str = "",
    taxonomy_term_id: uuid.UUID | None = None,
    taxonomy_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    modified_after: dt.datetime | None = None,
    serving: places.Place | None = None,
) -> bool:
    """Whether these filters (as ``filter_services`` takes them) leave anything out."""
    return bool(_words(search)) or any(
        value is not None
        for value in (taxonomy_term_id, taxonomy_id, organization_id, modified_after, serving)
    )


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
        if substring.usable(word):
            # The same rows as below, found through the substring indexes.
            services = models.Service.objects
            own = services.filter(pk__in=_matching(models.Service, word, SERVICE_SEARCHED))
            by_organization = services.filter(
                organization_id__in=_matching(models.Organization, word, ("name",))
            )
            queryset = queryset.filter(
                pk__in=own.values("pk").union(by_organization.values("pk"), all=True)
            )
            continue
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
        if _mostly_changed_since(modified_after):
            queryset = queryset.exclude(pk__in=_unchanged_services(modified_after))
        else:
            queryset = queryset.filter(
                Q(last_modified__gte=modified_after) | Q(updated_at__gte=modified_after)
            )
    if serving is not None:
        queryset = queryset.filter(services_serving_place_q(serving))
    return queryset


def _mostly_changed_since(moment: dt.datetime) -> bool:
    """Whether most services changed on or after ``moment`` (two counts read from the
    ``(…, id)`` indexes alone).

    "Changed since" is then asked as "not among the few unchanged": either way the
    set the database builds and tests rows against is the small one. (SQLite, which
    has no statistics of value ranges, would otherwise look up every changed service
    by its index — slower than reading them all — when a consumer asks for
    everything changed since its first, long-past synchronisation.)
    """
    services = models.Service.objects
    largest = max(
        services.filter(updated_at__gte=moment).count(),
        services.filter(last_modified__gte=moment).count(),
    )
    return largest * 2 > services.count()


def _unchanged_services(moment: dt.datetime) -> QuerySet[models.Service, Any]:
    """Services neither changed at the source nor here since ``moment``: exactly those
    that ``last_modified >= moment OR updated_at >= moment`` leaves out."""
    return models.Service.objects.filter(
        Q(last_modified__isnull=True) | Q(last_modified__lt=moment), updated_at__lt=moment
    ).values("pk")


def services_serving_place_q(place: places.Place) -> Q:
    """Services whose structured service areas cover the place (ZIP or city).

    Services that state no structured area at all are kept, as HSDS's ``postcode``
    filter asks ("if service_area is available…"). The areas covering a place are
    few: one set of their services, from the ``(area_type, area_code, …)`` index.
    "States no area" is asked of each service through the ``(service, area_type)``
    indexes on SQLite, not as "not among the services that state one" — a set of
    nearly every service, which a page or a count by distance would have to build
    first.
    """
    covering = models.ServiceArea.objects.filter(_plain_area_q(place))
    structured = models.ServiceArea.objects.filter(area_type__in=models.AreaType.values)
    serves = Q(pk__in=covering.filter(service__isnull=False).values("service_id")) | Q(
        pk__in=covering.filter(service_at_location__isnull=False).values(
            "service_at_location__service_id"
        )
    )
    if connection.vendor != "sqlite":
        # PostgreSQL hashes the set of services stating an area once, and runs a
        # correlated EXISTS under an OR row by row: there the set is quicker.
        return serves | ~(
            Q(pk__in=structured.filter(service__isnull=False).values("service_id"))
            | Q(
                pk__in=structured.filter(service_at_location__isnull=False).values(
                    "service_at_location__service_id"
                )
            )
        )
    return serves | (
        ~Exists(structured.filter(service_id=OuterRef("pk")))
        & ~Exists(structured.filter(service_at_location__service_id=OuterRef("pk")))
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


class _Distance(TypedDict):
    distance_sq: float


def _in_circle(
    queryset: QuerySet[models.ServiceAtLocation], near: Near
) -> QuerySet[WithAnnotations[models.ServiceAtLocation, _Distance]]:
    """Those at public locations inside the circle, with ``distance_sq``.

    Read from the ``(latitude, longitude, …)`` index: the box first, the exact radius
    on what it returns. Confidential locations take no part.
    """
    return (
        queryset.filter(public_location_q("location__"), _box_q(near, "location__"))
        .annotate(distance_sq=_distance_sq(near, "location__"))
        .filter(distance_sq__lte=_radius_sq(near))
    )


def services_near_page(
    near: Near,
    services: QuerySet[models.Service] | None,
    *,
    offset: int,
    limit: int,
) -> IdPage:
    """Public services with a public location inside the circle, nearest first (then
    by name and id): a page of ids, each with the squared distance of its nearest
    location (see ``distance_km_from_sq``), and how many there are in all.

    ``services``: only these (filtered public services); None for every public one,
    which spares the database the set of public services.
    """
    sals = public_service_at_location_queryset().select_related(None)
    if services is not None:
        sals = sals.filter(_among_services(services))
    circle = _in_circle(sals, near)
    # One row per service: its nearest location; the total comes in the same pass.
    ranked = (
        circle.values("service_id")
        .annotate(nearest=Min("distance_sq"), total=Window(Count("*")))
        .order_by("nearest", "service_id")
        .values_list("service_id", "nearest", "total")
    )
    return _nearest_page(
        ranked,
        offset=offset,
        limit=limit,
        at_distance=lambda d: circle.filter(distance_sq=d).values_list("service_id", flat=True),
        tie_order=lambda ids: models.Service.objects.filter(pk__in=ids).order_by("name", "id"),
    )


def service_at_locations_page(
    queryset: QuerySet[models.ServiceAtLocation], *, narrowed: bool, offset: int, limit: int
) -> IdPage:
    """A page of services at locations by their service's name, then id, and the count.

    The order comes from another table, so the database either walks the services in
    name order (by the name index) and takes each one's rows until the page is full,
    or gathers every row and sorts them. The planners pick the sort even for a near
    page of the whole list (97,000 rows sorted for 50; SQLite gives no weight to
    stopping early, PostgreSQL misjudges how many rows "not withheld" keeps), so the
    walk is written out when it reads fewer rows than the sort: SQLite keeps the
    order of a CROSS JOIN, PostgreSQL loops over a LATERAL subquery it may not
    flatten (OFFSET 0). SQLite sorts slowly enough to walk even to the last page.
    """
    rows = models.ServiceAtLocation.objects
    if narrowed:
        total = queryset.count()
    else:
        # Every public one: all rows but the few of withheld services (counting those
        # is quicker than testing every row against them).
        total = rows.count() - rows.filter(service_id__in=_withheld_service_ids()).count()
    if offset >= total:
        return IdPage(ids=[], total=total)
    # A walk reads about (offset + limit) * everything / total rows; a sort, total.
    sqlite = connection.vendor == "sqlite"
    if sqlite and not narrowed:
        walk = True
    else:
        everything = rows.count() if narrowed else total
        walk = (offset + limit) * everything * (1 if sqlite else 4) <= total * total
    if not walk:
        ordered = queryset.order_by("service__name", "id").values_list("pk", flat=True)
        return IdPage(ids=list(ordered[offset : offset + limit]), total=total)
    where = ""
    params: list[Any] = [*PUBLIC_SERVICE_STATUSES]
    if narrowed and sqlite:
        # The narrowing filters, asked of each row walked past (correlated).
        exists_sql, exists_params = (
            queryset.order_by()
            .filter(pk=RawSQL('sal."id"', ()))
            .values("pk")
            .query.sql_with_params()
        )
        where = f" AND EXISTS ({exists_sql})"
        params += exists_params
    elif narrowed:
        # The narrowed rows as one set, built once into a hash (as in _among_services:
        # a correlated EXISTS would rerun its subqueries for every row walked past).
        subquery, sub_params = queryset.order_by().values("pk").query.sql_with_params()
        where = f' AND (sal."id" IN ({subquery})) IS TRUE'
        params += sub_params
    if sqlite:
        rows_of_service = (
            'CROSS JOIN "directory_serviceatlocation" sal ON sal."service_id" = s."id"'
        )
    else:
        rows_of_service = (
            'CROSS JOIN LATERAL (SELECT u."id" FROM "directory_serviceatlocation" u'
            ' WHERE u."service_id" = s."id" OFFSET 0) sal'
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT sal."id" FROM "directory_service" s {rows_of_service}'  # noqa: S608
            f' WHERE s."status" IN ({", ".join(["%s"] * len(PUBLIC_SERVICE_STATUSES))}){where}'
            ' ORDER BY s."name", sal."id" LIMIT %s OFFSET %s',
            [*params, limit, offset],
        )
        ids = [row[0] if isinstance(row[0], uuid.UUID) else uuid.UUID(row[0]) for row in cursor]
    return IdPage(ids=ids, total=total)


class _IsTrue(Func):
    template = "(%(expressions)s) IS TRUE"
    output_field = BooleanField()


def _among_services(services: QuerySet[models.Service]) -> Any:
    """A condition on services at locations: their service is one of ``services``.

    SQLite asks it of each row met (correlated EXISTS), rather than first building the
    set of filtered services for the whole directory. PostgreSQL would flatten either
    form into its join and, for a small circle it takes for one row, run a search's
    index scans again for every location in it (seconds); ``IS TRUE`` keeps the
    subquery apart, run once into a hash. (The same rows either way: a NULL is false
    in a WHERE clause.)
    """
    if connection.vendor == "sqlite":
        return Exists(services.filter(pk=OuterRef("service_id")))
    return _IsTrue(
        ExpressionWrapper(Q(service_id__in=services.values("pk")), output_field=BooleanField())
    )


def service_at_locations_near_page(
    queryset: QuerySet[models.ServiceAtLocation], near: Near, *, offset: int, limit: int
) -> IdPage:
    """Services at public locations inside the circle, nearest first (then by the
    service's name and the id)."""
    circle = _in_circle(queryset.select_related(None), near)
    ranked = (
        circle.annotate(total=Window(Count("*")))
        .order_by("distance_sq", "id")
        .values_list("pk", "distance_sq", "total")
    )
    return _nearest_page(
        ranked,
        offset=offset,
        limit=limit,
        at_distance=lambda d: circle.filter(distance_sq=d).values_list("pk", flat=True),
        tie_order=lambda ids: models.ServiceAtLocation.objects.filter(pk__in=ids).order_by(
            "service__name", "id"
        ),
    )


def _nearest_page(
    ranked: QuerySet[Any, tuple[uuid.UUID, float, int]],
    *,
    offset: int,
    limit: int,
    at_distance: Callable[[float], Iterable[uuid.UUID]],
    tie_order: Callable[[list[uuid.UUID]], QuerySet[Any]],
) -> IdPage:
    """A page of ids by distance, ties in the order ``tie_order`` gives (by name then id).

    ``ranked`` gives (id, squared distance, total) rows sorted by distance and id only:
    sorting by name too would look up a service for every row of the circle (tens of
    thousands in a city), when only ids at exactly the same distance (services sharing
    an address) need it. Those few are ordered by the database itself, in one query,
    so names compare with its collation as a plain ``ORDER BY`` would.
    """
    wanted = offset + limit
    # From the first row on: a page's place depends on every tie before it. (Pages
    # far down a list by distance are rare; the circle is read whole in any case.)
    rows = list(ranked[: wanted + 1])
    if not rows:
        return IdPage(ids=[], total=0)
    total = rows[0][2]
    nearest = {key: distance for key, distance, _total in rows}
    keys = list(nearest)
    if len(keys) > wanted and nearest[keys[wanted]] == nearest[keys[wanted - 1]]:
        # More ids at the page's last distance may come after the rows read.
        boundary = nearest[keys[wanted - 1]]
        for key in at_distance(boundary):
            nearest.setdefault(key, boundary)
        keys = sorted(nearest, key=lambda key: (nearest[key], key))
    shown = {nearest[key] for key in keys[offset:wanted]}
    tied: dict[float, list[uuid.UUID]] = {}
    for key in keys:
        if nearest[key] in shown:
            tied.setdefault(nearest[key], []).append(key)
    ties = [key for group in tied.values() if len(group) > 1 for key in group]
    if ties:
        rank = {key: i for i, key in enumerate(tie_order(ties).values_list("pk", flat=True))}
        keys.sort(key=lambda key: (nearest[key], rank.get(key, -1)))
    ids = keys[offset:wanted]
    return IdPage(ids=ids, total=total, distance_sq={key: nearest[key] for key in ids})


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
    few_rows: bool = False,
) -> QuerySet[models.ServiceAtLocation]:
    """As ``filter_services``. ``few_rows``: the rows will be few (a circle by
    distance), so ask each row's service whether it serves the place, instead of
    first listing every service that does."""
    for word in _words(search):
        if substring.usable(word):
            # The same rows as below, found through the substring indexes.
            sals = models.ServiceAtLocation.objects
            parts = [
                sals.filter(pk__in=_matching(models.ServiceAtLocation, word, ("description",))),
                sals.filter(service_id__in=_matching(models.Service, word, SERVICE_SEARCHED)),
                sals.filter(location_id__in=_matching(models.Location, word, ("name",))),
            ]
            queryset = queryset.filter(
                pk__in=parts[0].values("pk").union(*(p.values("pk") for p in parts[1:]), all=True)
            )
            continue
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
    # Conditions on the service are memberships in a set of services, not a join:
    # each row is then checked without reading its service's (wide) row.
    services = models.Service.objects
    if organization_id is not None:
        queryset = queryset.filter(
            service_id__in=services.filter(organization_id=organization_id).values("pk")
        )
    if modified_after is not None:
        if _mostly_changed_since(modified_after):
            queryset = queryset.exclude(
                Q(service_id__in=_unchanged_services(modified_after))
                & Q(updated_at__lt=modified_after)
            )
        else:
            # Two sets from the (…, id) indexes (an OR would read each service's row).
            changed = (
                services.filter(last_modified__gte=modified_after)
                .values("pk")
                .union(services.filter(updated_at__gte=modified_after).values("pk"), all=True)
            )
            queryset = queryset.filter(
                Q(service_id__in=changed) | Q(updated_at__gte=modified_after)
            )
    if serving is not None:
        serving_services = filter_services(models.Service.objects.all(), serving=serving)
        if few_rows:
            queryset = queryset.filter(_among_services(serving_services))
        else:
            queryset = queryset.filter(service_id__in=serving_services.values("pk"))
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
            pk__in=_matching(models.Organization, word, ("name", "alternate_name", "description"))
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
    # One row: its service's status is read directly (see the list's queryset).
    return (
        models.ServiceAtLocation.objects.filter(
            pk=sal_id, service__status__in=PUBLIC_SERVICE_STATUSES
        )
        .select_related("service", "location")
        .first()
    )
