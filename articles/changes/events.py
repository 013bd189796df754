"""What changed, announced by the services: the one seam every derived copy hangs off.

A write wraps itself in one of the three announcements below (``StoryChange``,
``CatalogueChange``, ``PhotoChange``). On entry the announcement notes where the things it
changes appear on the reader site now ("before": a story's addresses and the lists that carry
it); when the block ends without an error it sends its signal, still inside the writer's
transaction, with the ids and that "before". Announcements nest: an inner one of the same kind
joins the outer one, so a story created with its tags, bylines and sources is announced once.

Each derived copy is a receiver in its own module of this package (connected in
``ArticlesConfig.ready``). Copies kept in the database — search documents, the tag rows'
publication times — are written when the signal arrives, in the same transaction, so a rollback
takes them back with the change. Effects outside the database — page-cache versions, the cached
section menu, the CDN — are scheduled with ``transaction.on_commit``: nothing outside learns of
a change that did not happen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.dispatch import Signal

# sender: Article. ids: the stories as they are now (created or changed); deleted: ids of stories
# that no longer exist; before: {id: StoryPlaces} for every story that existed when it started.
stories_changed = Signal()
# sender: Section, Author, Agency or Tag. before: {id: CatalogueItem} as the items were;
# ids: those that still exist; deleted: those that do not.
catalogue_changed = Signal()
# sender: Image. ids: the photos; story_ids: every story that showed one of them before or shows
# it now; replaced: True when a photo's file (so its renditions' names) changed.
photos_changed = Signal()

CHUNK = 5_000


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@dataclass(frozen=True)
class StoryPlaces:
    """Where a story appears on the reader site: its address in each language and its lists."""

    pk: int
    slugs: tuple[tuple[str, str], ...]  # (language, slug) for each language it has an address in
    section: str
    tags: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    authors: frozenset[str] = frozenset()


def story_places(ids: Iterable[int]) -> dict[int, StoryPlaces]:
    """Where each of these stories appears now: four queries however many stories there are."""
    from ..models import Article, Byline, CitedSource, TaggedArticle

    ids = sorted({pk for pk in ids if pk is not None})
    languages = [language for language, _name in settings.LANGUAGES]
    places: dict[int, StoryPlaces] = {}
    for chunk in _chunks(ids):
        tags, sources, authors = defaultdict(set), defaultdict(set), defaultdict(set)
        for pk, slug in TaggedArticle.objects.filter(content_object_id__in=chunk).values_list(
            "content_object_id", "tag__slug"
        ):
            tags[pk].add(slug)
        for pk, slug in CitedSource.objects.filter(article_id__in=chunk).values_list("article_id", "source__slug"):
            sources[pk].add(slug)
        for pk, slug in Byline.objects.filter(article_id__in=chunk, author__isnull=False).values_list(
            "article_id", "author__slug"
        ):
            authors[pk].add(slug)
        rows = Article.objects.filter(pk__in=chunk).values_list(
            "pk", "section__slug", *(f"slug_{language}" for language in languages)
        )
        for pk, section, *slugs in rows:
            places[pk] = StoryPlaces(
                pk=pk,
                slugs=tuple((language, slug) for language, slug in zip(languages, slugs, strict=True) if slug),
                section=section,
                tags=frozenset(tags[pk]),
                sources=frozenset(sources[pk]),
                authors=frozenset(authors[pk]),
            )
    return places


@dataclass(frozen=True)
class CatalogueItem:
    """A section, author, agency or tag as it was: its kind, address and the stories showing it."""

    kind: str  # "section", "author", "source" (an agency) or "tag": the reader list it has
    pk: int
    slug: str
    story_ids: frozenset[int] = frozenset()


CATALOGUE_KINDS = {"Section": "section", "Author": "author", "Agency": "source", "Tag": "tag"}


def _stories_showing(model, pks: list[int]) -> dict[int, set[int]]:
    """For each catalogue item, the stories whose pages show its name."""
    from ..models import Article, Byline, CitedSource, Placement, TaggedArticle

    showing: dict[int, set[int]] = defaultdict(set)
    kind = CATALOGUE_KINDS[model.__name__]
    queries = {
        # Every page's menu names the sections (the page cache's ``nav``); their stories are
        # not listed one by one (a section holds tens of thousands).
        "section": [],
        "tag": [TaggedArticle.objects.filter(tag_id__in=pks).values_list("tag_id", "content_object_id")],
        "author": [Byline.objects.filter(author_id__in=pks).values_list("author_id", "article_id")],
        "source": [
            CitedSource.objects.filter(source_id__in=pks).values_list("source_id", "article_id"),
            Article.objects.filter(lead_image__credit_id__in=pks).values_list("lead_image__credit_id", "pk"),
            Placement.objects.filter(image__credit_id__in=pks).values_list("image__credit_id", "article_id"),
        ],
    }[kind]
    for query in queries:
        for item_pk, story_pk in query:
            showing[item_pk].add(story_pk)
    return showing


def catalogue_items(model, pks: Iterable[int]) -> dict[int, CatalogueItem]:
    pks = sorted(set(pks))
    kind = CATALOGUE_KINDS[model.__name__]
    items = {}
    for chunk in _chunks(pks):
        showing = _stories_showing(model, chunk)
        for pk, slug in model.objects.filter(pk__in=chunk).values_list("pk", "slug"):
            items[pk] = CatalogueItem(kind=kind, pk=pk, slug=slug, story_ids=frozenset(showing[pk]))
    return items


def photo_stories(image_ids: Iterable[int]) -> set[int]:
    """The stories that show any of these photos, as lead photo or placed in the body or gallery."""
    from ..models import Article

    ids = sorted(set(image_ids))
    stories: set[int] = set()
    for chunk in _chunks(ids):
        stories |= set(
            Article.objects.filter(Q(lead_image_id__in=chunk) | Q(placements__image_id__in=chunk)).values_list(
                "pk", flat=True
            )
        )
    return stories


def photo_authors(image_ids: Iterable[int]) -> set[str]:
    """The slugs of the authors whose page shows one of these photos as their portrait."""
    from ..models import Author

    ids = sorted(set(image_ids))
    slugs: set[str] = set()
    for chunk in _chunks(ids):
        slugs |= set(Author.objects.filter(photo_id__in=chunk).values_list("slug", flat=True))
    return slugs


# --- Announcements -------------------------------------------------------------------------

_open: ContextVar[dict | None] = ContextVar("sahifa_open_changes", default=None)


@dataclass
class _Change:
    """One announcement; subclasses say what they note on entry and what they send on exit."""

    objects: list = field(default_factory=list)
    ids: set[int] = field(default_factory=set)
    kind: str = ""

    def current_ids(self) -> set[int]:
        return self.ids | {obj.pk for obj in self.objects if obj.pk is not None}

    def __enter__(self):
        opened = _open.get()
        self.outer = opened.get(self.kind) if opened else None
        if self.outer is not None:
            self.outer.join(self)
            return self.outer
        self.token = _open.set({**(opened or {}), self.kind: self})
        self.note_before(self.current_ids())
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.outer is not None:
            return False
        _open.reset(self.token)
        if exc_type is None:
            self.send()
        return False

    def join(self, inner: _Change) -> None:
        new = inner.current_ids() - self.current_ids()
        self.objects += inner.objects
        self.ids |= inner.ids
        self.note_before(new)

    def note_before(self, ids: set[int]) -> None:
        raise NotImplementedError

    def send(self) -> None:
        raise NotImplementedError


class StoryChange(_Change):
    """Announce a change to stories (created, edited, published, tagged, deleted…).

    with StoryChange(articles=[article]):       # or ids=[…] for a bulk write
        article.save()

    ``deleting=True`` for a delete: the stories are announced as deleted.
    """

    def __init__(self, *, articles: Iterable = (), ids: Iterable[int] = (), deleting: bool = False):
        super().__init__(objects=list(articles), ids=set(ids), kind="stories")
        self.deleting = deleting
        self.before: dict[int, StoryPlaces] = {}

    def note_before(self, ids):
        self.before.update(story_places(ids - set(self.before)))

    def join(self, inner):
        self.deleting = self.deleting or inner.deleting
        super().join(inner)

    def send(self):
        from ..models import Article

        ids = self.current_ids() | set(self.before)
        existing = set(Article.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
        if not ids:
            return
        stories_changed.send(
            sender=Article, ids=tuple(sorted(existing)), deleted=tuple(sorted(ids - existing)), before=self.before
        )


class CatalogueChange(_Change):
    """Announce a change to sections, authors, agencies or tags (renamed, deleted).

    with CatalogueChange(model=Tag, objects=[tag]):
        tag.save()
    """

    def __init__(self, *, model, objects: Iterable = (), ids: Iterable[int] = ()):
        super().__init__(objects=list(objects), ids=set(ids), kind=f"catalogue:{model.__name__}")
        self.model = model
        self.before: dict[int, CatalogueItem] = {}

    def note_before(self, ids):
        self.before.update(catalogue_items(self.model, ids - set(self.before)))

    def send(self):
        ids = self.current_ids() | set(self.before)
        if not ids:
            return
        existing = set(self.model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        catalogue_changed.send(
            sender=self.model, ids=tuple(sorted(existing)), deleted=tuple(sorted(ids - existing)), before=self.before
        )


class PhotoChange(_Change):
    """Announce a change to photos (details, credit, focal point, a replaced file).

    with PhotoChange(images=[image], replaced=True):
        ...store the new file...
    """

    def __init__(self, *, images: Iterable = (), ids: Iterable[int] = (), replaced: bool = False):
        super().__init__(objects=list(images), ids=set(ids), kind="photos")
        self.replaced = replaced
        self.story_ids: set[int] = set()
        self.noted: set[int] = set()

    def note_before(self, ids):
        self.story_ids |= photo_stories(ids - self.noted)
        self.noted |= ids

    def join(self, inner):
        self.replaced = self.replaced or inner.replaced
        super().join(inner)

    def send(self):
        from ..models import Image

        ids = self.current_ids()
        if not ids:
            return
        story_ids = self.story_ids | photo_stories(ids)
        photos_changed.send(
            sender=Image, ids=tuple(sorted(ids)), story_ids=frozenset(story_ids), replaced=self.replaced
        )
