"""Store work off the UI thread.

Every store write, PDF render/signature and drive probe runs in a thread worker, through the same
transaction helper as the CLI (`wipestation.store.tx.in_transaction`: a lost PostgreSQL race is retried);
the handlers that get the result run back on the UI thread and only update widgets. pyHanko signs
with its own `asyncio.run()`, which cannot run on the console's event-loop thread at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from textual.app import App
from textual.dom import DOMNode
from textual.worker import Worker

from wipestation.common.errors import WipestationError
from wipestation.store.tx import in_transaction

T = TypeVar("T")
V = TypeVar("V")

EXPECTED = (WipestationError, OSError, SQLAlchemyError)


def in_background(
    node: DOMNode,
    work: Callable[[], T],
    done: Callable[[T], Any],
    failed: Callable[[str], Any] | None = None,
    *,
    group: str = "store",
    exclusive: bool = False,
    refused: Callable[[WipestationError], Any] | None = None,
) -> Worker[None]:
    """Run `work` in a thread; `done(result)` or `failed(message)` is then called on the UI thread.
    An expected refusal (WipestationError, I/O, database) becomes `failed`'s one-line message; a
    WipestationError goes to `refused` whole instead, when given (a form reads its `field`)."""
    app = node.app

    def run() -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        try:
            result = work()
        except EXPECTED as exc:
            if refused is not None and isinstance(exc, WipestationError):
                _deliver(app, refused, exc)
                return
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if failed is not None:
                _deliver(app, failed, message)
            else:
                _deliver(app, lambda m: app.notify(m, severity="error", timeout=15), message)
            return
        if not worker.is_cancelled:  # a newer load of the same group replaced this one
            _deliver(app, done, result)

    return node.run_worker(run, thread=True, exit_on_error=False, group=group, exclusive=exclusive)


def _deliver(app: App[Any], handler: Callable[[V], object], value: V) -> None:
    if not app.is_running:
        return
    with contextlib.suppress(RuntimeError):  # the console closed meanwhile
        app.call_from_thread(handler, value)


def store_write(
    node: DOMNode,
    work: Callable[[Session], T],
    done: Callable[[T], Any],
    failed: Callable[[str], Any] | None = None,
    *,
    group: str = "store",
    refused: Callable[[WipestationError], Any] | None = None,
) -> Worker[None]:
    """`work(session)` in one transaction of the App's store, retried on a lost race, in a worker."""
    sessions = node.app.services.sessions  # type: ignore[attr-defined]
    return in_background(node, lambda: in_transaction(sessions, work), done, failed, group=group, refused=refused)
