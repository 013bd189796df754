"""The agencies an Arabic newsroom meets, with the spellings they use in credit lines.

A fresh install credits a Reuters or WAM photo from the wire at once instead of filing a
credit suggestion. Each agency has its Arabic and English name and, as aliases, the other ways
its credit lines are written. The catalogue is the editors' from then on:

- an agency is looked up by its slug, then by any name or alias already known; one that exists
  keeps its names, website and aliases as the editors left them, and only gains the spellings
  no agency uses yet;
- an alias whose spelling is already an alias or the name of another agency is not added;
- going back removes nothing (editors may have credited photos to these agencies).
"""

from django.db import migrations

# slug, Arabic name, English name, website, spellings in credit lines.
AGENCIES = [
    ("reuters", "رويترز", "Reuters", "https://www.reuters.com/", ["Thomson Reuters", "Reuters Pictures", "رويتر"]),
    (
        "afp",
        "فرانس برس",
        "AFP",
        "https://www.afp.com/",
        [
            "Agence France-Presse",
            "Agence France Presse",
            "AFP Photo",
            "أ ف ب",
            "أ.ف.ب",
            "وكالة فرانس برس",
            "فرانس بريس",
        ],
    ),
    (
        "ap",
        "أسوشيتد برس",
        "AP",
        "https://apnews.com/",
        ["Associated Press", "The Associated Press", "AP Photo", "أسوشيتيد برس", "أ ب", "أ.ب", "وكالة أسوشيتد برس"],
    ),
    (
        "anadolu",
        "الأناضول",
        "Anadolu",
        "https://www.aa.com.tr/",
        ["Anadolu Agency", "Anadolu Ajansı", "AA", "وكالة الأناضول", "Anadolu via Getty Images"],
    ),
    (
        "epa",
        "إي بي إيه",
        "EPA",
        "https://www.epa.eu/",
        ["EPA-EFE", "EPA Images", "European Pressphoto Agency", "الوكالة الأوروبية للصور", "إيبا"],
    ),
    (
        "getty-images",
        "غيتي إيميجز",
        "Getty Images",
        "https://www.gettyimages.com/",
        ["Getty", "Getty Images News", "جيتي إيماجز", "جيتي إيميجز", "غيتي"],
    ),
    (
        "bloomberg",
        "بلومبرغ",
        "Bloomberg",
        "https://www.bloomberg.com/",
        ["Bloomberg News", "Bloomberg via Getty Images", "بلومبيرغ", "بلومبرج"],
    ),
    (
        "xinhua",
        "شينخوا",
        "Xinhua",
        "https://english.news.cn/",
        ["Xinhua News Agency", "وكالة أنباء شينخوا", "وكالة أنباء الصين الجديدة"],
    ),
    (
        "dpa",
        "د ب أ",
        "dpa",
        "https://www.dpa.com/",
        ["Deutsche Presse-Agentur", "dpa picture alliance", "picture alliance", "د.ب.أ", "الوكالة الألمانية"],
    ),
    ("spa", "واس", "SPA", "https://www.spa.gov.sa/", ["Saudi Press Agency", "وكالة الأنباء السعودية"]),
    ("wam", "وام", "WAM", "https://www.wam.ae/", ["Emirates News Agency", "وكالة أنباء الإمارات"]),
    ("qna", "قنا", "QNA", "https://www.qna.org.qa/", ["Qatar News Agency", "وكالة الأنباء القطرية"]),
    ("kuna", "كونا", "KUNA", "https://www.kuna.net.kw/", ["Kuwait News Agency", "وكالة الأنباء الكويتية"]),
    (
        "mena",
        "أ ش أ",
        "MENA",
        "https://www.mena.org.eg/",
        ["Middle East News Agency", "أ.ش.أ", "وكالة أنباء الشرق الأوسط"],
    ),
    ("sana", "سانا", "SANA", "https://sana.sy/", ["Syrian Arab News Agency", "الوكالة العربية السورية للأنباء"]),
    ("petra", "بترا", "Petra", "https://petra.gov.jo/", ["Jordan News Agency", "وكالة الأنباء الأردنية"]),
    ("wafa", "وفا", "WAFA", "https://www.wafa.ps/", ["Palestine News Agency", "وكالة الأنباء الفلسطينية"]),
    (
        "map",
        "ومع",
        "MAP",
        "https://www.mapnews.ma/",
        ["Maghreb Arabe Presse", "Agence Maghreb Arabe Presse", "وكالة المغرب العربي للأنباء"],
    ),
    (
        "aps",
        "واج",
        "APS",
        "https://www.aps.dz/",
        ["Algérie Presse Service", "Algerie Presse Service", "وكالة الأنباء الجزائرية"],
    ),
    (
        "tap",
        "وات",
        "TAP",
        "https://www.tap.info.tn/",
        ["Tunis Afrique Presse", "تاب", "وكالة تونس أفريقيا للأنباء"],
    ),
    ("bna", "بنا", "BNA", "https://www.bna.bh/", ["Bahrain News Agency", "وكالة أنباء البحرين"]),
    ("ona", "العمانية", "ONA", "https://omannews.gov.om/", ["Oman News Agency", "وكالة الأنباء العمانية"]),
    ("ina", "واع", "INA", "https://www.ina.iq/", ["Iraqi News Agency", "وكالة الأنباء العراقية"]),
    ("nina", "نينا", "NINA", "https://ninanews.com/", ["National Iraqi News Agency", "الوكالة الوطنية العراقية للأنباء"]),
    ("nna", "الوكالة الوطنية للإعلام", "NNA", "https://www.nna-leb.gov.lb/", ["National News Agency", "وطنية"]),
    ("suna", "سونا", "SUNA", "https://suna-sd.net/", ["Sudan News Agency", "وكالة السودان للأنباء"]),
    ("saba", "سبأ", "Saba", "https://www.saba.ye/", ["Saba News Agency", "وكالة الأنباء اليمنية"]),
    ("lana", "وال", "LANA", "https://lana.gov.ly/", ["Libya News Agency", "وكالة الأنباء الليبية"]),
    ("ami", "الوكالة الموريتانية للأنباء", "AMI", "https://www.ami.mr/", ["Agence Mauritanienne d'Information"]),
]


def load_agency_catalogue(apps, schema_editor=None):
    from articles.search.arabic import normalize

    alias_db = schema_editor.connection.alias if schema_editor is not None else "default"
    Agency = apps.get_model("articles", "Agency")
    AgencyAlias = apps.get_model("articles", "AgencyAlias")
    agencies = Agency.objects.using(alias_db)
    aliases = AgencyAlias.objects.using(alias_db)

    names: dict[str, int] = {}  # every agency's names and slug, folded → agency id
    for agency in agencies.all():
        for name in (agency.name, agency.name_ar, agency.name_en, agency.slug):
            if name:
                names.setdefault(normalize(name), agency.pk)
    taken = dict(aliases.values_list("key", "agency_id"))

    for slug, name_ar, name_en, website, spellings in AGENCIES:
        agency = agencies.filter(slug=slug).first()
        if agency is None:
            known = [taken.get(key) or names.get(key) for key in map(normalize, (name_ar, name_en, *spellings))]
            known_id = next((pk for pk in known if pk), None)
            agency = agencies.filter(pk=known_id).first() if known_id else None
        if agency is None:
            agency = agencies.create(name=name_ar, name_ar=name_ar, name_en=name_en, slug=slug, website=website)
            for name in (name_ar, name_en, slug):
                names.setdefault(normalize(name), agency.pk)
        for spelling in spellings:
            key = normalize(spelling)
            if not key or key in taken or names.get(key, agency.pk) != agency.pk:
                continue
            if key in {normalize(agency.name_ar), normalize(agency.name_en)}:
                continue
            aliases.create(agency=agency, name=spelling, key=key)
            taken[key] = agency.pk


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_photo_metadata"),
    ]

    operations = [
        migrations.RunPython(load_agency_catalogue, migrations.RunPython.noop),
    ]
