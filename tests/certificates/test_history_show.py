"""`show REF` carries the drive's erasure history with certificate numbers, and says when the last
erasure failed (issue 12, point 9); also on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import update

from tests.certificates.conftest import Shop
from tests.conftest import Cli
from wipestation.documents.certify import issue_erasure_certificate
from wipestation.store.models import Erasure, ErasureOutcome


def test_show_lists_every_erasure_with_its_certificate_and_a_failed_last_one(cli: Cli, shop: Shop, renderer) -> None:
    record = shop.record("HIST-FAIL")
    done = shop.erasure(record)
    with shop.sessions.begin() as s:
        number = issue_erasure_certificate(s, shop.env, renderer, done).number
    failed = shop.erasure(record, outcome=ErasureOutcome.FAILED)
    with shop.sessions.begin() as s:
        s.execute(
            update(Erasure)
            .where(Erasure.id == failed)
            .values(error="write error at 1.0 GB (EIO)", bad_ranges=[[10**9, 10**9 + 512]], bytes_written=10**9)
        )
    shown = cli.ok("show", "HIST-FAIL")
    assert [(e["erasure_id"], e["outcome"], e["certificate"]) for e in shown["erasures"]] == [
        (done, "succeeded", number),
        (failed, "failed", None),
    ]
    last = shown["erasures"][-1]
    assert last["bad_ranges"] == [[10**9, 10**9 + 512]] and last["bytes_written"] == 10**9
    assert last["started_at"] == "2026-11-25T09:00:00+00:00" and last["ended_at"] == "2026-11-25T11:00:00+00:00"
    assert shown["last_erasure_warning"] == f"the last erasure ({failed}, zero) failed: write error at 1.0 GB (EIO)"
    text = cli("show", str(record)).stdout
    assert f"#{done} zero succeeded" in text and f"certificate {number}" in text
    assert f"#{failed} zero failed" in text and "bad ranges 1" in text
    assert f"warning   the last erasure ({failed}, zero) failed" in text
