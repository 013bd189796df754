"""An editor at work during a load run: edits published stories and publishes new ones.

    .venv/bin/python bench/editor.py --seconds 60   (environment from bench/load.py)

Goes through the same services the admin calls (article_save with lost-edit protection,
article_create + publish), as the demo editor, against the database the server reads,
about four writes a second. Prints one JSON line: saves, publishes, errors, save p50/max.
Bounded by --seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pause", type=float, default=0.25, help="Seconds between two writes.")
    args = parser.parse_args()
    django.setup()

    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.db import OperationalError

    from articles.models import Article, Section
    from articles.stories import services

    editor = get_user_model().objects.get(username="editor")
    section = Section.objects.order_by("pk").first()
    story_ids = list(Article.objects.published().values_list("pk", flat=True)[:200])
    rng = random.Random(7)
    timings, saves, publishes, failures = [], 0, 0, []
    deadline = time.monotonic() + args.seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        started = time.monotonic()
        try:
            if n % 4 == 0:
                services.article_create(
                    headline=f"خبر عاجل رقم {n} من غرفة الأخبار أثناء اختبار الحمل",
                    section=section,
                    body="<p>نص الخبر كما كتبه المحرر في أثناء اختبار الحمل.</p>",
                    by=editor,
                    publish=True,
                )
                publishes += 1
            else:
                article = Article.objects.get(pk=rng.choice(story_ids))
                article.dek_ar = f"تحديث رقم {n} للموجز"
                services.article_save(article=article, by=editor, expected_version=article.version)
                saves += 1
            timings.append((time.monotonic() - started) * 1000)
        except (OperationalError, ValidationError) as error:
            failures.append(f"{type(error).__name__}: {error}")
        time.sleep(args.pause)

    print(
        json.dumps(
            {
                "saves": saves,
                "publishes": publishes,
                "errors": len(failures),
                "first_errors": failures[:3],
                "p50_ms": statistics.median(timings) if timings else 0,
                "max_ms": max(timings) if timings else 0,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
