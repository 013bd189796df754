"""Read-only reports for editors: photo credits per agency per month (for the agency bills)."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Agency, Article, Placement


def report_year(value: str | None) -> int:
    current = timezone.localdate().year
    try:
        year = int(value) if value else current
    except ValueError:
        return current
    return year if 1900 <= year <= current + 1 else current


def report_years() -> list[int]:
    first = Article.objects.published().order_by("published_at").values_list("published_at", flat=True).first()
    current = timezone.localdate().year
    start = timezone.localtime(first).year if isinstance(first, datetime) else current
    return list(range(current, start - 1, -1))


@dataclass(frozen=True)
class CreditRow:
    agency: str
    month: int
    images: int


def credits_by_month(*, year: int) -> list[CreditRow]:
    """Distinct photos per agency per month of publication, for stories the public can see.

    A photo counts once per month however many stories used it that month: that is
    how agencies bill. Uncredited photos are reported under «no credit».
    """
    stories = Article.objects.published().filter(published_at__year=year)
    uses = set(
        stories.filter(lead_image__isnull=False)
        .annotate(month=ExtractMonth("published_at"), year=ExtractYear("published_at"))
        .values_list("month", "lead_image__credit", "lead_image")
    )
    uses |= set(
        Placement.objects.filter(article__in=stories)
        .annotate(month=ExtractMonth("article__published_at"))
        .values_list("month", "image__credit", "image")
    )
    names = {agency.pk: agency.name for agency in Agency.objects.filter(pk__in={credit for _, credit, _ in uses})}
    counts = Counter((credit, month) for month, credit, _image in uses)
    return sorted(
        (
            CreditRow(agency=names.get(credit, _("no credit")), month=month, images=n)
            for (credit, month), n in counts.items()
        ),
        key=lambda row: (row.agency, row.month),
    )


def credits_table(rows: list[CreditRow]) -> dict:
    """Agencies as rows, months as columns, with totals and each agency's share for the chart."""
    per_agency: dict[str, list[int]] = defaultdict(lambda: [0] * 12)
    for row in rows:
        per_agency[row.agency][row.month - 1] += row.images
    totals = {agency: sum(months) for agency, months in per_agency.items()}
    largest = max(totals.values(), default=0)
    return {
        "months": [date(2000, month, 1) for month in range(1, 13)],
        "agencies": [
            {"name": agency, "months": months, "total": totals[agency], "largest": largest}
            for agency, months in sorted(per_agency.items(), key=lambda item: (-totals[item[0]], item[0]))
        ],
        "total": sum(totals.values()),
    }


def credits_csv_response(*, rows: list[CreditRow], year: int) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="photo-credits-{year}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Arabic names as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("agency"), _("year"), _("month"), _("photos published")])
    for row in rows:
        writer.writerow([row.agency, year, row.month, row.images])
    return response
