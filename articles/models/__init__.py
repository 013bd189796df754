"""The app's models, defined in its sub-packages and gathered here under the one label ``articles``
(migrations, content types and saved revisions refer to them by it)."""

from ..desk.models import StoryDraft
from ..front.models import BreakingNews, FrontSlot, SitePage
from ..live.models import LiveCoverage, LiveUpdate
from ..photos.models import (
    RENDITION_EXTENSIONS,
    RENDITION_RATIOS,
    RENDITION_WIDTHS,
    AgencyAlias,
    CreditSuggestion,
    Image,
    image_upload_to,
    original_storage,
    rendition_name,
    rendition_size,
    rendition_url,
    rendition_widths,
)
from ..search.models import SearchDocument
from ..stories.catalogue import Agency, Author, Section, Tag, TaggedArticle
from ..stories.models import (
    QUIET_FIELDS,
    Article,
    ArticleQuerySet,
    Byline,
    CitedSource,
    Correction,
    Placement,
    PreviewLink,
)
from ..wire.models import AgencyItem

__all__ = [
    "QUIET_FIELDS",
    "RENDITION_EXTENSIONS",
    "RENDITION_RATIOS",
    "RENDITION_WIDTHS",
    "Agency",
    "AgencyItem",
    "AgencyAlias",
    "Article",
    "ArticleQuerySet",
    "Author",
    "BreakingNews",
    "Byline",
    "CitedSource",
    "Correction",
    "CreditSuggestion",
    "FrontSlot",
    "Image",
    "LiveCoverage",
    "LiveUpdate",
    "Placement",
    "PreviewLink",
    "SearchDocument",
    "StoryDraft",
    "Section",
    "SitePage",
    "Tag",
    "TaggedArticle",
    "image_upload_to",
    "original_storage",
    "rendition_name",
    "rendition_size",
    "rendition_url",
    "rendition_widths",
]
