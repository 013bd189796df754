"""Arabic search: the normaliser (arabic.py), index text and queries on SQLite FTS5 and PostgreSQL
(fulltext.py), and the search documents (models.py)."""
