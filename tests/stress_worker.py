"""One 'workstation' of the stress and race tests: its own process, engine and transactions.

Run through multiprocessing (spawn) by tests/test_multistation.py.
"""

from __future__ import annotations

import os
import traceback
from datetime import timedelta
from functools import partial
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from wipestation.audit.log import record_event
from wipestation.common.clock import SystemClock
from wipestation.common.config import Config, ShopConfig
from wipestation.common.env import Env
from wipestation.common.errors import WipestationError
from wipestation.common.identity import DriveIdentity
from wipestation.destruction.destroying import DestructionRequest, destroy
from wipestation.documents.certify import CertificateRenderer, load_renderer
from wipestation.erasure.methods import get_method
from wipestation.erasure.service import begin_erasure
from wipestation.records import custody, registration
from wipestation.records.customers import CustomerInput, add_customer
from wipestation.store.db import open_store
from wipestation.store.tx import in_transaction


def _env(data_dir: str, name: str) -> Env:
    return Env(
        clock=SystemClock(), config=Config(data_dir=Path(data_dir), shop=ShopConfig(name="Teststation")), actor=name
    )


def _register_backup(s: Session, env: Env, name: str, i: int) -> str:
    customer = add_customer(s, env, CustomerInput(name=f"Customer {name} {i}"))
    reg = custody.Registration(customer_id=customer.id, job_ref=f"J{i}", started_on=env.today())
    return registration.register_backup(s, env, DriveIdentity(serial=f"{name}-B{i}"), reg).drive.serial


def _hold(s: Session, env: Env, serial: str) -> None:
    custody.hold(s, env, serial, env.today() + timedelta(days=10), "dispute")


def _register_and_destroy(s: Session, env: Env, renderer: CertificateRenderer, name: str, i: int) -> str:
    customer = add_customer(s, env, CustomerInput(name=f"Owner {name} {i}"))
    reg = custody.Registration(customer_id=customer.id, job_ref=None, started_on=env.today() - relativedelta(months=4))
    serial = f"{name}-A{i}"
    registration.register_abandoned(
        s, env, DriveIdentity(serial=serial, model="ST500", capacity_bytes=500 * 10**9, media="hdd"), reg
    )
    return destroy(s, env, renderer, DestructionRequest(refs=(serial,), method="shred", level="H-5"))[0].certificate


def _append(s: Session, env: Env, i: int) -> None:
    # not an Action on purpose: a name the enum does not know, as an older database may hold; the
    # chain must take it (verifying accepts any name already stored)
    record_event(s, env, "stress.append", "stress", i, after={"i": i})  # type: ignore[arg-type]


def workstation(url: str, data_dir: str, name: str, operations: int, barrier: Barrier) -> dict[str, Any]:
    """Register, hold, destroy (issuing a certificate) and append audit events, `operations` times."""
    engine, sessions = open_store(url)
    env = _env(data_dir, name)
    renderer = load_renderer(env.config)
    done: dict[str, Any] = {"backups": 0, "holds": 0, "certificates": [], "events": 0, "errors": []}
    last_backup = ""
    barrier.wait()
    try:
        for i in range(operations):
            try:
                step = i % 4
                if step == 0:
                    last_backup = in_transaction(sessions, partial(_register_backup, env=env, name=name, i=i))
                    done["backups"] += 1
                elif step == 1:
                    in_transaction(sessions, partial(_hold, env=env, serial=last_backup))
                    done["holds"] += 1
                elif step == 2:
                    work = partial(_register_and_destroy, env=env, renderer=renderer, name=name, i=i)
                    done["certificates"].append(in_transaction(sessions, work))
                else:
                    in_transaction(sessions, partial(_append, env=env, i=i))
                    done["events"] += 1
            except WipestationError as exc:  # a refusal by the rules is an error here: none is expected
                done["errors"].append(f"{type(exc).__name__}: {exc}")
    except Exception:  # noqa: BLE001 - reported to the parent, which fails the test
        done["errors"].append(traceback.format_exc())
    finally:
        engine.dispose()
    return done


def race_to_erase(url: str, data_dir: str, name: str, serial: str, barrier: Barrier) -> str:
    """Two workstations start erasing the same backup drive at the same moment."""
    engine, sessions = open_store(url)
    env = _env(data_dir, name)
    method = get_method("zero")
    identity = DriveIdentity(serial=serial, capacity_bytes=1 << 30)
    barrier.wait()
    try:
        in_transaction(
            sessions,
            lambda s: begin_erasure(
                s,
                env,
                identity=identity,
                device="/dev/sdz",
                method=method,
                verify="none",
                category="Clear",
                tool="test",
                resume=False,
                key=None,
                pid=os.getpid(),
            ),
        )
        return "ok"
    except WipestationError as exc:
        return f"refused: {exc}"
    finally:
        engine.dispose()


def race_to_destroy(url: str, data_dir: str, name: str, serial: str, barrier: Barrier) -> str:
    """Two workstations destroy the same disk at the same moment; returns "ok" or the refusal."""
    engine, sessions = open_store(url)
    env = _env(data_dir, name)
    renderer = load_renderer(env.config)
    barrier.wait()
    try:
        request = DestructionRequest(refs=(serial,), method="shred", level="H-5")
        in_transaction(sessions, lambda s: destroy(s, env, renderer, request))
        return "ok"
    except WipestationError as exc:
        return f"refused: {exc}"
    finally:
        engine.dispose()
