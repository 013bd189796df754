"""Arabic full-text search on SQLite (FTS5) and PostgreSQL (GIN over stored to_tsvector('simple', …)).

Neither engine folds Arabic well by itself, so both index text
that our own normaliser (arabic.normalize) has already folded, and queries go through the
same normaliser. There is no suffix stemming: names stay whole.

Words: a story's body is read with its block elements (paragraphs, headings, list items,
quotes, line breaks, table cells…) as word boundaries (body_text), so «الخلفية» in a heading
and the first word of the next paragraph stay two words, in the index and in the excerpt.

Proclitics (proclitics.py, where the rule is written out): a word that may carry a
conjunction (و، ف), a preposition (ب، ك، ل) and the article (ال; ل + ال is لل) is indexed as
written and also as each stem it may carry, with a minimum stem: «وفرنسا» also as «فرنسا»,
«بالقدس» also as «القدس» and «قدس», «وزير» also as «زير» (never only as «زير»); «بلد», «والي»
stay whole. A query word is looked for as written and, more cautiously, without what comes
before ال («والكرملين» → «الكرملين») or without a lone conjunction before at least 4 letters
(«وفرنسا» → «فرنسا»): a query for «بوتين» never looks for «وتين».

User input never reaches an engine as syntax: it is cut into word tokens, each token is
quoted (FTS5) or passed through plainto_tsquery (PostgreSQL), and a query without tokens
returns nothing without touching the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .arabic import normalize
from .proclitics import forms, query_forms

# A query is cut to this many tokens of at most this many characters: a 10,000-character
# query costs no more than a sentence.
MAX_QUERY_TOKENS = 10
MAX_TOKEN_LENGTH = 40

_TOKEN = re.compile(r"[^\W_]+")
# A word as written, tashkeel and tatweel included, for highlighting the original text.
_WRITTEN_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640])+")
FTS_TABLE = "articles_searchdocument_fts"
HEADLINE_FTS_TABLE = "articles_searchdocument_headline_fts"
HITS_INDEX = "searchdocument_hit_idx"


def tokens(text: str | None) -> list[str]:
    """The normalised words of ``text``; «،», «؛», «؟», «», punctuation and spaces are breaks."""
    return _TOKEN.findall(normalize(text))


def index_text(*texts: str | None) -> str:
    """What the index stores for ``texts``: every token and its proclitic-free form."""
    return " ".join(form for text in texts for token in tokens(text) for form in forms(token))


def query_terms(query: str | None) -> list[tuple[str, ...]]:
    """The query's distinct tokens (each with its forms), capped; every one must match."""
    seen, terms = set(), []
    for token in tokens((query or "")[: MAX_QUERY_TOKENS * (MAX_TOKEN_LENGTH + 1) * 4]):
        token = token[:MAX_TOKEN_LENGTH]
        if token in seen:
            continue
        seen.add(token)
        terms.append(query_forms(token))
        if len(terms) == MAX_QUERY_TOKENS:
            break
    return terms


# Elements that end a word: text on either side of them never runs together.
BLOCK_ELEMENTS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li"),
        *("main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul"),
    }
)
# Elements whose content is never text a reader sees.
_HIDDEN_ELEMENTS = frozenset({"script", "style", "template"})
_BLANK_LINES = re.compile(r"\s*\n\s*")


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN_ELEMENTS:
            self.hidden += 1
        elif tag in BLOCK_ELEMENTS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK_ELEMENTS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _HIDDEN_ELEMENTS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCK_ELEMENTS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def body_text(html_text: str | None) -> str:
    """A sanitised body as plain text, entities decoded, one line per block: a heading, a
    paragraph, a list item or a quote never runs into the next («منزل.» then «الشمس», not
    «منزل.الشمس»); inline elements (strong, em, a) join what they touch, as on the page."""
    if not html_text:
        return ""
    extractor = _TextExtractor()
    extractor.feed(html_text)
    extractor.close()
    return _BLANK_LINES.sub("\n", "".join(extractor.parts)).strip()


# --- Querying ---------------------------------------------------------------------


def _fts5_expression(terms: list[tuple[str, ...]]) -> str:
    # Tokens only hold letters and digits, but quote them anyway (doubling any quote, as FTS5
    # wants): a quoted string is always a phrase, never an operator such as AND or NEAR.
    def quoted(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    return " AND ".join("(" + " OR ".join(quoted(form) for form in group) + ")" for group in terms)


def candidate_limit() -> int:
    """Readers can page through at most this many results (articles.site.pagination.BoundedPaginator).

    The displayable results are always among the newest ``limit`` headline matches and the
    newest ``limit`` matches of any kind, so only those are ever ranked: a word found in half
    of 100,000 stories costs what it costs in 1,000.
    """
    return int(settings.MAX_LIST_PAGES) * int(settings.ARTICLES_PER_PAGE)


def _sqlite_search(queryset: QuerySet, terms, language: str) -> QuerySet:
    expression = _fts5_expression(terms)
    limit = candidate_limit()

    # The newest hits of an FTS5 table, mapped to their stories through HITS_INDEX (migration
    # 0012), never through the documents' rows: language and story come after kilobytes of text.
    def newest(table: str) -> tuple[str, list]:
        return (
            f"SELECT d.article_id FROM {table} JOIN articles_searchdocument d INDEXED BY {HITS_INDEX} "
            f"ON d.id = {table}.rowid WHERE {table} MATCH %s AND d.language = %s ORDER BY {table}.rowid DESC LIMIT %s",
            [expression, language, limit],
        )

    return _ranked(queryset, anywhere=newest(FTS_TABLE), in_headline=newest(HEADLINE_FTS_TABLE))


def _tsquery(terms) -> tuple[str, list]:
    """Every group must match, any form of a group may: each form is a parameter of
    plainto_tsquery, so no input is ever read as tsquery syntax."""
    groups, params = [], []
    for group in terms:
        groups.append("(" + " || ".join("plainto_tsquery('simple'::regconfig, %s)" for _form in group) + ")")
        params += list(group)
    return " && ".join(groups), params


def postgresql_matching(terms):
    """Documents matching every term, through the GIN index on their stored vectors
    (articles_searchdocument_tsv, migration 0013)."""
    from ..models import SearchDocument

    tsquery, params = _tsquery(terms)
    return SearchDocument.objects.filter(
        RawSQL(f"search_vector @@ ({tsquery})", params, output_field=BooleanField())
    ), (tsquery, params)


def _postgresql_search(queryset: QuerySet, terms, language: str) -> QuerySet:
    tsquery, params = _tsquery(terms)
    limit = candidate_limit()

    # The newest matches, from the documents' stored vectors (migration 0013): never parsing
    # a document's text again, whether the planner walks the newest documents or the GIN index.
    def newest(column: str) -> tuple[str, list]:
        return (
            f"SELECT article_id FROM articles_searchdocument WHERE language = %s AND {column} @@ ({tsquery}) "
            "ORDER BY id DESC LIMIT %s",
            [language, *params, limit],
        )

    return _ranked(queryset, anywhere=newest("search_vector"), in_headline=newest("headline_vector"))


def _ranked(queryset: QuerySet, *, anywhere: tuple[str, list], in_headline: tuple[str, list]) -> QuerySet:
    """The stories of ``queryset`` among the candidates, marked when the headline matched.

    Candidates are at most ``2 × candidate_limit()`` keys, and the query starts from them:
    only they are checked against ``queryset``'s gate and sorted, from the index of public
    stories' keys (migration 0012), never by walking every published story.
    """
    (anywhere_sql, anywhere_params), (headline_sql, headline_params) = anywhere, in_headline
    candidates = RawSQL(
        f"SELECT * FROM ({anywhere_sql}) AS anywhere UNION SELECT * FROM ({headline_sql}) AS in_headline",
        [*anywhere_params, *headline_params],
    )
    return queryset.filter(pk__in=candidates).annotate(
        headline_match=ExpressionWrapper(Q(pk__in=RawSQL(headline_sql, headline_params)), output_field=BooleanField())
    )


def search_articles(queryset: QuerySet, query: str | None, language: str) -> QuerySet:
    """Stories of ``queryset`` matching every word of ``query`` in ``language``.

    Headline matches come first, then the newest. ``queryset`` is the caller's public gate
    (published() in the reader's language): the index never decides what readers may see.
    """
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        found = _postgresql_search(queryset, terms, language)
    elif vendor == "sqlite":
        found = _sqlite_search(queryset, terms, language)
    else:  # pragma: no cover - the project runs on SQLite and PostgreSQL only
        raise NotImplementedError(f"No search index for {vendor}")
    return found.order_by("-headline_match", "-published_at", "-pk")


# --- Highlighting -----------------------------------------------------------------


@dataclass(frozen=True)
class Highlighter:
    """Marks the words of a text that the query matched, with the index's own rules."""

    wanted: frozenset[str]

    @classmethod
    def for_query(cls, query: str | None) -> Highlighter:
        return cls(frozenset(form for group in query_terms(query) for form in group))

    def _matches(self, word: str) -> bool:
        return any(form in self.wanted for token in tokens(word) for form in forms(token))

    def _spans(self, text: str) -> list[tuple[int, int]]:
        if not self.wanted:
            return []
        return [m.span() for m in _WRITTEN_WORD.finditer(text) if self._matches(m.group())]

    def mark(self, text: str | None) -> SafeString:
        """``text`` escaped, with each matched word in <mark>."""
        text = text or ""
        return self._render(text, self._spans(text))

    def excerpt(self, text: str | None, *, length: int = 220) -> SafeString:
        """About ``length`` characters of ``text`` around its first match, escaped and marked."""
        text = re.sub(r"\s+", " ", text or "").strip()
        spans = self._spans(text)
        if not spans or len(text) <= length:
            start = 0
        else:
            start = max(0, spans[0][0] - length // 3)
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 else 0
        end = min(len(text), start + length)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        window = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
        rendered = self._render(text[start:end], window)
        return mark_safe(("… " if start else "") + rendered + (" …" if end < len(text) else ""))

    @staticmethod
    def _render(text: str, spans: list[tuple[int, int]]) -> SafeString:
        parts, last = [], 0
        for start, end in spans:
            parts.append(escape(text[last:start]))
            parts.append(f"<mark>{escape(text[start:end])}</mark>")
            last = end
        parts.append(escape(text[last:]))
        return mark_safe("".join(parts))  # every piece of text is escaped above


def document_texts(
    *, headline: str, dek: str, body: str, names: list[str]
) -> tuple[str, str]:  # fmt: skip
    """The (headline, rest) a search document stores: both normalised, with proclitic-free forms.

    ``names`` are the story's tags, bylines and sources in the document's language.
    """
    return index_text(headline), index_text(dek, body_text(body), *names)
