"""Demo content for a fresh install: sections, people, agencies, photos and stories.

Every story here is invented for this project; the photos are drawn with Pillow,
so a fresh clone needs nothing outside the repository.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from .front import demo as front_demo
from .models import Agency, Author, Section, Tag
from .photos import services as photo_services
from .stories import services

DEMO_ACCOUNTS = (
    # username, password, group, is_superuser
    ("journalist", "sahifa-journalist-demo", "صحفي", False),
    ("editor", "sahifa-editor-demo", "محرر", False),
)

SECTIONS = (
    ("سياسة", "Politics", "سياسة"),
    ("اقتصاد", "Economy", "اقتصاد"),
    ("ثقافة", "Culture", "ثقافة"),
)

AUTHORS = (
    ("ليلى حداد", "Layla Haddad", "ليلى-حداد"),
    ("سامر العلي", "Samer Al-Ali", "سامر-العلي"),
    ("نور الهدى منصور", "Nour Al-Huda Mansour", "نور-الهدى-منصور"),
)

AGENCIES = (
    ("رويترز", "Reuters", "reuters", "https://www.reuters.com/"),
    ("بلومبيرغ", "Bloomberg", "bloomberg", "https://www.bloomberg.com/"),
    ("NBC News", "NBC News", "nbc-news", "https://www.nbcnews.com/"),
    ("فرانس برس", "AFP", "afp", "https://www.afp.com/"),
    ("أسوشيتد برس", "Associated Press", "ap", "https://apnews.com/"),
)

# Every demo tag's English name: an English page shows only tags named in English.
TAGS = (
    ("الشرق الأوسط", "Middle East"),
    ("إعادة الإعمار", "Reconstruction"),
    ("الدبلوماسية", "Diplomacy"),
    ("البرلمان", "Parliament"),
    ("الخصوصية", "Privacy"),
    ("التقنية", "Technology"),
    ("الانتخابات", "Elections"),
    ("الشباب", "Youth"),
    ("المدن", "Cities"),
    ("البحر الأحمر", "Red Sea"),
    ("الملاحة", "Shipping"),
    ("الحكومة الإلكترونية", "E-government"),
    ("البنك المركزي", "Central bank"),
    ("التضخم", "Inflation"),
    ("أسعار الفائدة", "Interest rates"),
    ("الزراعة", "Agriculture"),
    ("التجارة", "Trade"),
    ("التمور", "Dates"),
    ("الشركات الناشئة", "Start-ups"),
    ("التقنية المالية", "Fintech"),
    ("الاستثمار", "Investment"),
    ("الطاقة الشمسية", "Solar power"),
    ("الطاقة المتجددة", "Renewable energy"),
    ("المناخ", "Climate"),
    ("الكتب", "Books"),
    ("معارض الكتاب", "Book fairs"),
    ("الترجمة", "Translation"),
    ("السينما", "Cinema"),
    ("المهرجانات", "Festivals"),
    ("الأفلام القصيرة", "Short films"),
    ("التراث", "Heritage"),
    ("الترميم", "Restoration"),
    ("المدن القديمة", "Old cities"),
    ("الموسيقى", "Music"),
)


@dataclass
class DemoStory:
    section: str
    headline: str
    dek: str
    paragraphs: tuple[str, ...]
    quote: str
    tags: str
    sources: tuple[str, ...]
    bylines: tuple[str, ...]
    photo_caption: str
    photo_alt: str
    photo_credit: str
    english: dict | None = None


STORIES = (
    DemoStory(
        "سياسة",
        "وزراء خارجية عرب يبحثون في عمّان خطة لإعادة إعمار المدن المتضررة",
        "الاجتماع التشاوري يناقش صندوقاً مشتركاً وآلية لمتابعة المشاريع على الأرض.",
        (
            "افتتح وزراء خارجية عدد من الدول العربية اجتماعاً تشاورياً في العاصمة الأردنية عمّان لبحث خطة إقليمية لإعادة إعمار المدن التي تضررت خلال السنوات الماضية.",
            "وقال مسؤول مشارك في الاجتماع إن النقاش يتركز على إنشاء صندوق مشترك تُدار أمواله بشفافية، مع لجنة فنية تتابع تنفيذ المشاريع وتنشر تقارير دورية.",
            "ومن المنتظر أن يصدر عن الاجتماع بيان ختامي يحدد الخطوات التالية وموعد الاجتماع المقبل.",
        ),
        "إعادة الإعمار ليست مباني فقط، بل مدارس ومستشفيات وفرص عمل للشباب.",
        "الشرق الأوسط، إعادة الإعمار، الدبلوماسية",
        ("رويترز", "NBC News"),
        ("ليلى حداد", "وكالات"),
        "وزراء الخارجية خلال الجلسة الافتتاحية في عمّان",
        "طاولة اجتماعات طويلة يجلس حولها مسؤولون",
        "رويترز",
        english={
            "headline": "Arab foreign ministers discuss a reconstruction plan in Amman",
            "dek": "The consultative meeting weighs a joint fund and a way to follow projects on the ground.",
            "body": "<p>Foreign ministers from several Arab states opened a consultative meeting in Amman on a regional plan to rebuild cities damaged in recent years.</p><blockquote>Reconstruction is not only buildings: it is schools, hospitals and jobs for young people.</blockquote><p>A closing statement is expected to set out the next steps.</p>",
            "caption": "Foreign ministers at the opening session in Amman",
            "alt": "A long meeting table with officials seated around it",
        },
    ),
    DemoStory(
        "سياسة",
        "البرلمان يقر قانوناً جديداً لحماية البيانات الشخصية بعد نقاش طويل",
        "القانون يلزم الشركات بإبلاغ المستخدمين خلال 72 ساعة من أي تسريب.",
        (
            "أقر البرلمان بأغلبية واضحة قانوناً جديداً لحماية البيانات الشخصية، بعد جلسات نقاش امتدت أسابيع بين اللجان المختصة.",
            "ويلزم القانون الشركات والجهات الحكومية بإبلاغ المستخدمين والجهة الرقابية خلال 72 ساعة من اكتشاف أي تسريب، ويفرض غرامات على المخالفين.",
        ),
        "من حق كل مواطن أن يعرف من يحتفظ ببياناته ولماذا.",
        "البرلمان، الخصوصية، التقنية",
        ("بلومبيرغ",),
        ("سامر العلي",),
        "أعضاء البرلمان خلال التصويت على القانون",
        "قاعة برلمان وأعضاء يرفعون أيديهم للتصويت",
        "فرانس برس",
    ),
    DemoStory(
        "سياسة",
        "انطلاق حملات الانتخابات البلدية وسط دعوات لمشاركة أوسع للشباب",
        "أكثر من ألف مرشح يتنافسون على مقاعد المجالس المحلية في 40 مدينة.",
        (
            "انطلقت رسمياً حملات الانتخابات البلدية، ويتنافس فيها أكثر من ألف مرشح على مقاعد المجالس المحلية في أربعين مدينة.",
            "ودعت منظمات المجتمع المدني الشباب إلى التسجيل والمشاركة، مشيرة إلى أن القرارات البلدية تمس حياتهم اليومية من النقل إلى الحدائق العامة.",
        ),
        "المجلس البلدي أقرب سلطة إلى الناس، وصوتك فيه يُسمع.",
        "الانتخابات، الشباب، المدن",
        ("أسوشيتد برس",),
        ("نور الهدى منصور",),
        "ملصقات انتخابية على جدار في وسط المدينة",
        "جدار عليه ملصقات ملونة لمرشحين",
        "أسوشيتد برس",
    ),
    DemoStory(
        "سياسة",
        "قمة إقليمية تبحث أمن الملاحة في البحر الأحمر",
        "الدول المطلة على البحر تناقش آلية تنسيق دائمة لحماية السفن التجارية.",
        (
            "تستضيف مدينة ساحلية قمة إقليمية تبحث أمن الملاحة في البحر الأحمر، بمشاركة الدول المطلة عليه وممثلين عن شركات الشحن.",
            "وتناقش القمة إنشاء مركز تنسيق دائم يتبادل المعلومات عن حركة السفن ويتعامل مع الحوادث بسرعة.",
        ),
        "التجارة العالمية تمر من هنا، وأمنها مسؤولية مشتركة.",
        "البحر الأحمر، الملاحة، الشرق الأوسط",
        ("رويترز", "بلومبيرغ"),
        ("ليلى حداد", "سامر العلي"),
        "سفينة شحن تعبر ممراً مائياً",
        "سفينة حاويات كبيرة في البحر",
        "رويترز",
    ),
    DemoStory(
        "سياسة",
        "الحكومة تعلن خطة لتسريع المعاملات الإلكترونية في الدوائر الرسمية",
        "الخطة تعد بإنجاز 80 في المئة من المعاملات عبر الإنترنت خلال عامين.",
        (
            "أعلنت الحكومة خطة لتسريع التحول إلى المعاملات الإلكترونية، تهدف إلى إنجاز ثمانين في المئة من معاملات المواطنين عبر الإنترنت خلال عامين.",
            "وتشمل الخطة تدريب الموظفين وتوحيد قواعد البيانات بين الوزارات، مع الإبقاء على مكاتب لخدمة كبار السن ومن لا يستخدمون الإنترنت.",
        ),
        "لا نريد أن يقف أحد في طابور من أجل ورقة يمكن أن تصله على هاتفه.",
        "الحكومة الإلكترونية، التقنية",
        ("NBC News",),
        ("وكالات",),
        "موظفة تساعد مواطناً على إنجاز معاملة إلكترونية",
        "موظفة أمام شاشة حاسوب ومواطن يجلس مقابلها",
        "فرانس برس",
    ),
    DemoStory(
        "اقتصاد",
        "البنك المركزي يثبّت أسعار الفائدة ويتوقع تراجع التضخم العام المقبل",
        "القرار جاء متوقعاً، والبنك يرى أن الأسعار تتجه إلى الاستقرار.",
        (
            "قرر البنك المركزي الإبقاء على أسعار الفائدة دون تغيير للاجتماع الثالث على التوالي، في خطوة توقعها معظم المحللين.",
            "وقال البنك في بيانه إن التضخم بدأ يتراجع تدريجياً، ويتوقع أن يقترب من المستوى المستهدف خلال العام المقبل إذا استمرت أسعار الطاقة على حالها.",
        ),
        "نرى إشارات واضحة إلى أن الضغوط على الأسعار بدأت تخف.",
        "البنك المركزي، التضخم، أسعار الفائدة",
        ("بلومبيرغ", "رويترز"),
        ("سامر العلي",),
        "مقر البنك المركزي في العاصمة",
        "واجهة مبنى حجري كبير بأعمدة",
        "بلومبيرغ",
        english={
            "headline": "Central bank holds interest rates and expects inflation to ease next year",
            "dek": "The decision was expected; the bank sees prices stabilising.",
            "body": "<p>The central bank kept interest rates unchanged for a third meeting in a row, as most analysts had expected.</p><blockquote>We see clear signs that pressure on prices has begun to ease.</blockquote><p>The bank expects inflation to approach its target next year if energy prices hold.</p>",
            "caption": "The central bank's headquarters in the capital",
            "alt": "The stone facade of a large building with columns",
        },
    ),
    DemoStory(
        "اقتصاد",
        "صادرات التمور تسجل رقماً قياسياً مع دخول أسواق آسيوية جديدة",
        "المزارعون يستفيدون من برامج التعبئة والتبريد الحديثة.",
        (
            "سجلت صادرات التمور رقماً قياسياً هذا الموسم، بعدما دخلت شحنات جديدة إلى أسواق في شرق آسيا للمرة الأولى.",
            "ويقول مزارعون إن برامج التعبئة الحديثة ومخازن التبريد ساعدتهم على إطالة عمر المنتج وتحسين سعره.",
        ),
        "كنا نبيع في السوق المحلية فقط، اليوم تصل تمورنا إلى الطرف الآخر من العالم.",
        "الزراعة، التجارة، التمور",
        ("رويترز",),
        ("نور الهدى منصور",),
        "عمال يفرزون التمور في مصنع تعبئة",
        "أيدٍ تفرز حبات تمر بنية على طاولة",
        "رويترز",
    ),
    DemoStory(
        "اقتصاد",
        "شركات ناشئة عربية تجمع تمويلاً قياسياً في قطاع التقنية المالية",
        "حلول الدفع الإلكتروني والإقراض الصغير تستحوذ على معظم الاستثمارات.",
        (
            "جمعت الشركات الناشئة العربية العاملة في التقنية المالية تمويلاً قياسياً خلال النصف الأول من العام، بحسب تقرير لصناديق الاستثمار.",
            "واستحوذت حلول الدفع الإلكتروني والإقراض الصغير على معظم الاستثمارات، مع توسع استخدام الهواتف الذكية في التسوق.",
        ),
        "المستثمرون يبحثون عن حلول تخدم ملايين الناس الذين لا يملكون حساباً مصرفياً.",
        "الشركات الناشئة، التقنية المالية، الاستثمار",
        ("بلومبيرغ", "NBC News"),
        ("ليلى حداد",),
        "فريق شركة ناشئة في مساحة عمل مشتركة",
        "شبان وشابات حول طاولة عليها حواسيب محمولة",
        "أسوشيتد برس",
    ),
    DemoStory(
        "اقتصاد",
        "افتتاح أكبر محطة للطاقة الشمسية في المنطقة بقدرة ألفي ميغاواط",
        "المحطة تغذي نحو 400 ألف منزل وتخفض الانبعاثات بملايين الأطنان سنوياً.",
        (
            "افتُتحت اليوم أكبر محطة للطاقة الشمسية في المنطقة بقدرة تبلغ ألفي ميغاواط، وتكفي لتغذية نحو أربعمئة ألف منزل.",
            "وقال القائمون على المشروع إن المحطة ستخفض الانبعاثات الكربونية بملايين الأطنان سنوياً، وإن مرحلتها الثانية تشمل تخزين الطاقة في بطاريات.",
        ),
        "الشمس هنا مورد لا ينفد، وقد حان وقت الاستفادة منه كاملاً.",
        "الطاقة الشمسية، الطاقة المتجددة، المناخ",
        ("رويترز", "بلومبيرغ"),
        ("سامر العلي", "نور الهدى منصور"),
        "ألواح شمسية تمتد في الصحراء",
        "صفوف طويلة من الألواح الشمسية تحت سماء زرقاء",
        "فرانس برس",
        english={
            "headline": "The region's largest solar plant opens with 2,000 megawatts",
            "dek": "The plant powers some 400,000 homes and cuts emissions by millions of tonnes a year.",
            "body": "<p>The largest solar power plant in the region opened today with a capacity of 2,000 megawatts, enough for about 400,000 homes.</p><blockquote>The sun here never runs out, and it is time to use it fully.</blockquote><p>The second phase adds battery storage.</p>",
            "caption": "Solar panels stretching across the desert",
            "alt": "Long rows of solar panels under a blue sky",
        },
    ),
    DemoStory(
        "ثقافة",
        "معرض الكتاب يستقبل زواره بأكثر من ألف دار نشر من 30 دولة",
        "البرنامج الثقافي يضم ندوات عن الترجمة وأدب الطفل والرواية الجديدة.",
        (
            "فتح معرض الكتاب أبوابه للزوار بمشاركة أكثر من ألف دار نشر من ثلاثين دولة، في دورة يحتفي فيها بالترجمة.",
            "ويضم البرنامج الثقافي ندوات عن أدب الطفل والرواية الجديدة وأمسيات شعرية، إضافة إلى ورش للكتابة الإبداعية.",
        ),
        "الترجمة جسر بين الثقافات، والكتاب ما زال أقرب أصدقائنا.",
        "الكتب، معارض الكتاب، الترجمة",
        ("أسوشيتد برس",),
        ("نور الهدى منصور",),
        "زوار يتجولون بين أجنحة معرض الكتاب",
        "رفوف كتب وزوار يتصفحون الكتب في قاعة واسعة",
        "أسوشيتد برس",
    ),
    DemoStory(
        "ثقافة",
        "فيلم عربي قصير يفوز بالجائزة الكبرى في مهرجان سينمائي دولي",
        "الفيلم يروي حكاية صياد عجوز وحفيدته في قرية ساحلية.",
        (
            "فاز فيلم عربي قصير بالجائزة الكبرى في مهرجان سينمائي دولي، متفوقاً على أكثر من مئة فيلم من أنحاء العالم.",
            "ويروي الفيلم حكاية صياد عجوز يعلّم حفيدته أسرار البحر في قرية ساحلية صغيرة، وصُوّر بالكامل بممثلين من أهل القرية.",
        ),
        "أردنا أن نقول إن الحكايات الصغيرة تستطيع أن تعبر العالم.",
        "السينما، المهرجانات، الأفلام القصيرة",
        ("NBC News",),
        ("ليلى حداد",),
        "مخرجة الفيلم تتسلم الجائزة على المسرح",
        "امرأة تحمل جائزة على مسرح مضاء",
        "فرانس برس",
    ),
    DemoStory(
        "ثقافة",
        "ترميم سوق تاريخي يعيد الحياة إلى قلب المدينة القديمة",
        "الحرفيون يعودون إلى دكاكينهم بعد ثلاث سنوات من أعمال الترميم.",
        (
            "اكتملت أعمال ترميم السوق التاريخي في قلب المدينة القديمة بعد ثلاث سنوات، وعاد الحرفيون إلى دكاكينهم ذات الأقواس الحجرية.",
            "واستخدم المرممون مواد تقليدية وتقنيات قديمة للحفاظ على طابع السوق، مع تحديث شبكات الكهرباء والمياه.",
        ),
        "السوق ذاكرة المدينة، وكل حجر فيه يحكي قصة.",
        "التراث، الترميم، المدن القديمة",
        ("فرانس برس",),
        ("سامر العلي",),
        "ممر مسقوف في السوق بعد الترميم",
        "ممر حجري مقوس تضيئه فوانيس",
        "فرانس برس",
    ),
    DemoStory(
        "ثقافة",
        "مهرجان للموسيقى العربية يجمع فرقاً شابة مع أساتذة المقام",
        "العروض تمزج العود والقانون بأنماط موسيقية معاصرة.",
        (
            "يجمع مهرجان للموسيقى العربية هذا العام فرقاً شابة مع عازفين مخضرمين من أساتذة المقام، في عروض تمزج العود والقانون بأنماط معاصرة.",
            "وقالت إدارة المهرجان إن الهدف هو نقل المعرفة بين الأجيال، وإن التذاكر نفدت في أيامها الأولى.",
        ),
        "المقام ليس ماضياً، إنه لغة حية نتعلمها ونطورها معاً.",
        "الموسيقى، المهرجانات، التراث",
        ("رويترز",),
        ("نور الهدى منصور", "وكالات"),
        "عازف عود على المسرح خلال حفل الافتتاح",
        "رجل يعزف على العود تحت أضواء المسرح",
        "رويترز",
    ),
)

PALETTES = (
    ((24, 62, 94), (210, 170, 90)),
    ((110, 30, 40), (240, 200, 150)),
    ((30, 90, 70), (230, 220, 160)),
    ((60, 50, 110), (200, 190, 230)),
    ((120, 80, 30), (250, 230, 190)),
)


def draw_photo(seed: int, width: int = 1200, height: int = 800) -> bytes:
    """An abstract 'photo' (gradient, sun and hills) so demo stories have real images."""
    rng = random.Random(seed)
    top, bottom = PALETTES[seed % len(PALETTES)]
    image = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    sun_x, sun_y, radius = rng.randint(200, width - 200), rng.randint(120, 300), rng.randint(60, 110)
    draw.ellipse([sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius], fill=(250, 235, 200))
    for layer in range(3):
        shade = tuple(max(0, c - 40 * (layer + 1)) for c in bottom)
        base = height * (0.55 + 0.12 * layer)
        amplitude, phase = rng.randint(30, 90), rng.random() * math.tau
        points = [(x, base + amplitude * math.sin(x / (140 + 40 * layer) + phase)) for x in range(0, width + 20, 20)]
        draw.polygon([(0, height), *points, (width, height)], fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


def demo_exists() -> bool:
    return Section.objects.filter(slug=SECTIONS[0][2]).exists()


def ensure_accounts() -> list[tuple[str, str, str]]:
    """Create (or reset) the demo journalist and editor; returns (username, password, role)."""
    User = get_user_model()
    created = []
    for username, password, group_name, is_superuser in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        user.is_staff = True
        user.is_superuser = is_superuser
        user.set_password(password)
        user.save()
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            user.groups.add(group)
        created.append((username, password, group_name))
    return created


@transaction.atomic
def load_demo(*, now=None) -> int:
    """Load the demo newsroom; returns the number of stories created (0 if already there)."""
    if demo_exists():
        return 0
    now = now or timezone.now()
    User = get_user_model()
    editor = User.objects.filter(username="editor").first()

    sections = {}
    for position, (name_ar, name_en, slug) in enumerate(SECTIONS):
        sections[name_ar] = Section.objects.create(name_ar=name_ar, name_en=name_en, slug=slug, position=position)
    authors = {
        name_ar: Author.objects.create(name_ar=name_ar, name_en=name_en, slug=slug)
        for name_ar, name_en, slug in AUTHORS
    }
    # A fresh install already has the agency catalogue (migration 0019): its agencies are reused.
    agencies = {
        name_ar: Agency.objects.get_or_create(
            slug=slug, defaults={"name_ar": name_ar, "name_en": name_en, "website": website}
        )[0]
        for name_ar, name_en, slug, website in AGENCIES
    }

    for index, story in enumerate(STORIES):
        translations = {}
        if story.english:
            translations = {"en": {"caption": story.english["caption"], "alt_text": story.english["alt"]}}
        photo = photo_services.image_create(
            file=ContentFile(draw_photo(index), name="demo.jpg"),
            alt_text=story.photo_alt,
            caption=story.photo_caption,
            credit=agencies[story.photo_credit],
            copyright_notice=f"© {agencies[story.photo_credit].name_en}",
            translations=translations,
            by=editor,
        )
        body = "".join(f"<p>{paragraph}</p>" for paragraph in story.paragraphs[:1])
        body += f"<blockquote>{story.quote}</blockquote>"
        body += "<h2>التفاصيل</h2>" + "".join(f"<p>{paragraph}</p>" for paragraph in story.paragraphs[1:])
        article_translations = {}
        if story.english:
            article_translations = {
                "en": {key: story.english[key] for key in ("headline", "dek", "body")},
            }
        services.article_create(
            headline=story.headline,
            dek=story.dek,
            body=body,
            section=sections[story.section],
            lead_image=photo,
            tags=[tag.strip() for tag in story.tags.split("،")],
            bylines=[
                services.BylineInput(author=authors[name]) if name in authors else services.BylineInput(text=name)
                for name in story.bylines
            ],
            sources=[services.SourceInput(source=agencies[name]) for name in story.sources],
            translations=article_translations,
            publish=True,
            publish_at=now - timedelta(hours=3 * index + 1),
            by=editor,
        )
    english_tags = dict(TAGS)
    for tag in Tag.objects.filter(name_ar__in=english_tags):
        tag.name_en = english_tags[tag.name_ar]
        services.catalogue_save(obj=tag)
    front_demo.load(
        now=now,
        editor=editor,
        section=next(iter(sections.values())),
        agency=next(iter(agencies.values())),
        draw_photo=draw_photo,
    )
    return len(STORIES) + 1
