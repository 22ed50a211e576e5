"""Alembic environment: the engine (or connection) comes from wipestation.store.db, never from an ini."""

from __future__ import annotations

from alembic import context

from wipestation.store.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    engine = config.attributes["engine"]
    with engine.connect() as conn:
        _run_with(conn)
        conn.commit()


def _run_with(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
