"""Generate realistic Arabic stories in bulk, for load tests and benchmarks.

Stories get sections, tags, bylines, cited sources, shared photos and search documents,
about one in five an English translation; all are marked ``is_generated`` so
``--remove`` deletes exactly them. Rows are written with bulk inserts in batches (each
batch in one transaction), so 100,000 stories take minutes, not hours.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ... import demo
from ...changes.events import StoryChange
from ...desk.progress import progress
from ...models import Agency, Article, Author, Byline, CitedSource, Image, Section, Tag, TaggedArticle
from ...photos import services as photo_services

WORDS = (
    "الحكومة البرلمان الاقتصاد الأسواق النفط الغاز الطاقة المناخ المياه الزراعة الصحة التعليم الجامعة المدارس "
    "الشباب النساء الأطفال المدينة القرية الميناء المطار القطار الطريق الجسر المستشفى المصنع الشركة البنك "
    "الدينار الريال الدولار التضخم الأسعار الرواتب العمال النقابة الانتخابات الحزب الوزير الرئيس السفير القمة "
    "المؤتمر الاتفاق المفاوضات الحدود اللاجئين الإغاثة الإعمار الزلزال الفيضان الجفاف الحرائق الأمطار "
    "المهرجان المعرض الكتاب الرواية الشعر المسرح السينما الموسيقى الفريق المباراة البطولة الملعب المنتخب "
    "التقنية الإنترنت الهاتف البيانات الذكاء الاصطناعي الفضاء القمر الصناعي البحث العلمي المتحف التراث"
).split()
VERBS = "يبحث يعلن يقر يناقش يفتتح يطلق يرفض يؤكد يحذر يستضيف يدعو يتوقع يسجل يختتم".split()
PLACES = "عمّان بيروت القاهرة الرياض الدوحة تونس الرباط بغداد دمشق الجزائر مسقط الكويت المنامة أبوظبي".split()
EN_WORDS = "government parliament economy markets energy climate water health schools city port talks summit".split()

TAGS = 400
SECTIONS = ("سياسة", "اقتصاد", "ثقافة", "رياضة", "علوم", "منوعات")
BATCH = 2000


class Command(BaseCommand):
    help = "Generate N realistic Arabic stories (marked as generated), or remove them with --remove."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="How many stories to add (default 1,000).")
        parser.add_argument("--remove", action="store_true", help="Delete every generated story instead.")
        parser.add_argument("--seed", type=int, default=7, help="Random seed, for repeatable data.")
        parser.add_argument("--days", type=int, default=3650, help="Spread publication over this many days back.")

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["remove"]:
            removed = self.remove()
            self.stdout.write(
                self.style.SUCCESS(f"Removed {removed} generated stories in {time.monotonic() - started:.1f} s.")
            )
            return
        count = options["count"]
        if count < 1:
            raise CommandError("--count must be at least 1.")
        rng = random.Random(options["seed"])
        pools = self.pools(rng)
        first_number = Article.objects.filter(is_generated=True).count()
        batches = range(0, count, BATCH)
        for start in progress(batches, total=len(batches), label="generate_articles"):
            size = min(BATCH, count - start)
            self.write_batch(rng, pools, first_number + start, size, options["days"])
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Generated {count} stories in {elapsed:.1f} s ({count / elapsed:.0f}/s).")
        )

    def remove(self) -> int:
        removed = 0
        while True:
            ids = list(Article.objects.filter(is_generated=True).values_list("pk", flat=True)[:BATCH])
            if not ids:
                break
            with transaction.atomic(), StoryChange(ids=ids, deleting=True):
                Article.objects.filter(pk__in=ids).delete()
            removed += len(ids)
        return removed

    def pools(self, rng: random.Random) -> dict:
        with transaction.atomic():
            sections = [
                Section.objects.get_or_create(slug=name, defaults={"name_ar": name, "name_en": name, "position": i})[0]
                for i, name in enumerate(SECTIONS)
            ]
            authors = [
                Author.objects.get_or_create(
                    slug=f"generated-author-{i}",
                    defaults={"name_ar": f"{rng.choice(['سامي', 'هدى', 'كريم', 'ريم', 'عمر', 'لينا'])} {i}"},
                )[0]
                for i in range(20)
            ]
            agencies = list(Agency.objects.all()[:8]) or [
                Agency.objects.create(name_ar=name, name_en=name, slug=f"generated-agency-{i}")
                for i, name in enumerate(["رويترز", "بلومبيرغ", "فرانس برس", "أسوشيتد برس"])
            ]
            tag_names = sorted({f"{rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(TAGS * 2)})[:TAGS]
            existing = {tag.name_ar: tag for tag in Tag.objects.filter(name_ar__in=tag_names)}
            Tag.objects.bulk_create(
                [
                    Tag(name_ar=name, slug=f"{slugify(name, allow_unicode=True)}")
                    for name in tag_names
                    if name not in existing
                ],
                ignore_conflicts=True,
            )
            tags = list(Tag.objects.filter(name_ar__in=tag_names))
        photos = list(Image.objects.filter(caption_ar__startswith="صورة للاختبار")[:10])
        for i in range(len(photos), 10):
            photos.append(
                photo_services.image_create(
                    file=ContentFile(demo.draw_photo(100 + i), name="generated.jpg"),
                    alt_text="مشهد عام لمدينة عند الغروب",
                    caption=f"صورة للاختبار رقم {i + 1}",
                    credit=agencies[i % len(agencies)],
                )
            )
        return {"sections": sections, "authors": authors, "agencies": agencies, "tags": tags, "photos": photos}

    def write_batch(self, rng: random.Random, pools: dict, first: int, size: int, days: int) -> None:
        now = timezone.now()
        articles, extras = [], []
        for n in range(first, first + size):
            headline = (
                f"{rng.choice(WORDS)} {rng.choice(VERBS)} {' '.join(rng.sample(WORDS, 4))} في {rng.choice(PLACES)}"
            )
            paragraphs = [" ".join(rng.choices(WORDS, k=rng.randint(25, 45))) + "." for _ in range(rng.randint(3, 6))]
            body = "".join(f"<p>{p}</p>" for p in paragraphs[:2]) + f"<blockquote>{paragraphs[0][:120]}</blockquote>"
            body += "".join(f"<p>{p}</p>" for p in paragraphs[2:])
            english = rng.random() < 0.2
            article = Article(
                headline_ar=headline,
                dek_ar=" ".join(rng.choices(WORDS, k=14)) + ".",
                body_ar=body,
                slug_ar=f"{slugify(headline, allow_unicode=True)[:120]}-{n}",
                section=rng.choice(pools["sections"]),
                lead_image=rng.choice(pools["photos"]),
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=rng.randint(1, days * 24 * 60)),
                is_generated=True,
            )
            if english:
                title = " ".join(rng.choices(EN_WORDS, k=7)).capitalize()
                article.headline_en, article.slug_en = title, f"{slugify(title)}-{n}"
                article.dek_en = " ".join(rng.choices(EN_WORDS, k=12)) + "."
                article.body_en = "".join(f"<p>{' '.join(rng.choices(EN_WORDS, k=40))}.</p>" for _ in range(3))
            articles.append(article)
            extras.append(
                (
                    rng.sample(pools["tags"], rng.randint(2, 6)),
                    rng.sample(pools["authors"], rng.randint(1, 2)),
                    rng.sample(pools["agencies"], rng.randint(1, min(2, len(pools["agencies"])))),
                )
            )
        # One announcement per batch: the tag rows' times, the search documents and the cached
        # pages follow through the same handlers as any other change (articles/changes/).
        with transaction.atomic(), StoryChange(articles=articles):
            Article.objects.bulk_create(articles)
            tagged, bylines, cited = [], [], []
            for article, (tags, authors, agencies) in zip(articles, extras, strict=True):
                tagged += [TaggedArticle(content_object=article, tag=tag) for tag in tags]
                bylines += [Byline(article=article, author=a, position=i) for i, a in enumerate(authors)]
                cited += [CitedSource(article=article, source=s, position=i) for i, s in enumerate(agencies)]
            TaggedArticle.objects.bulk_create(tagged)
            Byline.objects.bulk_create(bylines)
            CitedSource.objects.bulk_create(cited)
