"""Where records live: the SQLAlchemy models (`models`), the engine and its sessions for SQLite or PostgreSQL
(`db`), transactions with retry and row locks (`tx`), and the schema's history (`migrations`, Alembic). The
store knows no rules; the contexts above it give the rows their meaning."""
