"""The demo's fronts and live coverage: a curated home page, a «عاجل» line and a live story with
updates (some with photos, one pinned), all written through the services."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile

from ..live import services as live_services
from ..models import Article
from ..photos import services as photo_services
from ..stories import services
from . import services as front_services

LIVE_HEADLINE = "زلزال بقوة 6.1 درجات يضرب شمال البلاد: تغطية مباشرة"
LIVE_DEK = "فرق الإنقاذ تبحث عن ناجين تحت الأنقاض، والسلطات تفتح مراكز إيواء في ثلاث مدن."
LIVE_BODY = (
    "<p>ضرب زلزال بقوة 6.1 درجات على مقياس ريختر المناطق الشمالية فجر اليوم، وشعر به سكان العاصمة. "
    "نتابع هنا آخر التطورات لحظة بلحظة.</p>"
)
UPDATES = [
    ("هيئة الأرصاد: مركز الزلزال على عمق عشرة كيلومترات شمال مدينة الساحل.", False, False),
    ("وصول أول فرق الدفاع المدني إلى الأحياء المتضررة في المدينة القديمة.", False, True),
    ("وزارة الصحة: المستشفيات الشمالية تعمل بكامل طاقتها وتستقبل المصابين.", False, False),
    ("عاجل: هزة ارتدادية بقوة 4.2 درجات تضرب المنطقة نفسها.", True, False),
    ("فتح ثلاثة مراكز إيواء في المدارس الحكومية لاستقبال العائلات.", False, True),
    ("الهلال الأحمر يدعو المواطنين إلى التبرع بالدم في أقرب مركز.", False, False),
    ("رئيس الوزراء يصل إلى المنطقة ويتفقد أعمال الإنقاذ.", False, False),
    ("إعادة فتح الطريق السريع الشمالي بعد إزالة الركام.", False, True),
    ("الحصيلة الأولية: لا وفيات مسجلة حتى الآن، وعشرات الإصابات الطفيفة.", True, False),
]
PINNED = 8  # the key update: the toll so far


def load(*, now, editor, section, agency, draw_photo) -> Article:
    lead_photo = photo_services.image_create(
        file=ContentFile(draw_photo(99), name="live.jpg"),
        alt_text="مبان متضررة في حي سكني بعد الزلزال",
        caption="آثار الزلزال في المدينة القديمة",
        credit=agency,
        copyright_notice=f"© {agency.name_en}",
        by=editor,
    )
    story = services.article_create(
        headline=LIVE_HEADLINE,
        dek=LIVE_DEK,
        body=LIVE_BODY,
        section=section,
        lead_image=lead_photo,
        tags=["المدن", "الشرق الأوسط"],
        sources=[services.SourceInput(source=agency)],
        bylines=[services.BylineInput(text="فريق التحرير")],
        publish=True,
        publish_at=now - timedelta(hours=2),
        by=editor,
    )
    coverage = live_services.live_start(article=story, by=editor)
    start = now - timedelta(hours=2) + timedelta(minutes=5)
    for index, (text, is_breaking, with_photo) in enumerate(UPDATES):
        photo = None
        if with_photo:
            photo = photo_services.image_create(
                file=ContentFile(draw_photo(100 + index), name="live.jpg"),
                alt_text="فرق الإنقاذ بين أنقاض مبنى منهار",
                caption="عمال الإنقاذ في موقع الزلزال",
                credit=agency,
                copyright_notice=f"© {agency.name_en}",
                by=editor,
            )
        update = live_services.live_add_update(
            coverage=coverage,
            text=text,
            photo=photo,
            is_breaking=is_breaking,
            at=start + timedelta(minutes=12 * index),
            by=editor,
        )
        if index == PINNED:
            live_services.live_pin(update=update, by=editor)

    # The front: the live story leads, two chosen stories follow; the rest fill with the newest.
    front_services.front_place(article=story, language="ar", position=0, by=editor)
    chosen = list(Article.objects.published().exclude(pk=story.pk).order_by("published_at")[:2])
    for position, article in enumerate(chosen, start=1):
        front_services.front_place(article=article, language="ar", position=position, by=editor)
    front_services.breaking_set(language="ar", text="زلزال بقوة 6.1 درجات يضرب شمال البلاد", article=story, by=editor)
    return story
