"""The console's erasure job: its lifecycle (`phase`) apart from how it ended (the core's outcome), and
the core's `ErasureResult` read as it is (no console copy of it)."""

from __future__ import annotations

from dataclasses import replace

from tests.tui.conftest import fake_result
from tui.services import EraseNotRun, EraseRequest
from tui.widgets import EraseJob, JobPhase
from wipestation.common.outcome import ErasureOutcome

REQUEST = EraseRequest("/dev/sdb", "S1", "zero")


def _job() -> EraseJob:
    return EraseJob(1, "/dev/sdb", "S1", "zero", None)


def test_a_job_runs_through_its_phases_and_ends_with_the_cores_outcome() -> None:
    job = _job()
    assert (job.phase, job.outcome, job.running) == (JobPhase.STARTING, None, True)
    job.phase = JobPhase.STOPPING
    assert job.running and job.state == "stopping" and job.outcome is None
    job.finish(fake_result(REQUEST, ErasureOutcome.WITH_EXCEPTIONS, record_id=7, certificate="WS-1"))
    assert job.phase is JobPhase.ENDED and not job.running
    assert job.erased and job.state == "with-exceptions" and (job.record_id, job.certificate) == (7, "WS-1")
    assert "with exceptions" in job.summary()


def test_what_went_wrong_after_a_good_erasure_is_read_from_the_cores_result() -> None:
    job = _job()
    result = replace(fake_result(REQUEST, ErasureOutcome.SUCCEEDED), certificate_error="the signing key is gone")
    job.finish(result)
    assert job.outcome is ErasureOutcome.SUCCEEDED
    assert job.error == "erased, but no certificate was issued: the signing key is gone"


def test_an_erasure_refused_before_its_record_began_ends_failed_with_its_reason() -> None:
    job = _job()
    job.finish(EraseNotRun(ErasureOutcome.FAILED, "changed identity"))
    assert (job.phase, job.outcome, job.error, job.certificate) == (
        JobPhase.ENDED,
        ErasureOutcome.FAILED,
        "changed identity",
        None,
    )
    assert job.summary().startswith("FAILED: changed identity")


def test_a_drive_removed_during_the_erasure_ends_interrupted() -> None:
    job = _job()
    job.detached = True
    job.finish(fake_result(REQUEST, ErasureOutcome.FAILED, "I/O error"))
    assert job.outcome is ErasureOutcome.INTERRUPTED
    assert job.error == "drive removed during the erasure (I/O error)"
