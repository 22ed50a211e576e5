"""Signed certificates per second: numbering, rendering, signing and storing, end to end.

    .venv/bin/python bench/cert_bench.py [COUNT] [VERIFY_RUNS]

Issues COUNT erasure certificates (default 100) against a throw-away SQLite store with a fresh shop
key, each in its own transaction as the erasure engine does, and prints the rate (target >= 20/s).
Key creation and the first render (font loading) are reported on their own lines.

The machine is shared, so the bench also times a reference in the same run, interleaved with the
certificates: a bare reportlab one-page canvas (forty lines of text in the certificate's font)
signed with the same key and signer. The ratio certificate/reference is the figure that moves
least with the load; the rate is what the issue's target (>= 20/s) is about.

Then `certificate verify FILE --fingerprint SHA256` from a cold start as a customer runs it: a new
process with an empty home (no config, no database, no key), VERIFY_RUNS times (default 7), against
`python -c pass` in the same rounds (target: under 1 s). Wall clock and CPU (user + system) of each,
as medians; the CPU is the figure to compare on a shared machine.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wipestation.common.clock import SystemClock
from wipestation.common.config import Config, ShopConfig
from wipestation.common.env import Env
from wipestation.common.erasure_details import ErasureDetails
from wipestation.documents import certify
from wipestation.store.db import open_store
from wipestation.store.models import (
    CustodyKind,
    CustodyRecord,
    CustodyState,
    Customer,
    Drive,
    DriveOwner,
    Erasure,
    ErasureOutcome,
)


def _erasure(session: object, env: Env, i: int) -> int:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    now = env.now()
    customer = Customer(name=f"Klant {i}", created_at=now, updated_at=now)
    drive = Drive(
        serial=f"BENCH-{i:06d}",
        model="Bench disk",
        vendor="Bench",
        capacity_bytes=10**12,
        bus="usb",
        media="hdd",
        owner=DriveOwner.SHOP,
        erase_count=0,
        created_at=now,
    )
    session.add_all([customer, drive])
    session.flush()
    record = CustodyRecord(
        kind=CustodyKind.BACKUP,
        state=CustodyState.ERASED,
        drive_id=drive.id,
        customer_id=customer.id,
        job_ref=f"JOB-{i}",
        started_on=now.date(),
        due_on=now.date(),
        created_at=now,
        created_by="bench",
    )
    session.add(record)
    session.flush()
    erasure = Erasure(
        drive_id=drive.id,
        record_id=record.id,
        device_path="/dev/null",
        method="zero",
        passes=1,
        nist_category="Clear",
        verify_mode="full",
        verify_result="passed",
        bytes_total=10**12,
        bytes_written=10**12,
        bytes_verified=10**12,
        bad_ranges=[],
        outcome=ErasureOutcome.SUCCEEDED,
        tool="wipestation bench",
        technician="bench",
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        ended_at=now,
        details=ErasureDetails(),
    )
    session.add(erasure)
    session.flush()
    return erasure.id


def _reference(signer: Any, at: datetime) -> bytes:
    """A bare one-page reportlab canvas in the certificate's typeface (a plain reportlab TTFont, so
    none of the certificate's caches), signed: what any signed PDF costs here."""
    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    if "BenchReference" not in pdfmetrics.getRegisteredFontNames():
        path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
        if not path.exists():
            import reportlab

            path = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
        pdfmetrics.registerFont(TTFont("BenchReference", str(path)))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setFont("BenchReference", 9)
    for line in range(40):
        canvas.drawString(72, 780 - 18 * line, f"Regel {line}: een gewone regel tekst op een certificaat, 0123456789")
    canvas.showPage()
    canvas.save()
    return bytes(signer.sign(buffer.getvalue(), b"{}", created=at, signer_name="bench"))


def main(count: int, verify_runs: int = 7) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(data_dir=Path(tmp), shop=ShopConfig(name="Bench shop", address="Bench 1", contact="b@b.nl"))
        env = Env(clock=SystemClock(), config=config, actor="bench")
        engine, sessions = open_store(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        renderer = certify.load_renderer(config)
        t0 = time.perf_counter()
        renderer.prepare()
        print(f"shop key created in {time.perf_counter() - t0:.2f} s")
        with sessions.begin() as s:
            ids = [_erasure(s, env, i) for i in range(count + 1)]
        t0 = time.perf_counter()
        with sessions.begin() as s:
            certify.issue_erasure_certificate(s, env, renderer, ids[0])
        print(f"first certificate (fonts loaded) in {time.perf_counter() - t0:.2f} s")
        signer = getattr(renderer, "_signer", None)
        _reference(signer, env.now())
        elapsed = cpu = ref_cpu = 0.0
        for erasure_id in ids[1:]:  # one reference after each certificate: both see the same load
            t0, c0 = time.perf_counter(), time.process_time()
            with sessions.begin() as s:
                certify.issue_erasure_certificate(s, env, renderer, erasure_id)
            elapsed, cpu = elapsed + time.perf_counter() - t0, cpu + time.process_time() - c0
            c0 = time.process_time()
            _reference(signer, env.now())
            ref_cpu += time.process_time() - c0
        with sessions.begin() as s:
            number = certify.list_certificates(s)[-1].number
            pdf = certify.certificate_pdf(s, env, None, number, None)
        fingerprint = str(getattr(renderer, "fingerprint", ""))
        engine.dispose()
        verify = _verify_cold(pdf, fingerprint, verify_runs, Path(tmp))
    rate = count / elapsed
    print(f"{count} signed certificates in {elapsed:.2f} s: {rate:.1f} certificates/s (target >= 20/s)")
    # On a machine shared with other work the wall-clock rate shows the load as much as the code;
    # the CPU time this process used is the figure to compare between versions.
    print(f"CPU time {cpu:.2f} s: {count / cpu:.1f} certificates per CPU-second, {1000 * cpu / count:.0f} ms each")
    print(
        f"reference (bare one-page canvas + signature), same run: {1000 * ref_cpu / count:.1f} ms CPU each; "
        f"a certificate costs {cpu / ref_cpu:.2f} references"
    )
    (v_wall, v_cpu), (p_wall, p_cpu) = verify
    print(
        f"certificate verify, cold start, median of {verify_runs}: {v_wall:.2f} s wall, {v_cpu:.2f} s CPU "
        f"(target < 1 s); python -c pass, same rounds: {p_wall:.3f} s wall, {p_cpu:.3f} s CPU; "
        f"verify costs {v_cpu / p_cpu:.1f} bare interpreter starts"
    )


def _timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall clock and CPU (user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{args}: exit {done.returncode}: {done.stderr.strip()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _verify_cold(pdf: bytes, fingerprint: str, runs: int, tmp: Path) -> tuple[tuple[float, float], ...]:
    """`certificate verify` as a customer runs it (empty home: no config, database or key), and the
    bare interpreter, alternating; each the median of `runs`."""
    home = tmp / "customer"
    home.mkdir()
    path = home / "certificaat.pdf"
    path.write_bytes(pdf)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIPESTATION_", "XDG_"))}
    env["HOME"] = str(home)
    verify = [sys.executable, "-m", "wipestation.cli", "certificate", "verify", str(path), "--fingerprint", fingerprint]
    bare = [sys.executable, "-c", "pass"]
    rounds = [(_timed(verify, env), _timed(bare, env)) for _ in range(runs)]
    return tuple(
        (statistics.median(r[i][0] for r in rounds), statistics.median(r[i][1] for r in rounds)) for i in (0, 1)
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100, int(sys.argv[2]) if len(sys.argv) > 2 else 7)
