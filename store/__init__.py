"""The store: the registry (SQLite/PostgreSQL through SQLAlchemy) and the exports written from it.

Side effects live here and in ``ingest``; ``models`` holds data only."""
