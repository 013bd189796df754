"""Arabic full-text search on SQLite (FTS5) and PostgreSQL (GIN over to_tsvector('simple', …)).

Neither engine folds Arabic well by itself (../shared/ARABIC.md §Search), so both index text
that our own normaliser (arabic.normalize) has already folded, and queries go through the
same normaliser. Each word is indexed as written and, when it starts with a proclitic
(«وال», «بال», «كال», «فال», «لل», «ال»), also without it, so «الكرملين» finds «والكرملين».
There is no suffix stemming: names stay whole.

User input never reaches an engine as syntax: it is cut into word tokens, each token is
quoted (FTS5) or passed through plainto_tsquery (PostgreSQL), and a query without tokens
returns nothing without touching the index.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from .arabic import normalize

PROCLITICS = ("وال", "بال", "كال", "فال", "لل", "ال")
# What is left of a word after its proclitic must keep at least this many letters.
MIN_STEM = 2
# A query is cut to this many tokens of at most this many characters: a 10,000-character
# query costs no more than a sentence.
MAX_QUERY_TOKENS = 10
MAX_TOKEN_LENGTH = 40

_TOKEN = re.compile(r"[^\W_]+")
# A word as written, tashkeel and tatweel included, for highlighting the original text.
_WRITTEN_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640])+")
FTS_TABLE = "articles_searchdocument_fts"


def tokens(text: str | None) -> list[str]:
    """The normalised words of ``text``; «،», «؛», «؟», «», punctuation and spaces are breaks."""
    return _TOKEN.findall(normalize(text))


def without_proclitic(token: str) -> str:
    for proclitic in PROCLITICS:
        if token.startswith(proclitic) and len(token) - len(proclitic) >= MIN_STEM:
            return token[len(proclitic) :]
    return token


@functools.lru_cache(maxsize=65536)
def forms(token: str) -> tuple[str, ...]:
    """The token and, when it has a proclitic, the token without it (a language's words repeat:
    remembering them makes indexing a long story several times faster)."""
    bare = without_proclitic(token)
    return (token,) if bare == token else (token, bare)


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
        terms.append(forms(token))
        if len(terms) == MAX_QUERY_TOKENS:
            break
    return terms


def body_text(html_text: str | None) -> str:
    """A sanitised body as plain text, entities decoded."""
    return html.unescape(strip_tags(html_text or ""))


# --- Querying ---------------------------------------------------------------------


def _fts5_expression(terms: list[tuple[str, ...]]) -> str:
    # Tokens only hold letters and digits, but quote them anyway (doubling any quote, as FTS5
    # wants): a quoted string is always a phrase, never an operator such as AND or NEAR.
    def quoted(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    return " AND ".join("(" + " OR ".join(quoted(form) for form in group) + ")" for group in terms)


def candidate_limit() -> int:
    """Readers can page through at most this many results (articles.pagination.BoundedPaginator).

    The displayable results are always among the newest ``limit`` headline matches and the
    newest ``limit`` matches of any kind, so only those are ever ranked: a word found in half
    of 100,000 stories costs what it costs in 1,000.
    """
    return int(settings.MAX_LIST_PAGES) * int(settings.ARTICLES_PER_PAGE)


def _sqlite_search(queryset: QuerySet, terms, language: str) -> QuerySet:
    expression = _fts5_expression(terms)
    matching = (
        f"SELECT d.article_id FROM articles_searchdocument d JOIN {FTS_TABLE} ON {FTS_TABLE}.rowid = d.id "
        f"WHERE {FTS_TABLE} MATCH %s AND d.language = %s ORDER BY {FTS_TABLE}.rowid DESC LIMIT %s"
    )
    limit = candidate_limit()
    anywhere = RawSQL(matching, [expression, language, limit])
    in_headline = RawSQL(matching, [f"headline : ({expression})", language, limit])
    return queryset.filter(Q(pk__in=anywhere) | Q(pk__in=in_headline)).annotate(
        headline_match=ExpressionWrapper(Q(pk__in=in_headline), output_field=BooleanField())
    )


def postgresql_matching(terms):
    """Documents matching every term, through the GIN index of migration 0007_search."""
    from django.contrib.postgres.search import SearchQuery, SearchVector

    from .models import SearchDocument

    query = reduce(
        and_,
        (reduce(or_, (SearchQuery(form, config="simple", search_type="plain") for form in group)) for group in terms),
    )
    # The same expression as the index, so the index serves it.
    matching = SearchDocument.objects.annotate(document=SearchVector("headline", "body", config="simple")).filter(
        document=query
    )
    return matching, query


def _postgresql_search(queryset: QuerySet, terms, language: str) -> QuerySet:
    from django.contrib.postgres.search import SearchVector

    matching, query = postgresql_matching(terms)
    matching = matching.filter(language=language)
    in_headline = matching.annotate(headline_vector=SearchVector("headline", config="simple")).filter(
        headline_vector=query
    )
    limit = candidate_limit()
    anywhere = matching.order_by("-id").values("article_id")[:limit]
    in_headline = in_headline.order_by("-id").values("article_id")[:limit]
    return queryset.filter(Q(pk__in=anywhere) | Q(pk__in=in_headline)).annotate(
        headline_match=ExpressionWrapper(Q(pk__in=in_headline), output_field=BooleanField())
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
