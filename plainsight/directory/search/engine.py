"""The search: one SQL query over the index, the same on SQLite and PostgreSQL.

Plan of the query, for a typical search (words + distance + two filters):

1. the database's full-text index gives the documents having, for every word, one of
   its tokens (its stems, its everyday synonyms' concept, or a typing correction), plus
   one token of each code filter (category, language, "serves my area");
2. a distance search adds the grid cells of its search box to that full-text query
   (see ``geo``), so the same index narrows by place; the ``(band, longitude)`` columns
   and the exact radius are then checked on what it returns (equirectangular
   distance: exact to a fraction of a percent at these radii);
3. yes/no filters are bits of ``flags``; age is a range; "open now" looks for an
   opening rule of the document valid at this moment in its own time zone;
4. relevance is computed only for what is left, in portable SQL: for each word, the
   best of its tokens, weighted by where it occurs (name > category > organization >
   text) and by how rare it is; ties go to the nearer, then to the name.

``COUNT(*) OVER ()`` gives the total in the same pass. If every word together finds
nothing, the search runs again with any word, and says so.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection
from django.utils import timezone

from plainsight.directory.search import bulk, fts, geo, hours
from plainsight.directory.search.documents import FLAG_TOKENS, category_token, language_token
from plainsight.directory.search.models import (
    INDEX_FORMAT,
    FacetKind,
    Flag,
)
from plainsight.directory.search.places import Place
from plainsight.directory.search.query import (
    FIELD_WEIGHTS,
    AnalyzedQuery,
    ResolvedQuery,
    analyze,
    resolve,
)

logger = logging.getLogger(__name__)

MILES_PER_DEGREE_LATITUDE = 69.05
MILES_PER_DEGREE_LONGITUDE_AT_EQUATOR = 69.17
EARTH_RADIUS_MILES = 3958.8
MAX_PAGES = 50
# A relevance-ordered distance search expected to rank at most this many listings
# reads them in one query; more, and reading outward ring by ring (which can stop
# early) costs less. Measured with bench.directory_search at 100,000 listings, limits
# of 1,000 to 6,000 tried alternately: 2,500 was the fastest on both databases once
# the count held small rows (1,000 before, when ranking a listing cost more).
ONE_QUERY_MATCHES = 2500
# A yes/no or open-now filter held by more than this share of the listings is left to
# the row conditions (which decide it exactly anyway): intersecting its long posting
# list in the full-text index costs more than it saves (bench.directory_search:
# 0.7 beat 0.4 and 1.0 on both databases; see docs/decisions/directory-search.md).
COMMON_SHARE = 0.7


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    place: Place | None = None
    radius_miles: int | None = None  # with a place; None: any distance
    serves_area: bool = False  # with a place
    category: str = ""  # taxonomy term id
    language: str = ""  # language code
    age: int | None = None
    open_now: bool = False
    free: bool = False
    no_police_report: bool = False
    minors_on_their_own: bool = False
    any_immigration_status: bool = False
    by_phone: bool = False
    online: bool = False
    sort: str = "relevance"  # or "distance"
    page: int = 1
    page_size: int = 20
    moment: dt.datetime | None = None


@dataclass
class SearchHit:
    document_id: int
    service_id: uuid.UUID
    location_id: uuid.UUID | None
    name: str
    name_es: str
    organization_name: str
    organization_name_es: str
    place: str
    summary: str
    summary_es: str
    phone: str
    phone_extension: int | None
    phone_outcome: str
    assured_date: dt.date | None
    flags: int
    score: float
    # None for a confidential location: its distance is never shown.
    distance_miles: float | None = None
    # None when the hours are not known.
    open_now: bool | None = None

    def has(self, flag: int) -> bool:
        return bool(self.flags & flag)

    @property
    def confidential(self) -> bool:
        return self.has(Flag.CONFIDENTIAL)


@dataclass
class SearchResults:
    request: SearchRequest
    hits: list[SearchHit]
    total: int
    analyzed: AnalyzedQuery
    relaxed: bool = False
    implied_filters: set[str] = field(default_factory=set)
    # False when the search stopped early (the nearest best matches were certain):
    # ``total`` is then how many it saw, and there are more.
    total_exact: bool = True

    @property
    def pages(self) -> int:
        return min(MAX_PAGES, max(1, math.ceil(self.total / self.request.page_size)))

    @property
    def has_next(self) -> bool:
        if not self.total_exact:
            return self.request.page < MAX_PAGES
        return self.request.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.request.page > 1


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


# What a search is about (its tokens, the place, the numbers derived from them) goes
# into its statements as parameters, never into their text: database drivers keep the
# text of recent statements (psycopg, the last 128), so a literal there would stay in
# the process after the page was answered (search/tests/test_privacy.py).


def _padded(token: str) -> str:
    """A token padded for ``instr``/``strpos``; tokens are ASCII letters and digits."""
    if not (token.isascii() and token.isalnum()):
        raise ValueError("search tokens must be ASCII letters and digits")
    return f" {token} "


SCORE_COLUMNS = {
    "name": "d.name_tokens",
    "category": "d.category_tokens",
    "organization": "d.organization_tokens",
    "text": "d.tokens",  # every token of the document, in whatever field
}


def _score_sql(
    groups: list[dict[str, float]], *, every_word_matched: bool
) -> tuple[str, list[Any]]:
    """Per word, the best of its tokens weighted by the field it is in (SQL and its
    parameters).

    One ``CASE`` per word tries every (token, field) pair from the highest score down,
    so the first pair found is the word's score and the rest are never looked at (a
    token in a name stops at once). When every word had to match, one of the word's
    tokens is known to be there: if no other pair was found, the last one is, and it
    needs no look into the long ``tokens`` column.
    """
    if not groups:
        return "0.0", []
    position = "instr" if connection.vendor == "sqlite" else "strpos"
    words = []
    params: list[Any] = []
    for group in groups:
        pairs = sorted(
            (
                (FIELD_WEIGHTS[field] * weight, order, token, column)
                for token, weight in group.items()
                for order, (field, column) in enumerate(SCORE_COLUMNS.items())
            ),
            key=lambda pair: (-pair[0], pair[1], pair[2]),
        )
        if every_word_matched:
            tried, last = pairs[:-1], [pairs[-1][0]]
        else:
            tried, last = pairs, [0.0]
        whens = [f"WHEN {position}({column}, %s) > 0 THEN %s" for _s, _o, _t, column in tried]
        for score, _order, token, _column in tried:
            params += [_padded(token), score]
        params += last
        words.append(f"CASE {' '.join(whens)} ELSE %s END")
    return " + ".join(f"({w})" for w in words), params


def _distance_sql(place: Place) -> tuple[str, list[Any]]:
    """Squared equirectangular distance in miles² (NULL without coordinates), and its
    parameters."""
    k = MILES_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(place.latitude))
    dy = f"((d.latitude - %s) * {MILES_PER_DEGREE_LATITUDE!r})"
    dx = "((d.longitude - %s) * %s)"
    latitude, longitude = float(place.latitude), float(place.longitude)
    return (
        f"({dy} * {dy} + {dx} * {dx})",
        [latitude, latitude, longitude, k, longitude, k],
    )


@dataclass(frozen=True)
class _IndexState:
    document_count: int
    zones: list[str]  # time zones of the documents' opening rules
    current: bool  # built in the current format
    version: Hashable  # a new value with every change of the index


# The index state this process last read. A search starts from it without asking, and
# the statement that reads its cards also reads the current version: if the index
# changed meanwhile, the search runs again with the new state (see ``search``). Every
# search thus answers from the state current when it ends, one round trip cheaper.
_last_state: _IndexState | None = None
_NOT_READ = object()  # no card was read, so no version either


def _index_state() -> _IndexState:
    """The index state, read now (its time zones only when the version is new)."""
    global _last_state
    rows = bulk.select(
        "SELECT version, document_count, format_version"
        " FROM directory_search_searchindexstate WHERE id = 1"
    )
    if not rows:
        return _IndexState(document_count=0, zones=[], current=False, version=None)
    version, document_count, format_version = rows[0]
    known = _last_state
    if known is not None and known.version == version:
        zones = known.zones
    else:
        zones = sorted(
            value
            for (value,) in bulk.select(
                "SELECT value FROM directory_search_searchfacet WHERE kind = %s",
                [FacetKind.TIME_ZONE.value],
            )
        )
    state = _IndexState(
        document_count=document_count,
        zones=zones,
        current=format_version == INDEX_FORMAT,
        version=version,
    )
    _last_state = state
    return state


def _open_now_sql(moment: dt.datetime, zones: list[str]) -> tuple[str, list[Any]]:
    """True for documents open at ``moment`` (see hours.rule_is_open, its reference)."""
    params: list[Any] = []
    per_zone = []
    day_test = (
        " AND (h.valid_from IS NULL OR h.valid_from <= %s)"
        " AND (h.valid_to IS NULL OR h.valid_to >= %s)"
        " AND (h.month_day = 0 OR h.month_day = %s)"
        " AND (h.week_ordinals = 0 OR (h.week_ordinals & %s) <> 0)"
        " AND (h.week_interval <= 1 OR ((%s - h.anchor_week) %% h.week_interval) = 0)"
    )
    for zone, v in hours.sql_parameters(zones, moment).items():
        per_zone.append(
            "(h.time_zone = %s AND (h.days & %s) <> 0"
            " AND h.start_minute <= %s AND h.end_minute > %s"
            f" AND ((NOT h.tail{day_test}) OR (h.tail{day_test})))"
        )
        params += [zone, v["day_bit"], v["minute"], v["minute"]]
        for prefix in ("today", "yesterday"):
            params += [
                v[prefix],
                v[prefix],
                v[f"{prefix}_dom"],
                v[f"{prefix}_ordinals"],
                v[f"{prefix}_week"],
            ]
    always = f"(d.flags & {Flag.OPEN_24_7}) <> 0"
    closed = f"(d.flags & {Flag.TEMPORARILY_CLOSED}) = 0"
    if not per_zone:
        return f"({always} AND {closed})", []
    zones_sql = " OR ".join(per_zone)
    exists = (
        "EXISTS (SELECT 1 FROM directory_search_searchhours h"  # noqa: S608 - values are parameters
        f" WHERE h.document_id = d.id AND ({zones_sql}))"
    )
    return f"(({always} OR {exists}) AND {closed})", params


def _flags_sql(request: SearchRequest) -> list[str]:
    required = 0
    for wanted, flag in (
        (request.free, Flag.FREE),
        (request.no_police_report, Flag.NO_POLICE_REPORT),
        (request.minors_on_their_own, Flag.MINORS_ON_THEIR_OWN),
        (request.any_immigration_status, Flag.ANY_IMMIGRATION_STATUS),
    ):
        if wanted:
            required |= flag
    conditions = []
    if required:
        conditions.append(f"(d.flags & {required}) = {required}")
    reach = (Flag.BY_PHONE if request.by_phone else 0) | (Flag.ONLINE if request.online else 0)
    if reach:
        conditions.append(f"(d.flags & {reach}) <> 0")
    return conditions


# Ranking reads only what orders rows; what a card shows is read for the page alone.
RANK_COLUMNS = "d.id, d.flags, d.latitude, d.sort_name"
COLUMNS = (
    "d.id, d.service_id, d.location_id, d.name, d.name_es, d.organization_name,"
    " d.organization_name_es, d.place, d.summary, d.summary_es, d.phone,"
    " d.phone_extension, d.phone_outcome, d.assured_date, d.flags,"
    " d.latitude, d.longitude, d.opening_rules"
)
NOWHERE_LAST = "CASE WHEN d.latitude IS NULL THEN 1 ELSE 0 END"
POLICE_LAST = f"CASE WHEN (d.flags & {Flag.NO_POLICE_REPORT}) <> 0 THEN 0 ELSE 1 END"
EPSILON = 1e-9


def _uuid(value: Any) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@dataclass
class _Row:
    """One matching document as the ranking sees it."""

    id: int
    flags: int
    nowhere: int  # 1 without a position: after those with one
    sort_name: str
    score: float
    distance: float | None  # squared equirectangular miles, None without a position

    @property
    def police_last(self) -> int:
        return 0 if self.flags & Flag.NO_POLICE_REPORT else 1


@dataclass
class _Plan:
    """What every query of one search shares: conditions, score and order."""

    request: SearchRequest
    groups: list[dict[str, float]]
    match_groups: list[list[str]]
    # Code filters (category, language, area): more full-text groups.
    filter_groups: list[list[str]]
    # Tokens of filters the row conditions (``where``) already decide exactly (yes/no,
    # open now): full-text groups only where they narrow much (see ``_narrow``).
    prefilter_groups: list[list[str]]
    where: list[str]
    params: list[Any]
    score: tuple[str, list[Any]]  # SQL and its parameters
    distance: tuple[str, list[Any]]
    order: str
    key: Any


def _filter_groups(
    request: SearchRequest, moment: dt.datetime, zones: list[str]
) -> tuple[list[list[str]], list[list[str]]]:
    """Full-text groups of the filters: those only the index decides (category,
    language, area), and those the row conditions decide exactly too (yes/no flags,
    the hour of the week), used where they narrow much (see ``_narrow``)."""
    filter_groups: list[list[str]] = []
    if request.category:
        filter_groups.append([category_token(request.category)])
    if request.language:
        filter_groups.append([language_token(request.language)])
    if request.serves_area and request.place is not None:
        filter_groups.append(sorted(set(request.place.area_tokens())))
    prefilter_groups: list[list[str]] = []
    for wanted, flag in (
        (request.no_police_report, Flag.NO_POLICE_REPORT),
        (request.minors_on_their_own, Flag.MINORS_ON_THEIR_OWN),
        (request.any_immigration_status, Flag.ANY_IMMIGRATION_STATUS),
    ):
        if wanted:
            prefilter_groups.append([FLAG_TOKENS[flag]])
    reach = [FLAG_TOKENS[Flag.BY_PHONE]] if request.by_phone else []
    reach += [FLAG_TOKENS[Flag.ONLINE]] if request.online else []
    if reach:
        prefilter_groups.append(reach)
    if request.open_now:
        # First the hour of the week (tokens), then the exact rules of the day.
        slots = {hours.LocalMoment.at(moment, zone).slot for zone in zones}
        prefilter_groups.append(sorted(slots | {hours.ALWAYS}))
    return filter_groups, prefilter_groups


def _cells(request: SearchRequest) -> list[str]:
    """The place cells a distance search estimates its matches from."""
    if request.place is None or request.radius_miles is None:
        return []
    return geo.cover(request.place.latitude, request.place.longitude, request.radius_miles)


def _plan(
    request: SearchRequest,
    groups: list[dict[str, float]],
    *,
    relaxed: bool,
    moment: dt.datetime,
    zones: list[str],
) -> _Plan:
    match_groups: list[list[str]] = []
    text_groups = [sorted(group) for group in groups]
    if text_groups:
        if relaxed:
            match_groups.append(sorted(set().union(*text_groups)))
        else:
            match_groups.extend(text_groups)
    filter_groups, prefilter_groups = _filter_groups(request, moment, zones)

    where = _flags_sql(request)
    params: list[Any] = []
    if request.age is not None:
        where.append(
            "(d.minimum_age IS NULL OR d.minimum_age <= %s)"
            " AND (d.maximum_age IS NULL OR d.maximum_age >= %s)"
        )
        params += [request.age, request.age]
    if request.open_now:
        clause, open_params = _open_now_sql(moment, zones)
        where.append(clause)
        params += open_params

    place = request.place
    name = 'd.sort_name COLLATE "C"' if connection.vendor == "postgresql" else "d.sort_name"
    # One order, written twice: in SQL for each query, in Python to merge their rows.
    if place is not None and (request.sort == "distance" or not groups):
        order = f"{NOWHERE_LAST}, distance, score DESC, {name}, d.id"

        def key(r: _Row) -> tuple[Any, ...]:
            return (r.nowhere, r.distance or 0.0, -r.score, r.sort_name, r.id)

    elif place is not None:
        order = f"score DESC, {NOWHERE_LAST}, distance, {POLICE_LAST}, {name}, d.id"

        def key(r: _Row) -> tuple[Any, ...]:
            return (-r.score, r.nowhere, r.distance or 0.0, r.police_last, r.sort_name, r.id)

    else:
        # Among equally good matches, help that needs no police report comes first.
        order = f"score DESC, {POLICE_LAST}, {name}, d.id"

        def key(r: _Row) -> tuple[Any, ...]:
            return (-r.score, r.police_last, r.sort_name, r.id)

    return _Plan(
        request=request,
        groups=groups,
        match_groups=match_groups,
        filter_groups=filter_groups,
        prefilter_groups=prefilter_groups,
        where=where,
        params=params,
        score=_score_sql(groups, every_word_matched=not relaxed),
        distance=_distance_sql(place) if place is not None else ("NULL", []),
        order=order,
        key=key,
    )


def _select(
    plan: _Plan,
    *,
    extra_groups: list[list[str]] = (),  # type: ignore[assignment]
    extra_where: list[str] = (),  # type: ignore[assignment]
    extra_params: list[Any] = (),  # type: ignore[assignment]
    exclude: list[str] = (),  # type: ignore[assignment]
    limit: int,
    offset: int = 0,
) -> tuple[list[_Row], int]:
    """The best ``limit`` rows after ``offset`` in the plan's order, and how many match.

    ``extra_params`` are those of ``extra_where``, in its order."""
    (score, score_params), (distance, distance_params) = plan.score, plan.distance
    where: list[str] = []
    params: list[Any] = [*score_params, *distance_params]
    groups = [*plan.match_groups, *extra_groups, *plan.filter_groups]
    if groups:
        clause, match_params = fts.match_clause(groups, exclude=exclude)
        where.append(clause)
        params += match_params
    where += plan.where
    params += plan.params
    where += extra_where
    params += extra_params
    # Only SQL written here is interpolated: column names and constants of this module.
    # Everything that comes from the search is a parameter (see ``_padded``).
    matches = (
        f"SELECT {RANK_COLUMNS}, {score} AS score, {distance} AS distance"  # noqa: S608
        " FROM directory_search_searchdocument d"
        + (" WHERE " + " AND ".join(where) if where else "")
    )
    # The count holds every match until the last is read. Written over the whole
    # table, it kept each match's full row (long token columns included) and scored
    # it afterwards; over a subquery the database cannot merge into this one (the
    # fence), it keeps six small values per match: the ranking statement took 40 %
    # less time on PostgreSQL and 25 % less on SQLite (bench.directory_search queries).
    fence = " OFFSET 0" if connection.vendor == "postgresql" else " LIMIT -1"
    sql = (
        f"SELECT {RANK_COLUMNS}, d.score, d.distance, COUNT(*) OVER () AS total"  # noqa: S608
        f" FROM ({matches}{fence}) d ORDER BY {plan.order} LIMIT %s OFFSET %s"
    )
    params += [limit, offset]
    rows = bulk.select(sql, params)
    total = int(rows[0][-1]) if rows else 0
    return [
        _Row(
            id=int(row[0]),
            flags=int(row[1]),
            nowhere=1 if row[2] is None else 0,
            sort_name=str(row[3]),
            score=float(row[4] or 0),
            distance=row[5],
        )
        for row in rows
    ], total


def _nearest(
    plan: _Plan, place: Place, radius: int, wanted: int, best_possible: float
) -> tuple[list[_Row], int, bool]:
    """The first ``wanted`` rows within ``radius``, reading rings of cells outward.

    Returns (rows, how many match, whether that number is exact). After each ring
    nothing unread is nearer than the ring's boundary; the search stops once the
    ``wanted``-th row could not be outranked by anything further out.
    """
    # Listings without a position that serve the place are read with the first ring
    # (one statement less): they are ordered after located ones at equal relevance.
    nowhere = [geo.nowhere_token(t) for t in sorted(set(place.area_tokens()))]
    rows: list[_Row] = []
    total = 0
    by_distance = plan.request.sort == "distance" or not plan.groups
    distance, distance_params = plan.distance
    remaining = geo.rings(place.latitude, place.longitude, radius)
    first = True
    while remaining:
        ring = remaining.pop(0)
        conditions = [f"{distance} <= %s"]
        params: list[Any] = [*distance_params, float(radius * radius)]
        for box in ring.skip_boxes:
            # Read with an earlier block (blocks may stick out of the next one).
            conditions.append(
                "NOT (d.latitude >= %s AND d.latitude < %s"
                " AND d.longitude >= %s AND d.longitude < %s)"
            )
            params += [box.south, box.north, box.west, box.east]
        cells = ring.cells
        if first:
            cells = cells + nowhere
            conditions = [f"(d.band IS NULL OR ({' AND '.join(conditions)}))"]
            first = False
        found, count = _select(
            plan,
            extra_groups=[cells],
            extra_where=conditions,
            extra_params=params,
            exclude=ring.skip,
            limit=wanted,
        )
        total += count
        rows = sorted(rows + found, key=plan.key)[:wanted]
        if len(rows) < wanted or not remaining:
            continue
        last = rows[-1]
        if last.nowhere or last.distance is None or last.distance >= ring.end * ring.end:
            continue
        if by_distance or last.score >= best_possible - EPSILON:
            return rows, total, False
    return rows, total, True


def _within(plan: _Plan, place: Place, radius: int, wanted: int) -> tuple[list[_Row], int]:
    """The first ``wanted`` rows within ``radius`` in one query: the cells covering the
    circle, plus listings without a position that serve the place."""
    nowhere = [geo.nowhere_token(t) for t in sorted(set(place.area_tokens()))]
    distance, distance_params = plan.distance
    return _select(
        plan,
        extra_groups=[geo.cover(place.latitude, place.longitude, radius) + nowhere],
        extra_where=[f"(d.band IS NULL OR {distance} <= %s)"],
        extra_params=[*distance_params, float(radius * radius)],
        limit=wanted,
    )


def _share(group: list[str], counts: dict[str, int], document_count: int) -> float:
    return min(1.0, sum(counts.get(t, 0) for t in group) / max(document_count, 1))


def _narrow(plan: _Plan, counts: dict[str, int], document_count: int) -> _Plan:
    """The plan with the pre-filters that narrow much added to its full-text groups."""
    narrowing = [
        group
        for group in plan.prefilter_groups
        if _share(group, counts, document_count) <= COMMON_SHARE
    ]
    return replace(plan, filter_groups=[*plan.filter_groups, *narrowing])


def _estimated_matches(
    plan: _Plan, cells: list[str], counts: dict[str, int], document_count: int
) -> float:
    """How many listings a distance search will rank, from the index's token counts
    (good enough to choose between one query and reading outward).

    Filters and place are taken as independent; the words of one query as found
    together (the rarest decides): they often are ("bus pass", a name), and taken as
    independent they sent searches matching thousands to the one query that cannot
    stop early (bench.directory_search, 1,000,000 listings: p95 105.1 → 91.4 ms).
    """
    estimate = float(sum(counts.get(t, 0) for t in cells))
    if plan.match_groups:
        estimate *= min(_share(group, counts, document_count) for group in plan.match_groups)
    for group in [*plan.filter_groups, *plan.prefilter_groups]:
        estimate *= _share(group, counts, document_count)
    return estimate


def _open_now(
    flags: int, opening_rules: str, moment: dt.datetime, local_times: dict[str, hours.LocalMoment]
) -> bool | None:
    """Whether a card's listing is open (None: hours not known), as the filter decides."""
    if flags & Flag.TEMPORARILY_CLOSED:
        return False
    if flags & Flag.OPEN_24_7:
        return True
    if not opening_rules:
        return None
    return hours.is_open(hours.decode_rules(opening_rules), moment, local_times)


def _hits(
    rows: list[_Row], place: Place | None, moment: dt.datetime
) -> tuple[list[SearchHit], Hashable]:
    """What the cards of these rows show, whether open now included (one query), and
    the version of the index that query saw (``_NOT_READ`` without rows)."""
    if not rows:
        return [], _NOT_READ
    ids = [row.id for row in rows]
    selected = bulk.select(
        f"SELECT {COLUMNS}, s.version FROM directory_search_searchdocument d"  # noqa: S608
        " LEFT JOIN directory_search_searchindexstate s ON s.id = 1"
        f" WHERE d.id IN ({bulk.placeholders(len(ids))})",
        ids,
    )
    found = {int(values[0]): values for values in selected}
    version = selected[0][-1] if selected else _NOT_READ
    hits = []
    local_times: dict[str, hours.LocalMoment] = {}
    for row in rows:
        values = found.get(row.id)
        if values is None:
            continue  # reindexed since it was ranked: the version differs, the search reruns
        flags = int(values[14])
        latitude, longitude = values[15], values[16]
        distance_miles = None
        if (
            place is not None
            and latitude is not None
            and longitude is not None
            and not flags & Flag.CONFIDENTIAL
        ):
            distance_miles = haversine_miles(
                place.latitude, place.longitude, float(latitude), float(longitude)
            )
        hits.append(
            SearchHit(
                document_id=row.id,
                service_id=_uuid(values[1]),  # type: ignore[arg-type]
                location_id=_uuid(values[2]),
                name=values[3],
                name_es=values[4],
                organization_name=values[5],
                organization_name_es=values[6],
                place=values[7],
                summary=values[8],
                summary_es=values[9],
                phone=values[10],
                phone_extension=values[11],
                phone_outcome=values[12],
                assured_date=_date(values[13]),
                flags=flags,
                score=row.score,
                distance_miles=distance_miles,
                open_now=_open_now(flags, values[17], moment, local_times),
            )
        )
    return hits, version


def _query(
    request: SearchRequest,
    resolved: ResolvedQuery,
    *,
    relaxed: bool,
    moment: dt.datetime,
    zones: list[str],
) -> tuple[list[SearchHit], int, bool, Hashable]:
    """One page of hits, how many match, whether that number is exact, and the version
    of the index the cards were read at (``_NOT_READ`` without hits)."""
    groups, counts, document_count = resolved.groups, resolved.counts, resolved.document_count
    plan = _plan(request, groups, relaxed=relaxed, moment=moment, zones=zones)
    page = max(1, min(request.page, MAX_PAGES))
    start = (page - 1) * request.page_size
    place = request.place
    radius = request.radius_miles
    cells = _cells(request)
    estimate = _estimated_matches(plan, cells, counts, document_count)
    plan = _narrow(plan, counts, document_count)
    if place is not None and radius is not None:
        wanted = start + request.page_size
        by_relevance = request.sort != "distance" and bool(groups)
        if by_relevance and estimate <= ONE_QUERY_MATCHES:
            rows, total = _within(plan, place, radius, wanted)
            exact = True
        else:
            rows, total, exact = _nearest(plan, place, radius, wanted, sum(resolved.best))
        rows = rows[start:]
    else:
        rows, total = _select(plan, limit=request.page_size, offset=start)
        exact = True
    if not rows and page > 1:
        return [], -1, exact, _NOT_READ  # past the end
    hits, version = _hits(rows, place, moment)
    return hits, total, exact, version


def search(request: SearchRequest) -> SearchResults:
    """Run a public search. Read-only; the same function serves the page and the bench."""
    state = _last_state or _index_state()
    results, version = _search(request, state)
    if version != state.version:
        # The index changed since this process last read its state (or no card was read
        # to tell): its counts and time zones may differ, so answer from the new state.
        fresh = _index_state()
        if fresh.version != state.version:
            results, _version = _search(request, fresh)
    return results


def _search(request: SearchRequest, state: _IndexState) -> tuple[SearchResults, Hashable]:
    """The search at one state of the index; with the version its cards were read at."""
    moment = request.moment or timezone.now()
    analyzed = analyze(request.text)
    implied = set(analyzed.implied_filters)
    changes = {name for name in implied if not getattr(request, name)}
    request = replace(request, **dict.fromkeys(changes, True))  # type: ignore[arg-type]
    typed_words = len(analyzed.words)
    document_count, zones = state.document_count, state.zones
    filter_groups, prefilter_groups = _filter_groups(request, moment, zones)
    counted = {t for group in [*filter_groups, *prefilter_groups] for t in group}
    resolved = resolve(
        analyzed,
        document_count=document_count,
        counted=counted | set(_cells(request)),
        index_version=state.version,
    )
    if not state.current:
        # An index from before an upgrade: do not trust its counts to stop early.
        logger.warning("The search index needs `manage.py search_index --rebuild`.")
        resolved.best = [max(group.values()) * FIELD_WEIGHTS["name"] for group in resolved.groups]
    if typed_words and not resolved.groups and not implied:
        # Every word was unknown: say so rather than list everything. (Words that name
        # a filter, "gratis", leave that filter: what the visitor asked for.)
        results = SearchResults(
            request=request, hits=[], total=0, analyzed=resolved.analyzed, implied_filters=changes
        )
        return results, _NOT_READ

    def query(
        request: SearchRequest, *, relaxed: bool
    ) -> tuple[list[SearchHit], int, bool, Hashable]:
        return _query(request, resolved, relaxed=relaxed, moment=moment, zones=zones)

    hits, total, exact, version = query(request, relaxed=False)
    relaxed = False
    if total == 0 and len(resolved.groups) > 1:
        hits, total, exact, version = query(request, relaxed=True)
        relaxed = total > 0
    if total < 0:
        request = replace(request, page=1)
        hits, total, exact, version = query(request, relaxed=relaxed)
    results = SearchResults(
        request=request,
        hits=hits,
        total=total,
        analyzed=resolved.analyzed,
        relaxed=relaxed,
        implied_filters=changes,
        total_exact=exact,
    )
    return results, version
