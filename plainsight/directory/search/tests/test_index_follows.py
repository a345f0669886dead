"""The public search follows the directory without anyone running a command: after an
import, on `make run` (``search_index``), after an upgrade of the index format, and
every few minutes for changes made outside the staff app."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from plainsight.directory import hsds, importing, jobs
from plainsight.directory import models as m
from plainsight.directory.search import services
from plainsight.directory.search.engine import SearchRequest, search
from plainsight.directory.search.models import INDEX_FORMAT, SearchDocument, SearchIndexState
from plainsight.directory.tests import factories
from plainsight.scheduler.jobs import job_get

pytestmark = pytest.mark.django_db


def _service_example() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((hsds.EXAMPLES_DIR / "service_full.json").read_text())
    return document


def _import(document: dict[str, Any], **kwargs: Any) -> importing.ImportReport:
    payload = json.dumps(document).encode()
    return importing.run_import(
        [(payload, "service.json")], file_format=m.ImportFormat.JSON, **kwargs
    )


def _names(text: str) -> list[str]:
    return [hit.name for hit in search(SearchRequest(text=text)).hits]


def _an_hour_ago() -> None:
    """As if the rows had been there for a while (a refresh re-reads the last minutes)."""
    past = timezone.now() - dt.timedelta(hours=1)
    for model in hsds.TABLE_MODELS.values():
        model._default_manager.update(updated_at=past)


def test_an_imported_listing_is_found_at_once():
    assert _names("counselling") == []
    report = _import(_service_example())
    assert report.ok and report.applied
    assert _names("counselling") == ["Community Counselling"]
    state = SearchIndexState.objects.get(id=1)
    assert state.format_version == INDEX_FORMAT  # built, not patched onto nothing


def test_a_reimport_with_a_new_name_changes_the_listing_found():
    document = _service_example()
    _import(document)
    renamed = copy.deepcopy(document)
    renamed["name"] = "Riverside Family Counselling"
    assert _import(renamed).applied
    assert _names("riverside") == ["Riverside Family Counselling"]
    assert SearchDocument.objects.filter(name="Community Counselling").count() == 0


def test_a_listing_made_defunct_by_an_import_leaves_the_search():
    document = _service_example()
    _import(document)
    document["status"] = "defunct"
    assert _import(document).applied
    assert _names("counselling") == []


def test_a_dry_run_leaves_the_index_untouched():
    report = _import(_service_example(), dry_run=True)
    assert report.ok and not report.applied
    assert not SearchDocument.objects.exists()
    assert not SearchIndexState.objects.exists()


def test_a_refused_import_leaves_the_index_as_it_was():
    _import(_service_example())
    before = SearchIndexState.objects.get(id=1).version
    broken = _service_example()
    broken["name"] = "Renamed"
    broken["organization"] = {"id": "not-a-uuid"}
    report = _import(broken)
    assert not report.ok and not report.applied
    assert SearchIndexState.objects.get(id=1).version == before
    assert _names("counselling") == ["Community Counselling"]


def test_search_index_command_builds_a_missing_index_and_then_only_catches_up():
    factories.ServiceFactory.create(name="Harbor Legal Aid")
    call_command("search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _names("harbor") == ["Harbor Legal Aid"]
    _an_hour_ago()
    rebuilt_at = SearchIndexState.objects.get(id=1).rebuilt_at
    call_command("search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert SearchIndexState.objects.get(id=1).rebuilt_at == rebuilt_at


def test_an_index_of_an_older_format_is_rebuilt_by_a_refresh():
    factories.ServiceFactory.create(name="Harbor Legal Aid")
    services.search_index_rebuild()
    SearchIndexState.objects.filter(id=1).update(format_version=INDEX_FORMAT - 1)
    SearchDocument.objects.all().delete()  # what an old format could not be trusted with
    services.search_index_refresh()
    assert SearchIndexState.objects.get(id=1).format_version == INDEX_FORMAT
    assert _names("harbor") == ["Harbor Legal Aid"]


def test_a_refresh_that_finds_nothing_changed_keeps_the_index_version():
    """Every process rereads the index's token counts, and its next search runs twice,
    when the version changes: a refresh every 15 minutes must not change it for
    nothing."""
    shelter = factories.ServiceFactory.create(name="Kern Shelter")
    _an_hour_ago()
    services.search_index_rebuild()
    before = SearchIndexState.objects.get(id=1)
    assert services.search_index_refresh() == 0
    after = SearchIndexState.objects.get(id=1)
    assert after.version == before.version
    assert before.refreshed_at is not None and after.refreshed_at is not None
    assert after.refreshed_at > before.refreshed_at
    shelter.name = "Kern Safe House"
    shelter.save()
    assert services.search_index_refresh() == 1
    assert SearchIndexState.objects.get(id=1).version != before.version


def test_a_refresh_that_would_touch_most_listings_rebuilds_once(monkeypatch):
    for name in ("Harbor Legal Aid", "Valley Food Bank", "Kern Shelter", "Delano Clinic"):
        factories.ServiceFactory.create(name=name)
    _an_hour_ago()
    services.search_index_rebuild()
    SearchIndexState.objects.filter(id=1).update(refreshed_at=timezone.now())
    rebuilds: list[int] = []
    real_rebuild = services.search_index_rebuild

    def counting_rebuild(**kwargs: Any) -> int:
        rebuilds.append(1)
        return real_rebuild(**kwargs)

    monkeypatch.setattr(services, "search_index_rebuild", counting_rebuild)
    shelter = m.Service.objects.get(name="Kern Shelter")
    shelter.name = "Kern Safe House"
    shelter.save()
    services.search_index_refresh()  # one of four changed: incremental
    assert rebuilds == []
    assert _names("safe house") == ["Kern Safe House"]  # a phrase the listing says
    for service in m.Service.objects.all():
        service.description = "Updated by a script"
        service.save()
    services.search_index_refresh()  # all of them: one rebuild
    assert rebuilds == [1]


def test_the_scheduler_catches_up_with_changes_made_outside_the_staff_app():
    service = factories.ServiceFactory.create(name="Harbor Legal Aid")
    services.search_index_rebuild()
    service.name = "Harbor Immigration Law"
    service.save()  # as a script or the Django admin would, without reindexing
    assert _names("immigration") == []
    function = job_get("directory.refresh_search_index").function
    assert function == "plainsight.directory.jobs.search_index_catch_up"
    assert jobs.search_index_catch_up() == {"reindexed": 1}
    assert _names("immigration") == ["Harbor Immigration Law"]


def test_the_nightly_rebuild_is_scheduled_and_rebuilds():
    factories.ServiceFactory.create(name="Harbor Legal Aid")
    function = job_get("directory.rebuild_search_index").function
    assert function == "plainsight.directory.jobs.search_index_nightly_rebuild"
    assert jobs.search_index_nightly_rebuild() == {"documents": SearchDocument.objects.count()}
    assert _names("harbor") == ["Harbor Legal Aid"]


def test_a_phrase_in_a_listing_brings_its_meaning_in_either_language():
    """A query phrase ("salud mental") stands for its concept; a listing that only says
    the English phrase is found by it, and not by a word of the phrase alone."""
    factories.ServiceFactory.create(
        name="Eastside Wellness", description="Free mental health support groups."
    )
    factories.ServiceFactory.create(name="Mental Math Tutoring", description="Homework help.")
    services.search_index_rebuild()
    assert _names("salud mental") == ["Eastside Wellness"]
    assert _names("mental health") == ["Eastside Wellness"]
    assert _names("safe house") == []  # no listing says it or means it


def test_token_counts_are_read_once_per_version_of_the_index(monkeypatch):
    """Counts change only with the index: the first search at a version reads them all,
    later ones none, and the first search after a change reads them again (a word
    unknown before the change is found after it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plainsight.directory.search import engine

    monkeypatch.setattr(engine, "_last_state", None)  # not the state another test left
    factories.ServiceFactory.create(name="Harbor Legal Aid")
    services.search_index_rebuild()

    def token_reads(text: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            search(SearchRequest(text=text))
        return sum("directory_search_searchtoken" in q["sql"] for q in queries)

    assert token_reads("harbor legal") == 1
    assert token_reads("harbor legal") == 0  # same version: nothing read again
    assert token_reads("harbor ferry") == 0  # nor for a word the index lacks
    assert _names("ferry") == []
    factories.ServiceFactory.create(name="Harbor Ferry Rides")
    services.search_index_refresh()
    assert token_reads("harbor legal") == 1  # a new version: read again
    assert _names("ferry") == ["Harbor Ferry Rides"]


def _state_reads(request: SearchRequest) -> tuple[int, list[str]]:
    """How often a search read the index state itself, and the names it found."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        names = [hit.name for hit in search(request).hits]
    reads = sum(q["sql"].startswith("SELECT version, document_count") for q in queries)
    return reads, names


def test_a_search_reads_the_index_state_only_after_it_changed(monkeypatch):
    """A search starts from the state the process last read; the statement reading its
    cards tells whether the index changed since (here by a change this process did
    not tell the search about, as another process's would be)."""
    from plainsight.directory.search import engine

    monkeypatch.setattr(engine, "_last_state", None)
    factories.ServiceFactory.create(name="Harbor Legal Aid")
    services.search_index_rebuild()
    assert _state_reads(SearchRequest(text="harbor")) == (1, ["Harbor Legal Aid"])
    assert _state_reads(SearchRequest(text="harbor")) == (0, ["Harbor Legal Aid"])
    factories.ServiceFactory.create(name="Harbor Ferry Rides")
    services.search_index_refresh()
    reads, names = _state_reads(SearchRequest(text="harbor"))
    assert reads == 1 and sorted(names) == ["Harbor Ferry Rides", "Harbor Legal Aid"]
    assert _state_reads(SearchRequest(text="harbor"))[0] == 0
    # Nothing found says nothing about the version: the state is asked for.
    assert _state_reads(SearchRequest(text="harbor", language="tl")) == (1, [])


def test_hours_in_a_time_zone_another_process_indexed_count_at_once(monkeypatch):
    """ "Open now" checks each time zone of the index; a search that started from the
    state before a listing in a new zone was indexed answers again with the new one."""
    from plainsight.directory.search import engine

    monkeypatch.setattr(engine, "_last_state", None)
    factories.ServiceFactory.create(name="Always Open Line", open_24_7=True)
    services.search_index_rebuild()
    # Tuesday 15:00 UTC: 10:00 in New York, 07:00 in California.
    moment = dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC)
    open_now = SearchRequest(open_now=True, moment=moment)
    assert _state_reads(open_now) == (1, ["Always Open Line"])
    eastern = factories.ServiceFactory.create(name="Eastern Help Desk")
    factories.ScheduleFactory.create(
        service=eastern,
        opens_at=dt.time(9),
        closes_at=dt.time(17),
        iana_timezone="America/New_York",
    )
    services.search_index_refresh()
    reads, names = _state_reads(open_now)
    assert reads == 1 and sorted(names) == ["Always Open Line", "Eastern Help Desk"]
