"""The public, read-only HSDS 3.1 API under /api/hsds/ (django-ninja).

Paths, parameters and response shapes follow the HSDS OpenAPI file
(``hsds_schema/schema/openapi.json``); the PlainSight profile adds ``lat``/``lon``/
``radius`` proximity, a ``distance_km`` on results found by distance, and the profile
fields documented in ``docs/hsds-profile/``. Everything shown comes through
``selectors`` (what is public) and ``serializers`` (what a confidential location
withholds). The interactive documentation is a plain server-rendered page: no
third-party script, style or font is ever loaded.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from pydantic import Field, field_validator

from plainsight.directory import hsds, places, profile, selectors, serializers
from plainsight.directory.models import Organization, Service, ServiceAtLocation, TaxonomyTerm

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
# HSDS asks a minimal list to "aim to return all services within one call".
MAX_MINIMAL_PER_PAGE = 1000
MINIMAL_SERVICE_COLUMNS = ("id", "name", "status", "last_modified")
DEFAULT_RADIUS_M = 40_000


class ServerRenderedDocs(DocsBase):
    """API documentation as a plain HTML page built from the OpenAPI document."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_prefix=reverse("hsds:api-root"))
        operations = []
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "parameters": [
                            {
                                "name": parameter.get("name", ""),
                                "in": parameter.get("in", ""),
                                "description": parameter.get("description")
                                or parameter.get("schema", {}).get("description", ""),
                            }
                            for parameter in operation.get("parameters", [])
                        ],
                    }
                )
        context = {
            "operations": operations,
            "openapi_url": self.get_openapi_url(api, kwargs),
            "profile_url": reverse("hsds:profile-index"),
        }
        return render(request, "directory/api_docs.html", context)


class HSDSApi(NinjaAPI):
    """Publishes the HSDS object schemas as the responses' schemas in OpenAPI."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        root = kwargs.get("path_prefix") or reverse("hsds:api-root")
        for methods in schema["paths"].values():
            for operation in methods.values():
                target = RESPONSE_SCHEMAS.get(operation.get("operationId", ""))
                if not target:
                    continue
                name, paged = target
                item = {"$ref": f"{root}profile/schema/{name}.json"}
                content = (
                    {
                        "allOf": [{"$ref": "#/components/schemas/Page"}],
                        "properties": {"contents": {"type": "array", "items": item}},
                    }
                    if paged
                    else item
                )
                responses = operation.setdefault("responses", {})
                previous = responses.pop(200, None) or responses.pop("200", None) or {}
                responses["200"] = {
                    "description": previous.get("description") or "OK",
                    "content": {"application/json": {"schema": content}},
                }
                if paged:
                    responses["422"] = {"description": "Invalid parameters."}
                else:
                    responses["404"] = {"description": "Not found."}
        schema.setdefault("components", {}).setdefault("schemas", {})["Page"] = _page_schema()
        return schema


def _page_schema() -> dict[str, Any]:
    openapi = hsds.load_schema("openapi.json")
    page: dict[str, Any] = openapi["components"]["schemas"]["Page"]
    return page


api = HSDSApi(
    title="PlainSight HSDS API",
    version="3.1",
    description=(
        "Open Referral Human Services Data Specification 3.1 with the PlainSight profile. "
        "Read-only and public. Confidential (shelter) locations never include an address "
        "or coordinates."
    ),
    urls_namespace="hsds",
    docs=ServerRenderedDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

# operationId → (schema name, paginated)
RESPONSE_SCHEMAS: dict[str, tuple[str, bool]] = {
    "getPaginatedListOfServices": ("service", True),
    "getFullyNestedServiceById": ("service", False),
    "getPaginatedListOfServiceAtLocation": ("service_at_location", True),
    "getServiceAtLocationWithNestedDataById": ("service_at_location", False),
    "getPaginatedListOfOrganizations": ("organization", True),
    "getOrganizationById": ("organization", False),
    "getPaginatedListOfTaxonomies": ("taxonomy", True),
    "getTaxonomyById": ("taxonomy", False),
    "getPaginatedListOfTaxonomyTerms": ("taxonomy_term", True),
    "getTaxonomyTermById": ("taxonomy_term", False),
}


@api.exception_handler(ValidationError)
def _invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        name = location[-1] if location else ""
        if error.get("type") == "unknown_parameter":
            message = _("“%(parameter)s” is not a parameter of this list.")
        elif error.get("type") == "repeated_parameter":
            message = _("Give “%(parameter)s” only once.")
        else:
            message = _("The value of “%(parameter)s” is not valid.")
        problems.append({"parameter": name, "message": message % {"parameter": name}})
    return api.create_response(
        request, {"detail": _("Invalid parameters."), "errors": problems}, status=422
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


# --- Parameters ----------------------------------------------------------------------------


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Page number (from 1).")
    per_page: int = Field(
        DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE, description="Results per page (at most 100)."
    )
    format: str = Field("json", description="Only `json` is offered.")
    # No NUL character: no text holds one (PostgreSQL refuses it outright).
    search: str = Field(
        "",
        max_length=200,
        pattern=r"^[^\x00]*$",
        description=f"Words that must all appear (at most {selectors.MAX_SEARCH_WORDS}).",
    )

    @field_validator("search")
    @classmethod
    def _words_all_checked(cls, value: str) -> str:
        # Only so many words are checked: one more would be dropped, and a result
        # without it shown as if it had it.
        if len(value.split()) > selectors.MAX_SEARCH_WORDS:
            raise ValueError("too many words")
        return value


class ServiceFilterParams(PageParams):
    """The parameters of both service lists (``/service_at_locations`` takes these)."""

    taxonomy_term_id: uuid.UUID | None = Field(None, description="A term (or any below it).")
    taxonomy_id: uuid.UUID | None = Field(None, description="Any term of this taxonomy.")
    organization_id: uuid.UUID | None = Field(None, description="Services of this organization.")
    modified_after: dt.datetime | None = Field(
        None, description="Changed on or after this ISO 8601 date-time with its offset (Z…)."
    )
    full: bool = Field(False, description="Return fully nested records.")
    postcode: str = Field(
        "", max_length=10, description="A ZIP code: services whose service areas cover it."
    )
    proximity: int | None = Field(
        None, ge=1, le=1_000_000, description="Metres from the postcode's centroid (or lat/lon)."
    )
    lat: float | None = Field(None, ge=-90, le=90, description="Profile: latitude of a centre.")
    lon: float | None = Field(None, ge=-180, le=180, description="Profile: longitude.")
    radius: int | None = Field(
        None, ge=1, le=1_000_000, description="Profile: metres around lat/lon (default 40 km)."
    )

    @field_validator("modified_after", mode="before")
    @classmethod
    def _iso_date_time_with_offset(cls, value: object) -> object:
        """ISO 8601 only, with its UTC offset, and a moment the databases can hold.

        Pydantic alone would read "20240101" (an ISO 8601 date) as seconds since 1970,
        and take a time without an offset in the server's zone (a guess); a moment
        past year 9999 or before year 1 once in UTC made SQLite's adapter fail.
        """
        if not isinstance(value, str):
            return value
        moment = dt.datetime.fromisoformat(value)  # a ValueError is a 422
        if moment.utcoffset() is None:
            raise ValueError("no UTC offset")
        try:
            moment.astimezone(dt.UTC)
        except OverflowError:
            raise ValueError("out of range") from None
        return moment


class ServiceParams(ServiceFilterParams):
    per_page: int = Field(
        DEFAULT_PER_PAGE,
        ge=1,
        le=MAX_MINIMAL_PER_PAGE,
        description=f"Results per page (at most {MAX_PER_PAGE}; {MAX_MINIMAL_PER_PAGE} minimal).",
    )
    minimal: bool = Field(
        False,
        description="Each service's id and last_modified only (with its name and status,"
        " which HSDS requires): for synchronising.",
    )


class OrganizationParams(PageParams):
    taxonomy_term_id: uuid.UUID | None = Field(
        None, description="Organizations with this term, or with a service that has it."
    )
    taxonomy_id: uuid.UUID | None = Field(None, description="Any term of this taxonomy.")
    full: bool = Field(False, description="Return fully nested organizations.")
    full_service: bool = Field(False, description="Nest full services, not only their fields.")


class TaxonomyTermParams(PageParams):
    taxonomy_id: uuid.UUID | None = Field(None, description="Terms of this taxonomy.")
    parent_id: uuid.UUID | None = Field(None, description="Terms directly below this one.")
    top_only: bool = Field(False, description="Only terms without a parent.")


def _check_query(request: HttpRequest, params: PageParams) -> None:
    """Refuse what would otherwise be ignored: a parameter this list does not take (a
    misspelt filter would answer for the whole directory), and one given twice (only
    its last value would count)."""
    errors = []
    for name, values in request.GET.lists():
        if name not in type(params).model_fields:
            errors.append({"loc": ("query", name), "type": "unknown_parameter"})
        elif len(values) > 1:
            errors.append({"loc": ("query", name), "type": "repeated_parameter"})
    if errors:
        raise ValidationError(errors)


def _check_service_shape(params: ServiceParams) -> None:
    """``minimal`` and ``full`` ask for opposite shapes; only a minimal list is long."""
    if params.minimal and params.full:
        raise ValidationError([{"loc": ("query", "minimal"), "type": "value_error"}])
    if not params.minimal and params.per_page > MAX_PER_PAGE:
        raise ValidationError([{"loc": ("query", "per_page"), "type": "value_error"}])


def _minimal(rows: list[Service]) -> list[dict[str, Any]]:
    columns = [c for c in hsds.spec("service").columns if c.name in MINIMAL_SERVICE_COLUMNS]
    return [
        {
            column.name: value
            for column in columns
            if (value := hsds.to_json_value(column, getattr(row, column.attname))) is not None
        }
        for row in rows
    ]


def _check_format(params: PageParams) -> None:
    if params.format.lower() != "json":
        raise HttpError(400, _("Only the json format is offered."))


def _page(params: PageParams, total: int, contents: list[dict[str, Any]]) -> dict[str, Any]:
    total_pages = math.ceil(total / params.per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": params.page,
        "size": len(contents),
        "first_page": params.page == 1,
        "last_page": params.page >= total_pages,
        "empty": len(contents) == 0,
        "contents": contents,
    }


def _slice(params: PageParams) -> slice:
    start = (params.page - 1) * params.per_page
    return slice(start, start + params.per_page)


def _page_ids(queryset: Any, order: tuple[str, ...], params: PageParams) -> selectors.IdPage:
    return selectors.page_of(
        queryset,
        order,
        offset=(params.page - 1) * params.per_page,
        limit=params.per_page,
        # A search's matches come from its index, unsorted: counted while sorted.
        sorted_anyway=selectors.narrows(search=params.search),
    )


def _rows(model: type[Any], ids: list[uuid.UUID]) -> list[Any]:
    """The page's rows, in the page's order (one query by primary key)."""
    if not ids:
        return []
    rows = model._default_manager.filter(pk__in=ids)
    related = _RELATED.get(model.__name__, ())
    if related:
        rows = rows.select_related(*related)
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


_RELATED = {
    "Service": ("organization", "program"),
    "ServiceAtLocation": ("service", "location"),
    "TaxonomyTerm": ("taxonomy_detail",),
}


def _near(params: ServiceFilterParams) -> tuple[selectors.Near | None, places.Place | None]:
    """The circle to search in, and the place whose service areas must cover it."""
    serving = None
    radius_m = params.radius or params.proximity
    if params.postcode:
        serving = places.zip_centroid(params.postcode)
        if serving is None:
            raise HttpError(422, _("This ZIP code is not known."))
    if (params.lat is None) != (params.lon is None):
        raise HttpError(422, _("Give both lat and lon."))
    # A distance from nowhere would be ignored, and the whole list answer for a circle.
    if params.radius and params.lat is None:
        raise HttpError(422, _("Give lat and lon with radius."))
    if params.proximity and params.lat is None and serving is None:
        raise HttpError(422, _("Give a postcode, or lat and lon, with proximity."))
    if params.lat is not None and params.lon is not None:
        return (
            selectors.Near(params.lat, params.lon, (radius_m or DEFAULT_RADIUS_M) / 1000),
            serving,
        )
    if serving is not None and params.proximity:
        return selectors.Near(serving.latitude, serving.longitude, params.proximity / 1000), serving
    return None, serving


def _service_filters(params: ServiceFilterParams, serving: places.Place | None) -> dict[str, Any]:
    return {
        "search": params.search,
        "taxonomy_term_id": params.taxonomy_term_id,
        "taxonomy_id": params.taxonomy_id,
        "organization_id": params.organization_id,
        "modified_after": params.modified_after,
        "serving": serving,
    }


# --- Endpoints ---------------------------------------------------------------------------------


@api.get(
    "/",
    url_name="api-root",
    operation_id="getAPIMetaInformation",
    summary=("Information about this API and its relationship with HSDS."),
)
def api_root(request: HttpRequest) -> dict[str, Any]:
    return {
        "version": hsds.HSDS_VERSION,
        "profile": request.build_absolute_uri(reverse("hsds:profile-index")),
        "openapi_url": request.build_absolute_uri(reverse("hsds:openapi-json")),
    }


@api.get(
    "/services",
    operation_id="getPaginatedListOfServices",
    summary="Paginated list of services (fully nested with full=true).",
)
def services_list(request: HttpRequest, params: Query[ServiceParams]) -> dict[str, Any]:
    _check_query(request, params)
    _check_format(params)
    _check_service_shape(params)
    near, serving = _near(params)
    filters = _service_filters(params, serving)
    queryset = selectors.filter_services(selectors.public_service_queryset(), **filters)
    offset = (params.page - 1) * params.per_page
    if near is not None:
        page = selectors.services_near_page(
            near,
            queryset if selectors.narrows(**filters) else None,
            offset=offset,
            limit=params.per_page,
        )
    else:
        page = _page_ids(queryset, ("name", "id"), params)
    total = page.total
    if params.minimal:
        page_rows = Service.objects.filter(pk__in=page.ids).only(*MINIMAL_SERVICE_COLUMNS)
        by_id = {row.pk: row for row in page_rows}
        return _page(params, total, _minimal([by_id[pk] for pk in page.ids if pk in by_id]))
    rows: list[Service] = _rows(Service, page.ids)
    if params.full:
        graph = serializers.load_graph(service_ids=[s.pk for s in rows])
        instances = [graph.rows["service"][s.pk] for s in rows]
    else:
        graph = serializers.basic_graph_for_services(rows)
        instances = list(rows)
    contents = [
        serializers.render("service", instance, graph, full=params.full) for instance in instances
    ]
    if near is not None:
        for document, row in zip(contents, rows, strict=True):
            document["distance_km"] = selectors.distance_km_from_sq(page.distance_sq.get(row.pk))
    return _page(params, total, contents)


@api.get(
    "/services/{id}",
    operation_id="getFullyNestedServiceById",
    summary="A fully nested service.",
)
def service_detail(request: HttpRequest, id: uuid.UUID) -> dict[str, Any]:
    service = selectors.public_service_get(id)
    if service is None:
        raise Http404
    graph = serializers.load_graph(service_ids=[service.pk])
    return serializers.render("service", graph.rows["service"][service.pk], graph, full=True)


@api.get(
    "/service_at_locations",
    operation_id="getPaginatedListOfServiceAtLocation",
    summary="Paginated list of services at locations.",
)
def service_at_locations_list(
    request: HttpRequest, params: Query[ServiceFilterParams]
) -> dict[str, Any]:
    _check_query(request, params)
    _check_format(params)
    near, serving = _near(params)
    filters = _service_filters(params, serving)
    queryset = selectors.filter_service_at_locations(
        selectors.public_service_at_location_queryset(), **filters, few_rows=near is not None
    )
    offset = (params.page - 1) * params.per_page
    if near is not None:
        page = selectors.service_at_locations_near_page(
            queryset, near, offset=offset, limit=params.per_page
        )
    elif selectors.narrows(search=params.search):
        page = _page_ids(queryset, ("service__name", "id"), params)
    else:
        page = selectors.service_at_locations_page(
            queryset, narrowed=selectors.narrows(**filters), offset=offset, limit=params.per_page
        )
    total = page.total
    rows: list[ServiceAtLocation] = _rows(ServiceAtLocation, page.ids)
    if params.full:
        graph = serializers.load_graph(service_at_location_ids=[s.pk for s in rows])
    else:
        graph = serializers.basic_graph_for_service_at_locations(rows)
    contents = []
    for row in rows:
        document = serializers.render(
            "service_at_location",
            graph.rows["service_at_location"][row.pk],
            graph,
            full=params.full,
        )
        if near is not None:
            document["distance_km"] = selectors.distance_km_from_sq(page.distance_sq.get(row.pk))
        contents.append(document)
    return _page(params, total, contents)


@api.get(
    "/service_at_locations/{id}",
    operation_id="getServiceAtLocationWithNestedDataById",
    summary="A fully nested service at a location.",
)
def service_at_location_detail(request: HttpRequest, id: uuid.UUID) -> dict[str, Any]:
    sal = selectors.public_service_at_location_get(id)
    if sal is None:
        raise Http404
    graph = serializers.load_graph(service_at_location_ids=[sal.pk])
    return serializers.render(
        "service_at_location", graph.rows["service_at_location"][sal.pk], graph
    )


def _organization_documents(
    rows: list[Any], *, full: bool, full_service: bool
) -> list[dict[str, Any]]:
    if not full:
        graph = serializers.Graph()
        graph.add("organization", rows)
        return serializers.render_rows("organization", rows, graph, full=False)
    public = selectors.public_service_queryset()
    graph = serializers.load_graph(
        organization_ids=[o.pk for o in rows],
        services_of_organizations=public if full_service else None,
    )
    if not full_service:
        # HSDS: the services array "could only contain the service.id" — one-to-one fields.
        basic = list(public.filter(organization_id__in=[o.pk for o in rows]))
        documents = []
        for row in rows:
            document = serializers.render("organization", graph.rows["organization"][row.pk], graph)
            document["services"] = [
                serializers.render(
                    "service", s, graph, full=False, skip=frozenset({"organization"})
                )
                for s in basic
                if s.organization_id == row.pk
            ]
            documents.append(document)
        return documents
    return [
        serializers.render("organization", graph.rows["organization"][row.pk], graph)
        for row in rows
    ]


@api.get(
    "/organizations",
    operation_id="getPaginatedListOfOrganizations",
    summary="Paginated list of organizations.",
)
def organizations_list(request: HttpRequest, params: Query[OrganizationParams]) -> dict[str, Any]:
    _check_query(request, params)
    _check_format(params)
    queryset = selectors.filter_organizations(
        selectors.public_organization_queryset(),
        search=params.search,
        taxonomy_term_id=params.taxonomy_term_id,
        taxonomy_id=params.taxonomy_id,
    )
    page = selectors.page_of(
        queryset,
        ("name", "id"),
        offset=(params.page - 1) * params.per_page,
        limit=params.per_page,
        # Narrowed, the organizations come as a set, to be sorted: counted meanwhile.
        sorted_anyway=bool(
            selectors.narrows(search=params.search) or params.taxonomy_term_id or params.taxonomy_id
        ),
    )
    rows = _rows(Organization, page.ids)
    contents = _organization_documents(rows, full=params.full, full_service=params.full_service)
    return _page(params, page.total, contents)


@api.get(
    "/organizations/{id}",
    operation_id="getOrganizationById",
    summary="A fully nested organization.",
)
def organization_detail(
    request: HttpRequest, id: uuid.UUID, full_service: bool = False
) -> dict[str, Any]:
    organization = selectors.public_organization_get(id)
    if organization is None:
        raise Http404
    return _organization_documents([organization], full=True, full_service=full_service)[0]


@api.get(
    "/taxonomies",
    operation_id="getPaginatedListOfTaxonomies",
    summary="Paginated list of taxonomies.",
)
def taxonomies_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    _check_query(request, params)
    _check_format(params)
    queryset = selectors.filter_taxonomies(
        selectors.public_taxonomy_queryset(), search=params.search
    ).order_by("name", "id")
    total = queryset.count()
    rows = list(queryset[_slice(params)])
    graph = serializers.Graph()
    graph.add("taxonomy", rows)
    return _page(params, total, serializers.render_rows("taxonomy", rows, graph, full=False))


@api.get("/taxonomies/{id}", operation_id="getTaxonomyById", summary="A taxonomy.")
def taxonomy_detail(request: HttpRequest, id: uuid.UUID) -> dict[str, Any]:
    taxonomy = selectors.public_taxonomy_queryset().filter(pk=id).first()
    if taxonomy is None:
        raise Http404
    graph = serializers.Graph()
    graph.add("taxonomy", [taxonomy])
    return serializers.render("taxonomy", taxonomy, graph, full=False)


@api.get(
    "/taxonomy_terms",
    operation_id="getPaginatedListOfTaxonomyTerms",
    summary="Paginated list of taxonomy terms.",
)
def taxonomy_terms_list(request: HttpRequest, params: Query[TaxonomyTermParams]) -> dict[str, Any]:
    _check_query(request, params)
    _check_format(params)
    queryset = selectors.filter_taxonomy_terms(
        selectors.public_taxonomy_term_queryset(),
        search=params.search,
        taxonomy_id=params.taxonomy_id,
        parent_id=params.parent_id,
        top_only=params.top_only,
    )
    page = _page_ids(queryset, ("name", "id"), params)
    rows = _rows(TaxonomyTerm, page.ids)
    graph = serializers.Graph()
    graph.add("taxonomy_term", rows)
    graph.add("taxonomy", [t.taxonomy_detail for t in rows if t.taxonomy_detail is not None])
    return _page(
        params, page.total, serializers.render_rows("taxonomy_term", rows, graph, full=False)
    )


@api.get("/taxonomy_terms/{id}", operation_id="getTaxonomyTermById", summary="A taxonomy term.")
def taxonomy_term_detail(request: HttpRequest, id: uuid.UUID) -> dict[str, Any]:
    term = selectors.public_taxonomy_term_queryset().filter(pk=id).first()
    if term is None:
        raise Http404
    graph = serializers.load_taxonomy_graph(term_ids=[term.pk])
    return serializers.render("taxonomy_term", graph.rows["taxonomy_term"][term.pk], graph)


# --- The profile, published ------------------------------------------------------------------


@api.get("/profile/", url_name="profile-index", include_in_schema=False)
def profile_index(request: HttpRequest) -> dict[str, Any]:
    def absolute(name: str, kind: str) -> str:
        return request.build_absolute_uri(
            reverse("hsds:profile-schema", kwargs={"kind": kind, "name": name})
        )

    return {
        "name": "PlainSight HSDS profile",
        "hsds_version": hsds.HSDS_VERSION,
        "documentation": request.build_absolute_uri(reverse("hsds:openapi-view")),
        "patches": {
            name: absolute(name.removesuffix(".json"), "patch")
            for name in profile.schema_files()
            if profile.patch_for(name)
        },
        "schemas": {
            name: absolute(name.removesuffix(".json"), "schema") for name in profile.schema_files()
        },
        "license": "CC BY-SA 4.0 (HSDS schemas © Open Referral; profile adaptation by PlainSight)",
    }


@api.get("/profile/{kind}/{name}.json", url_name="profile-schema", include_in_schema=False)
def profile_schema(request: HttpRequest, kind: str, name: str) -> HttpResponse:
    """``schema``: an HSDS schema with the profile applied; ``patch``: the merge patch."""
    file_name = f"{name}.json"
    if file_name not in profile.schema_files() or kind not in {"schema", "patch"}:
        raise Http404
    body = profile.patched_schema(file_name) if kind == "schema" else profile.patch_for(file_name)
    if kind == "patch" and not body:
        raise Http404
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
