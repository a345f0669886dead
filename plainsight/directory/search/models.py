"""The search index of the resource directory: derived data, rebuilt at will.

One ``SearchDocument`` per service at a location (or per service without a location):
the listing's words as tokens, its filters as flags and codes, its coordinates as
indexed columns, and what a result card shows, so a results page needs one query.

The free-text index itself lives beside the table, in each database's own engine
(see migration 0002): an FTS5 table over ``tokens`` on SQLite, a generated ``tsvector``
column with a GIN index on PostgreSQL. Both read the same tokens, so both find the same
listings. Nothing here is the record of truth: ``manage.py search_index --rebuild``
recreates every row from the directory tables.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Bumped when documents gain tokens or counts that searches rely on.
INDEX_FORMAT = 8


class Flag:
    """Bits of ``SearchDocument.flags`` (filters that are yes/no)."""

    FREE = 1 << 0
    NO_POLICE_REPORT = 1 << 1
    MINORS_ON_THEIR_OWN = 1 << 2
    ANY_IMMIGRATION_STATUS = 1 << 3
    T_U_VISA = 1 << 4
    BY_PHONE = 1 << 5
    ONLINE = 1 << 6
    IN_PERSON = 1 << 7
    OPEN_24_7 = 1 << 8
    CONFIDENTIAL = 1 << 9
    DEMO = 1 << 10
    TEMPORARILY_CLOSED = 1 << 11


class SearchDocument(models.Model):
    id = models.BigAutoField(primary_key=True)
    service = models.ForeignKey(
        "directory.Service", on_delete=models.CASCADE, related_name="search_documents"
    )
    service_at_location = models.ForeignKey(
        "directory.ServiceAtLocation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="search_documents",
    )
    location = models.ForeignKey(
        "directory.Location",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="search_documents",
    )

    # Matching and ranking. Token lists are space-delimited with a space at both ends.
    tokens = models.TextField()
    name_tokens = models.TextField(default=" ")
    category_tokens = models.TextField(default=" ")
    organization_tokens = models.TextField(default=" ")
    flags = models.IntegerField(default=0)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # For a confidential location: the centre of its ZIP code, never the address.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # floor(latitude * 10): with longitude, an index that reads only the search box.
    band = models.IntegerField(null=True, blank=True)

    # What a result card shows.
    name = models.CharField(max_length=500)
    name_es = models.CharField(max_length=500, blank=True)
    organization_name = models.CharField(max_length=500, blank=True)
    organization_name_es = models.CharField(max_length=500, blank=True)
    place = models.CharField(max_length=300, blank=True)
    summary = models.CharField(max_length=400, blank=True)
    summary_es = models.CharField(max_length=400, blank=True)
    phone = models.CharField(max_length=100, blank=True)
    phone_extension = models.PositiveIntegerField(null=True, blank=True)
    phone_outcome = models.CharField(max_length=32, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    # The opening rules as ``hours.encode_rules`` writes them: whether a card's listing
    # is open now, without another query (``SearchHours`` holds them for the filter).
    opening_rules = models.TextField(blank=True, default="")
    sort_name = models.CharField(max_length=120, blank=True)
    indexed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            models.Index(fields=["band", "longitude"], name="dsearch_doc_geo"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "service_at_location"], name="dsearch_doc_unique_sal"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SearchHours(models.Model):
    """One opening rule of a document (see ``hours.Rule``)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="hours")
    time_zone = models.CharField(max_length=64)
    days = models.PositiveSmallIntegerField()
    start_minute = models.PositiveSmallIntegerField()
    end_minute = models.PositiveSmallIntegerField()
    tail = models.BooleanField(default=False)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    month_day = models.PositiveSmallIntegerField(default=0)
    week_ordinals = models.PositiveSmallIntegerField(default=0)
    week_interval = models.PositiveSmallIntegerField(default=1)
    anchor_week = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("search opening rule")
        verbose_name_plural = _("search opening rules")

    def __str__(self) -> str:
        return f"{self.document_id} {self.days:07b} {self.start_minute}-{self.end_minute}"


class SearchToken(models.Model):
    """A token of the index and in how many documents it occurs (for rarity weights)."""

    token = models.CharField(max_length=100, primary_key=True)
    document_count = models.IntegerField(default=0)
    # In how many documents it is in the name, a category, the organization's name:
    # what the best possible score of a search can be.
    name_count = models.IntegerField(default=0)
    category_count = models.IntegerField(default=0)
    organization_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("search token")
        verbose_name_plural = _("search tokens")

    def __str__(self) -> str:
        return self.token


class SearchWord(models.Model):
    """A word as listings spell it (folded), for correcting typing mistakes."""

    word = models.CharField(max_length=64, primary_key=True)
    document_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word


class SearchSpelling(models.Model):
    """``word`` with up to one or two letters deleted (a symmetric-deletion table):
    a typed word and a known word within the allowed edit distance share a key."""

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=64, db_index=True)
    word = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("search spelling key")
        verbose_name_plural = _("search spelling keys")
        constraints = [
            models.UniqueConstraint(fields=["key", "word"], name="dsearch_spelling_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.word}"


class FacetKind(models.TextChoices):
    CATEGORY = "category", _("Category")
    LANGUAGE = "language", _("Language")
    TIME_ZONE = "time_zone", _("Time zone")


class SearchFacet(models.Model):
    """A category or language that at least one listing has: the filter menus."""

    kind = models.CharField(max_length=16, choices=FacetKind.choices)
    value = models.CharField(max_length=100)
    label = models.CharField(max_length=300)
    label_es = models.CharField(max_length=300, blank=True)
    parent_value = models.CharField(max_length=100, blank=True)
    document_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("search facet")
        verbose_name_plural = _("search facets")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="dsearch_facet_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class SearchIndexState(models.Model):
    """One row: when the index last caught up with the directory tables."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    document_count = models.IntegerField(default=0)
    # A new random value on every change, so anything cached at an earlier version knows
    # it is stale (never a counter: after a rollback a counter would repeat a value).
    version = models.BigIntegerField(default=0)
    # The index format the last full rebuild wrote (INDEX_FORMAT); older indexes need
    # ``search_index --rebuild`` after an upgrade.
    format_version = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("search index state")
        verbose_name_plural = _("search index state")

    def __str__(self) -> str:
        return f"search index v{self.version}"
