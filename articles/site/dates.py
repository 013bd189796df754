"""Dates as Arabic newsrooms write them (ARABIC.md §Dates L1–L4).

«11 ديسمبر 2024» by default; Levantine month names («11 كانون الأول 2024») and Arabic-Indic
digits («١١ ديسمبر ٢٠٢٤») are settings. Story pages add the Hijri (Umm al-Qura) date,
converted in the site's time zone with hijridate; outside the years it covers
(1924–2077) only the Gregorian date is shown.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.utils import formats, timezone
from hijridate import Gregorian

GREGORIAN_MONTHS = {
    "standard": (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ),
    "levantine": (
        "كانون الثاني",
        "شباط",
        "آذار",
        "نيسان",
        "أيار",
        "حزيران",
        "تموز",
        "آب",
        "أيلول",
        "تشرين الأول",
        "تشرين الثاني",
        "كانون الأول",
    ),
}
HIJRI_MONTHS = {
    "ar": (
        "محرم",
        "صفر",
        "ربيع الأول",
        "ربيع الآخر",
        "جمادى الأولى",
        "جمادى الآخرة",
        "رجب",
        "شعبان",
        "رمضان",
        "شوال",
        "ذو القعدة",
        "ذو الحجة",
    ),
    "en": (
        "Muharram",
        "Safar",
        "Rabi al-Awwal",
        "Rabi al-Thani",
        "Jumada al-Ula",
        "Jumada al-Akhirah",
        "Rajab",
        "Shaban",
        "Ramadan",
        "Shawwal",
        "Dhu al-Qadah",
        "Dhu al-Hijjah",
    ),
}
HIJRI_ERA = {"ar": "هـ", "en": "AH"}
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _local_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def digits(text: str) -> str:
    """``text`` with the digit style of the settings (Arabic pages only)."""
    return text.translate(ARABIC_INDIC) if settings.DATE_DIGITS == "arabic" else text


def gregorian(moment: datetime | date, language: str) -> str:
    """The day as the page's language writes it: «11 ديسمبر 2024» / «11 December 2024»."""
    day = _local_date(moment)
    if language != "ar":
        return formats.date_format(day, "DATE_FORMAT")
    months = GREGORIAN_MONTHS.get(settings.DATE_MONTH_NAMES, GREGORIAN_MONTHS["standard"])
    return digits(f"{day.day} {months[day.month - 1]} {day.year}")


def hijri(moment: datetime | date, language: str) -> str:
    """«10 جمادى الآخرة 1446 هـ», or "" outside the Umm al-Qura tables."""
    day = _local_date(moment)
    try:
        converted = Gregorian(day.year, day.month, day.day).to_hijri()
    except OverflowError:
        return ""
    names = HIJRI_MONTHS["ar" if language == "ar" else "en"]
    text = (
        f"{converted.day} {names[converted.month - 1]} {converted.year} {HIJRI_ERA['ar' if language == 'ar' else 'en']}"
    )
    return digits(text) if language == "ar" else text
