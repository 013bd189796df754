"""A story page weighs at most 120 KB compressed before images: HTML, CSS and fonts, and needs no script."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from .factories import make_agency, make_article, make_author, make_image

pytestmark = pytest.mark.django_db

BUDGET = 120 * 1024


def test_story_page_weighs_less_than_its_budget_and_needs_no_javascript(client):
    paragraphs = "".join(f"<p>{'فقرة طويلة من نص الخبر العربي ' * 12}{n}</p>" for n in range(12))
    story = make_article(
        headline="وزراء خارجية عرب يبحثون في عمّان خطة لإعادة إعمار المدن المتضررة",
        dek="الاجتماع التشاوري يناقش صندوقاً مشتركاً وآلية لمتابعة المشاريع على الأرض.",
        body=paragraphs + "<blockquote>إعادة الإعمار ليست مباني فقط.</blockquote>",
        tags=[f"وسم {n}" for n in range(10)],
        bylines=[make_author(), "وكالات"],
        sources=[make_agency(name="بلومبيرغ", name_en="Bloomberg"), make_agency(name="NBC News", name_en="NBC News")],
        lead_image=make_image(),
    )
    html = client.get(story.get_absolute_url()).content
    assert b"<script" not in html.replace(b'<script type="application/ld+json"', b"")

    stylesheets = re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html)
    assert stylesheets
    css_bytes = b""
    for href in stylesheets:
        name = href.decode().removeprefix(settings.STATIC_URL).removeprefix("/" + settings.STATIC_URL)
        name = re.sub(r"\.[0-9a-f]{12}\.css$", ".css", name)
        css_bytes += Path(finders.find(name)).read_bytes()
    fonts = {m.decode() for m in re.findall(rb'url\("\.\./fonts/([^"]+\.woff2)"\)', css_bytes)}
    font_bytes = sum(Path(finders.find(f"fonts/{font}")).stat().st_size for font in fonts)

    total = len(gzip.compress(html)) + len(gzip.compress(css_bytes)) + font_bytes
    print(f"story page weight: {total / 1024:.1f} KB")
    assert total <= BUDGET, f"{total / 1024:.1f} KB (html+css gzip, every font file)"
