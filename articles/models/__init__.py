"""The app's models, defined in its sub-packages and gathered here under the one label ``articles``
(migrations, content types and saved revisions refer to them by it)."""

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

__all__ = [
    "QUIET_FIELDS",
    "RENDITION_EXTENSIONS",
    "RENDITION_RATIOS",
    "RENDITION_WIDTHS",
    "Agency",
    "AgencyAlias",
    "Article",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "CitedSource",
    "Correction",
    "CreditSuggestion",
    "Image",
    "Placement",
    "PreviewLink",
    "SearchDocument",
    "Section",
    "Tag",
    "TaggedArticle",
    "image_upload_to",
    "original_storage",
    "rendition_name",
    "rendition_size",
    "rendition_url",
    "rendition_widths",
]
