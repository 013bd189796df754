"""Search that reads as little as the newest results need, on both databases.

SQLite: a second FTS5 table over articles_searchdocument, of headlines alone, kept by triggers.
The table of migration 0007 holds headline and text together: asking it which documents match
in the headline reads the positions of every document that has the words anywhere, which for
two common words is most of the archive (40 ms at 100,000 stories). Headlines indexed apart
answer from their own, much shorter lists.

PostgreSQL: the documents' tsvectors are stored (generated columns, which the model does not
list: only articles/search/fulltext.py reads them), each with its GIN index. Migration 0007 indexed the
expression, so every document the planner chose to check had its text parsed again: the newest
600 matches of a common word cost a third of a second, a headline match more. The whole-text
index keeps its name, articles_searchdocument_tsv.
"""

from django.db import migrations

FTS = "articles_searchdocument_headline_fts"
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(headline, content='articles_searchdocument', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON articles_searchdocument BEGIN "
    f"INSERT INTO {FTS}(rowid, headline) VALUES (new.id, new.headline); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON articles_searchdocument BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, headline) VALUES ('delete', old.id, old.headline); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE ON articles_searchdocument BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, headline) VALUES ('delete', old.id, old.headline); "
    f"INSERT INTO {FTS}(rowid, headline) VALUES (new.id, new.headline); END",
    # Index the documents that already exist.
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {FTS}_{name}" for name in ("insert", "delete", "update")] + [
    f"DROP TABLE IF EXISTS {FTS}"
]
PG_VECTORS = {
    # column: (indexed text, GIN index)
    "search_vector": ("coalesce(headline, '') || ' ' || coalesce(body, '')", "articles_searchdocument_tsv"),
    "headline_vector": ("coalesce(headline, '')", "articles_searchdocument_headline_tsv"),
}


def _pg_expression_index():
    # Migration 0007's index, on the expression rather than a stored column.
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector("headline", "body", config="simple"), name="articles_searchdocument_tsv")


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("articles", "SearchDocument"), _pg_expression_index())
        for column, (text, index) in PG_VECTORS.items():
            schema_editor.execute(
                f"ALTER TABLE articles_searchdocument ADD COLUMN {column} tsvector "
                f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {text})) STORED"
            )
            schema_editor.execute(f"CREATE INDEX {index} ON articles_searchdocument USING gin ({column})")


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for column in PG_VECTORS:
            schema_editor.execute(f"ALTER TABLE articles_searchdocument DROP COLUMN {column}")  # and its index
        schema_editor.add_index(apps.get_model("articles", "SearchDocument"), _pg_expression_index())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_list_indexes"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
