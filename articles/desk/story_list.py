"""The story list in the admin: the desk filter and dates read from the ends of the index."""

from datetime import timedelta

from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import dashboard as desk


class DateRangeQuerySetMixin:
    """The date hierarchy from the first and the last date alone, each read from one end of the
    (published_at, id, status) index. Django asks for MIN and MAX in one query, which SQLite
    answers by reading the whole index (20 ms at 100,000 stories) rather than its two ends, and
    lists the years by truncating every story's date, which SQLite does in Python per row. A
    month without stories may be offered; choosing it shows an empty list."""

    def date_bounds(self, field_name):
        cache = self.__dict__.setdefault("_date_bounds", {})
        if field_name not in cache:
            dated = self.filter(**{f"{field_name}__isnull": False}).prefetch_related(None)
            cache[field_name] = {
                "first": dated.order_by(field_name).values_list(field_name, flat=True).first(),
                "last": dated.order_by(f"-{field_name}").values_list(field_name, flat=True).first(),
            }
        return cache[field_name]

    def aggregate(self, *args, **kwargs):
        # The date hierarchy's own question (admin_list.date_hierarchy): answered from the bounds.
        first, last = kwargs.get("first"), kwargs.get("last")
        if (
            not args
            and set(kwargs) == {"first", "last"}
            and isinstance(first, models.Min)
            and isinstance(last, models.Max)
            and not first.filter
            and not last.filter
            and first.source_expressions == last.source_expressions
            and isinstance(first.source_expressions[0], models.F)
        ):
            return dict(self.date_bounds(first.source_expressions[0].name))
        return super().aggregate(*args, **kwargs)

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind not in ("year", "month", "day"):
            return super().datetimes(field_name, kind, order, tzinfo)
        bounds = self.date_bounds(field_name)
        if bounds["first"] is None:
            return []
        first, last = (timezone.localtime(bounds[key], tzinfo) for key in ("first", "last"))
        if kind == "year":
            moments = [first.replace(year=year, month=1, day=1) for year in range(first.year, last.year + 1)]
        elif kind == "month":
            moments, cursor = [], first.replace(day=1)
            while cursor <= last:
                moments.append(cursor)
                cursor = cursor.replace(year=cursor.year + cursor.month // 12, month=cursor.month % 12 + 1)
        else:
            start = first.replace(hour=0, minute=0, second=0, microsecond=0)
            moments = [start + timedelta(days=n) for n in range((last.date() - start.date()).days + 1)]
        moments = [m.replace(hour=0, minute=0, second=0, microsecond=0) for m in moments]
        return moments if order == "ASC" else moments[::-1]


_date_range_classes: dict[type, type] = {}


def with_date_ranges(queryset):
    cls = type(queryset)
    if cls not in _date_range_classes:
        _date_range_classes[cls] = type(f"DateRange{cls.__name__}", (DateRangeQuerySetMixin, cls), {})
    queryset.__class__ = _date_range_classes[cls]
    return queryset


class DeskFilter(admin.SimpleListFilter):
    title = _("desk")
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        return (
            ("today", _("Scheduled for today")),
            ("24h", _("Published in the last 24 hours")),
            ("mine", _("My drafts")),
            ("embargo", _("Embargoes lifting within 24 hours")),
        )

    def queryset(self, request, queryset):
        return desk.desk_filter(queryset, self.value(), user=request.user) if self.value() else queryset
