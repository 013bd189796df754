"""The newsroom desk: what waits for whom, as counts that link into filtered lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from ..models import Article, Image
from ..photos.models import MISSING_ALT_TEXT
from ..stories import permissions


@dataclass(frozen=True)
class DeskItem:
    label: str
    count: int
    url: str


def _changelist(model: str, **params) -> str:
    return f"{reverse(f'admin:articles_{model}_changelist')}?{urlencode(params)}"


def _end_of_today():
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time.min))


def desk_items(*, user) -> list[DeskItem]:
    """Two queries whatever the size of the archive: one over stories, one over photos."""
    now = timezone.now()
    day_end = _end_of_today()
    soon = now + timedelta(hours=24)
    published = Q(status=Article.Status.PUBLISHED)
    last_day = Q(published_at__lte=now, published_at__gt=now - timedelta(hours=24))
    # Counts of what the user may open: another journalist's draft is not theirs to count.
    stories = permissions.visible_articles(Article.objects.all(), user=user).aggregate(
        review=Count("pk", filter=Q(status=Article.Status.REVIEW)),
        scheduled_today=Count("pk", filter=published & Q(published_at__gt=now, published_at__lt=day_end)),
        published_24h=Count("pk", filter=published & last_day),
        my_drafts=Count("pk", filter=Q(status=Article.Status.DRAFT, created_by=user)),
        embargo_soon=Count("pk", filter=Q(embargo_until__gt=now, embargo_until__lte=soon)),
    )
    photos = Image.objects.aggregate(missing=Count("pk", filter=Q(credit__isnull=True) | MISSING_ALT_TEXT))
    return [
        DeskItem(_("Waiting for review"), stories["review"], _changelist("article", status__exact="review")),
        DeskItem(_("Scheduled for today"), stories["scheduled_today"], _changelist("article", desk="today")),
        DeskItem(_("Published in the last 24 hours"), stories["published_24h"], _changelist("article", desk="24h")),
        DeskItem(_("My drafts"), stories["my_drafts"], _changelist("article", desk="mine")),
        DeskItem(
            _("Embargoes lifting within 24 hours"), stories["embargo_soon"], _changelist("article", desk="embargo")
        ),
        DeskItem(_("Photos missing a credit or alt text"), photos["missing"], _changelist("image", missing="either")),
    ]


def desk_filter(queryset, value: str, *, user):
    """The changelist filter behind each desk link (articles.admin.DeskFilter)."""
    now = timezone.now()
    if value == "today":
        return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=now, published_at__lt=_end_of_today())
    if value == "24h":
        return queryset.filter(
            status=Article.Status.PUBLISHED, published_at__lte=now, published_at__gt=now - timedelta(hours=24)
        )
    if value == "mine":
        return queryset.filter(status=Article.Status.DRAFT, created_by=user)
    if value == "embargo":
        return queryset.filter(embargo_until__gt=now, embargo_until__lte=now + timedelta(hours=24))
    return queryset
