"""Search documents written again with the new word rules (articles/search/fulltext.py).

A story's body is now read with its block elements as word boundaries (a heading and the next
paragraph, two list items, no longer make one word), and a word is indexed with every stem its
proclitics may hide («وفرنسا» also as «فرنسا», «بالقدس» as «القدس» and «قدس»). Documents written
before this migration lack those words, so every published story is indexed again, in batches of
BATCH stories, each in its own transaction: a running site keeps answering searches, and a batch
that fails leaves the ones before it done (``manage.py rebuild_search_index`` does the same).

The documents are written by the seam's handler (articles.changes.search_documents.reindex), the
code that keeps them in step with every change, so they are exactly what a new save writes. That
handler uses the current models, not this migration's historical ones: if a later migration
changes a table it reads (stories, tags, bylines, sources, documents), a database upgraded across
both may need this step replaced by ``rebuild_search_index`` after migrating. A database without
published stories (a new one) runs nothing.
"""

from django.db import migrations, transaction

BATCH = 500


def reindex_published_stories(apps, schema_editor):
    from articles.changes.search_documents import reindex

    alias = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    ids = list(Article.objects.using(alias).filter(status="published").order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        with transaction.atomic(using=alias):
            reindex(ids[start : start + BATCH])


class Migration(migrations.Migration):
    # Each batch commits on its own (above).
    atomic = False

    dependencies = [
        ("articles", "0016_tag_keys"),
    ]

    operations = [
        migrations.RunPython(reindex_published_stories, migrations.RunPython.noop, elidable=True),
    ]
