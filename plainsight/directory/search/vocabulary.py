"""Everyday words, in English and Spanish, for what people look for.

A frightened person types "lawyer", "abogado" or "refugio", not the words a listing
uses ("legal services", "emergency shelter"). Each *concept* below joins the words
that mean the same need in both languages. When a listing contains one of them, the
index gives it the concept's token; when a query contains one, the search also looks
for that token (with a little less weight than the word itself).

*Phrases* are read before single words. Some turn into filters, because that is what
the person is asking for ("no police" means: only services that do not require a
police report); others point at a concept ("trabajo sin pago": unpaid wages).

Changing a concept's words changes the index: run ``manage.py search_index --rebuild``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from plainsight.directory.search import text


@dataclass(frozen=True)
class Concept:
    key: str
    words: tuple[str, ...]

    @property
    def token(self) -> str:
        return "zk" + self.key


def _c(key: str, words: str) -> Concept:
    return Concept(key, tuple(words.split()))


# Words are matched by their stems, so one form of a word is usually enough. Avoid
# words that are common in unrelated listings ("law" is in "law enforcement").
CONCEPTS: tuple[Concept, ...] = (
    _c(
        "shelter",
        "shelter shelters refugio refugios albergue albergues alojamiento safehouse beds "
        "camas hospedaje",
    ),
    _c("housing", "housing apartment apartments rent vivienda apartamento renta alquiler"),
    _c(
        "food",
        "food meals meal groceries pantry comida comidas alimentos alimento despensa hambre hungry",
    ),
    _c(
        "legal",
        "lawyer lawyers attorney attorneys legal abogado abogada abogados abogadas "
        "juridico juridica paralegal",
    ),
    _c(
        "immigration",
        "immigration immigrant immigrants visa visas asylum daca inmigracion inmigrante "
        "inmigrantes migrante migrantes migracion asilo migratorio migratoria",
    ),
    _c("medical", "medical health doctor doctors nurse nurses salud medico medicos hospital"),
    _c(
        "counseling",
        "counseling counselling counselor counselor therapy therapist consejeria "
        "consejero consejera terapia terapeuta psicologo psicologa",
    ),
    _c(
        "trafficking",
        "trafficking trafficked trafficker traffickers trata explotacion exploitation "
        "exploited explotado explotada",
    ),
    _c(
        "wages",
        "wage wages unpaid salario salarios sueldo sueldos laboral laborales",
    ),
    _c("jobs", "job jobs employment empleo empleos trabajo trabajos career"),
    _c("violence", "violence violent battered violencia violento maltrato golpes"),
    _c("abuse", "abuse abusive abuser abuso abusivo abusador"),
    _c("assault", "rape assault violacion agresion"),
    _c("crisis", "hotline helpline crisis emergencia emergency"),
    _c("transport", "transportation transport rides bus transporte"),
    _c("clothing", "clothes clothing ropa"),
    _c("education", "education school classes escuela educacion clases ged esl"),
    _c(
        "youth",
        "youth teen teens teenager teenagers minor minors kids children child juvenile "
        "joven jovenes menor menores nino nina ninos ninas adolescente adolescentes",
    ),
    _c("tribal", "tribal tribe tribes native indigenous tribu nativo nativa indigena"),
    _c(
        "interpreting",
        "interpreter interpreters interpretation translation translator interprete "
        "interpretes traduccion traductor",
    ),
    _c("money", "cash money financial benefits dinero financiera beneficios"),
    _c("documents", "identification documents documentos identificacion"),
    _c("addiction", "drugs alcohol addiction substance drogas adiccion adicciones"),
    _c("police", "police sheriff policia alguacil"),
    _c("childcare", "childcare daycare guarderia"),
    _c(
        "advocacy",
        "advocate advocates advocacy victim victims victima victimas defensor defensora "
        "intercesor intercesora",
    ),
)

CONCEPTS_BY_KEY = {concept.key: concept for concept in CONCEPTS}

# Query phrases that are filters, not words (matched on folded words, in order).
FILTER_PHRASES: dict[str, tuple[str, ...]] = {
    "no_police_report": (
        "no police report",
        "no police",
        "without police",
        "without a police report",
        "without police report",
        "no cops",
        "sin policia",
        "sin la policia",
        "no policia",
        "sin reporte policial",
        "sin reporte de policia",
        "sin denuncia",
        "sin reporte",
    ),
    "free": ("free", "gratis", "gratuito", "gratuita", "sin costo", "no cost", "sin cobro"),
    "open_now": ("open now", "abierto ahora", "abierta ahora", "abiertos ahora"),
}

# Query phrases that mean a concept ("trabajo sin pago" is about unpaid wages).
CONCEPT_PHRASES: dict[str, tuple[str, ...]] = {
    "wages": (
        "trabajo sin pago",
        "trabajo sin paga",
        "sin pago",
        "no me pagan",
        "no me paga",
        "no pagan",
        "unpaid work",
        "wage theft",
        "not paid",
        "no pay",
        "robo de salario",
    ),
    "immigration": ("t visa", "u visa", "visa t", "visa u", "green card", "tarjeta verde"),
    "violence": ("domestic violence", "violencia domestica", "violencia familiar"),
    "assault": ("sexual assault", "agresion sexual", "abuso sexual", "ataque sexual"),
    "counseling": ("mental health", "salud mental", "apoyo emocional"),
    "legal": ("legal aid", "legal help", "ayuda legal", "asesoria legal"),
    "shelter": (
        "safe place",
        "place to stay",
        "place to sleep",
        "lugar seguro",
        "donde dormir",
        "donde quedarme",
        "safe house",
        "casa segura",
    ),
    "food": ("food bank", "banco de comida", "banco de alimentos"),
}


@cache
def concepts_by_token(language: str) -> dict[str, tuple[str, ...]]:
    """Stem token → keys of the concepts it belongs to, for text in ``language``.

    Listings are matched with their own language's stems only (an English ".com" must
    not meet the Spanish stem of "comida"); queries, whose language is unknown, with
    both ("any").
    """
    mapping: dict[str, set[str]] = {}
    for concept in CONCEPTS:
        for word in concept.words:
            for token in text.word_tokens(word, language):
                mapping.setdefault(token, set()).add(concept.key)
    return {token: tuple(sorted(keys)) for token, keys in mapping.items()}


def concept_tokens(tokens: set[str], language: str) -> set[str]:
    """The concept tokens that a set of stem tokens brings with it."""
    mapping = concepts_by_token(language)
    found: set[str] = set()
    for token in tokens:
        for key in mapping.get(token, ()):
            found.add(CONCEPTS_BY_KEY[key].token)
    return found


@cache
def _phrases() -> list[tuple[tuple[str, ...], str, str]]:
    """(folded words, kind "filter"/"concept", name), longest phrases first."""
    phrases: list[tuple[tuple[str, ...], str, str]] = []
    for name, items in FILTER_PHRASES.items():
        phrases.extend((tuple(text.fold(p).split()), "filter", name) for p in items)
    for name, items in CONCEPT_PHRASES.items():
        phrases.extend((tuple(text.fold(p).split()), "concept", name) for p in items)
    phrases.sort(key=lambda item: -len(item[0]))
    return phrases


@cache
def _concept_phrases_by_first_word() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, kind, name in _phrases():
        if kind == "concept":
            by_first.setdefault(phrase[0], []).append((phrase, name))
    return by_first


def phrase_concept_tokens(folded_words: list[str]) -> set[str]:
    """The concept tokens of the phrases in a listing's text: a listing that says
    "safe house" or "salud mental" is found by the query phrase that means it."""
    by_first = _concept_phrases_by_first_word()
    found: set[str] = set()
    for start, word in enumerate(folded_words):
        for phrase, name in by_first.get(word, ()):
            if tuple(folded_words[start : start + len(phrase)]) == phrase:
                found.add(CONCEPTS_BY_KEY[name].token)
    return found


def match_phrase(folded_words: list[str], start: int) -> tuple[int, str, str] | None:
    """The longest phrase starting at ``start``: (length in words, kind, name)."""
    for phrase, kind, name in _phrases():
        end = start + len(phrase)
        if tuple(folded_words[start:end]) == phrase:
            return len(phrase), kind, name
    return None
