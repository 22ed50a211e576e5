"""Where records live: the SQLAlchemy models (`models`), the engine and its sessions for SQLite or PostgreSQL
(`db`), transactions with retry and row locks (`tx`), and the schema's history (`migrations`, Alembic). The
store knows no rules; the contexts above it give the rows their meaning."""

# The shared pool drives' tables (issue 27, a module of their own) join the one metadata whenever the
# store is imported, so migrations and the schema check see every table.
from wipestation.store import pool_models as pool_models
