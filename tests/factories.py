"""Plain functions that build newsroom content the way the application does (through services)."""

import io
import itertools
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from PIL import Image as PILImage

from articles.models import Agency, Author, Placement, Section
from articles.photos import services as photo_services
from articles.stories import services

from .conftest import REFERENCE_TIME

_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


def jpeg_bytes(width: int = 64, height: int = 48, color=(24, 62, 94)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def jpeg_upload(name: str = "photo.jpg", width: int = 64, height: int = 48) -> ContentFile:
    return ContentFile(jpeg_bytes(width, height), name=name)


def make_section(*, name: str = "سياسة", name_en: str = "Politics", slug: str | None = None, position: int = 0):
    n = _next()
    return Section.objects.create(name_ar=name, name_en=name_en, slug=slug or f"{name}-{n}", position=position)


def make_author(*, name: str = "ليلى حداد", name_en: str = "Layla Haddad", slug: str | None = None, user=None):
    n = _next()
    return Author.objects.create(name_ar=name, name_en=name_en, slug=slug or f"{name.replace(' ', '-')}-{n}", user=user)


def make_agency(*, name: str = "رويترز", name_en: str = "Reuters", slug: str | None = None):
    n = _next()
    return Agency.objects.create(name_ar=name, name_en=name_en, slug=slug or f"agency-{n}")


_AGENCY = object()


def make_image(
    *,
    alt_text: str = "طاولة اجتماعات طويلة يجلس حولها مسؤولون",
    caption: str = "وزراء الخارجية خلال الجلسة الافتتاحية في عمّان",
    credit=_AGENCY,
    name: str = "photo.jpg",
    width: int = 64,
    height: int = 48,
    by=None,
    translations=None,
):
    """A credited photo with alt text (what a story needs to be published); ``credit=None`` for none."""
    if credit is _AGENCY:
        credit = make_agency()
    return photo_services.image_create(
        file=jpeg_upload(name, width, height),
        alt_text=alt_text,
        caption=caption,
        credit=credit,
        by=by,
        translations=translations,
    )


def make_article(
    *,
    headline: str | None = None,
    section=None,
    body: str = "<p>افتتح الوزراء اجتماعاً تشاورياً في عمّان.</p>",
    dek: str = "",
    publish: bool = True,
    published_at=None,
    tags=(),
    bylines=(),
    sources=(),
    lead_image=None,
    english: dict | None = None,
    by=None,
):
    """A story; published an hour before the reference time unless told otherwise."""
    if headline is None:
        headline = f"خبر رقم {_next()} عن الاجتماع"
    if section is None:
        section = make_section()
    if publish and published_at is None:
        published_at = REFERENCE_TIME - timedelta(hours=1)
    return services.article_create(
        headline=headline,
        section=section,
        body=body,
        dek=dek,
        publish=publish,
        publish_at=published_at,
        tags=tags,
        bylines=[
            services.BylineInput(author=a) if isinstance(a, Author) else services.BylineInput(text=a) for a in bylines
        ],
        sources=[services.SourceInput(source=s) for s in sources],
        lead_image=lead_image,
        translations={"en": english} if english else None,
        by=by,
    )


def make_rich_articles(count: int, *, section=None, authors=None, sources=None, credit=None, start=REFERENCE_TIME):
    """``count`` published, translated stories, each with a credited lead image, three tags,
    two or three bylines and two sources.

    Pass the same section, authors, sources and credit to add more stories to the same pages:
    query-budget tests compare a page with few stories against the same page with many.
    """
    section = section or make_section()
    credit = credit or make_agency(name="فرانس برس", name_en="AFP")
    authors = authors or [make_author(name="سامر العلي", name_en="Samer Al-Ali"), make_author()]
    sources = sources or [make_agency(name="بلومبيرغ", name_en="Bloomberg"), make_agency(name="NBC News")]
    stories = []
    for _ in range(count):
        n = _next()
        stories.append(
            make_article(
                headline=f"قصة رقم {n} عن الاقتصاد",
                dek="سطر تمهيدي قصير.",
                section=section,
                published_at=start - timedelta(minutes=n),
                tags=["الاقتصاد", "الشرق الأوسط", f"وسم {n}"],
                bylines=[*authors, "وكالات"] if n % 2 else authors,
                sources=sources,
                lead_image=make_image(credit=credit),
                english={"headline": f"Story number {n} on the economy", "dek": "A short dek."},
            )
        )
    return stories


# --- Data files -----------------------------------------------------------------------

# The suite's own data files (tests/data/README.md says what each one is for).
DATA = Path(__file__).resolve().parent / "data"


def data_path(*parts: str) -> Path:
    """A file or folder under tests/data/, which must be there.

    Tests never skip over missing data: without this check an empty folder would give an empty
    parametrize list, which pytest reports as a skip, and a suite could pass without having
    tested anything.
    """
    path = DATA.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"test data {path} is missing; it belongs in the repository (tests/data/)")
    return path


def data_files(*parts: str) -> list[str]:
    """The names of the files in a folder under tests/data/, which must hold at least one."""
    names = sorted(path.name for path in data_path(*parts).iterdir() if path.is_file())
    if not names:
        raise FileNotFoundError(f"test data folder {DATA.joinpath(*parts)} is empty")
    return names


# --- The photo desk -------------------------------------------------------------------


def sample_upload(path: str) -> ContentFile:
    """A sample file ("good/afp_beirut.jpg") as an upload under its own name."""
    file = data_path("images", path)
    return ContentFile(file.read_bytes(), name=file.name)


def _xmp_packet(*, credit: str, caption: str, creator: str, alt_text: str) -> bytes:
    properties = []
    if credit:
        properties.append(f"<photoshop:Credit>{escape(credit)}</photoshop:Credit>")
    if caption:
        properties.append(
            '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{escape(caption)}</rdf:li></rdf:Alt></dc:description>"
        )
    if creator:
        properties.append(f"<dc:creator><rdf:Seq><rdf:li>{escape(creator)}</rdf:li></rdf:Seq></dc:creator>")
    if alt_text:
        properties.append(
            "<Iptc4xmpCore:AltTextAccessibility><rdf:Alt>"
            f'<rdf:li xml:lang="x-default">{escape(alt_text)}</rdf:li>'
            "</rdf:Alt></Iptc4xmpCore:AltTextAccessibility>"
        )
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
        ' xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/">'
        + "".join(properties)
        + '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def jpeg_with_xmp(
    *,
    credit: str = "",
    caption: str = "",
    creator: str = "",
    alt_text: str = "",
    xmp: bytes | None = None,
    name: str = "wire.jpg",
    width: int = 64,
    height: int = 48,
) -> ContentFile:
    """A small JPEG carrying an agency's XMP packet (or ``xmp`` as given), as an upload."""
    packet = xmp if xmp is not None else _xmp_packet(credit=credit, caption=caption, creator=creator, alt_text=alt_text)
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (90, 110, 130)).save(buffer, "JPEG", quality=70, xmp=packet)
    return ContentFile(buffer.getvalue(), name=name)


def make_placement(*, article, image, position: int = 0, after_paragraph: int | None = None, caption: str = ""):
    """A photo shown in a story: between paragraphs (``after_paragraph``) or in its gallery."""
    return Placement.objects.create(
        article=article, image=image, position=position, after_paragraph=after_paragraph, caption_override_ar=caption
    )
