"""The console App's base: its toasts (one per drive), the dashboard it returns to, and the
erasures it runs side by side (each in a worker; the handlers update the job and the dashboard).
`tui.app.WipestationApp` adds drives, the store's live refresh and navigation."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.notifications import Notification, Notify, SeverityLevel
from textual.worker import Worker, WorkerState

from tui.messages import EraseFinished, EraseProgressed, RecordsChanged
from tui.services import ConsoleServices, EraseEnd, EraseNotRun, EraseRequest
from tui.texts import _, method_word
from tui.widgets import EraseJob, JobPhase, status_word
from wipestation.common.errors import WipestationError
from wipestation.common.outcome import ErasureOutcome
from wipestation.erasure.engine import Progress

if TYPE_CHECKING:
    from tui.screens.dashboard import DashboardScreen


class ConsoleBase(App[None]):
    def __init__(self, services: ConsoleServices) -> None:
        super().__init__()
        self.services = services
        self.jobs: dict[int, EraseJob] = {}
        self._job_ids = itertools.count(1)
        self._erase_workers: dict[Worker[None], int] = {}
        self._toasts: dict[str, Notification] = {}

    @property
    def dashboard(self) -> DashboardScreen | None:
        from tui.screens.dashboard import DashboardScreen

        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                return screen
        return None

    def notify_about(
        self,
        key: str,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast about one drive (`key`: its serial) replaces that drive's previous toast, so a
        flapping device or a burst of events shows one toast, not a stack."""
        old = self._toasts.pop(key, None)
        if old is not None and old in self._notifications:
            self._unnotify(old)
        seconds = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        toast = Notification(message, title, severity, seconds, markup=markup)
        self._toasts[key] = toast
        self.post_message(Notify(toast))

    # --- erasures ----------------------------------------------------------------------------

    def start_erase(self, request: EraseRequest, record_id: int | None) -> EraseJob:
        job = EraseJob(next(self._job_ids), request.device, request.serial, request.method, record_id)
        job.started_at = job.now = self.services.env.now()
        self.jobs[job.id] = job
        dash = self.dashboard
        if dash is not None:
            dash.add_job(job)
        self._erase_workers[self._run_erase(job.id, request, job)] = job.id
        return job

    @work(thread=True, exit_on_error=False, group="erase")
    def _run_erase(self, job_id: int, request: EraseRequest, job: EraseJob) -> None:
        """The worker: runs the engine, posts what happened; never touches widgets or job state."""
        eraser = self.services.eraser
        if eraser is None:
            self.post_message(
                EraseFinished(job_id, EraseNotRun(ErasureOutcome.FAILED, _("no erasure engine available")))
            )
            return
        stop = job.stop  # a threading.Event, read-only here

        def progress(p: Progress) -> None:
            self.post_message(EraseProgressed(job_id, p))

        try:
            end: EraseEnd = eraser.erase(request, progress, stop.is_set)
        except WipestationError as exc:
            end = EraseNotRun(ErasureOutcome.FAILED, str(exc))
        except OSError as exc:
            end = EraseNotRun(
                ErasureOutcome.INTERRUPTED if stop.is_set() else ErasureOutcome.FAILED,
                _("I/O error: {error}").format(error=exc),
            )
        self.post_message(EraseFinished(job_id, end))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An engine bug must not take the console down: the erasure is marked failed."""
        job_id = self._erase_workers.get(event.worker)
        if job_id is None or event.state is not WorkerState.ERROR:
            return
        self.post_message(
            EraseFinished(
                job_id,
                EraseNotRun(ErasureOutcome.FAILED, _("internal error: {error}").format(error=event.worker.error)),
            )
        )

    def on_erase_progressed(self, message: EraseProgressed) -> None:
        job = self.jobs.get(message.job_id)
        if job is None or not job.running:
            return
        job.progress = p = message.progress
        job.now = self.services.env.now()
        job.bytes_done = p.bytes_total * (max(1, p.pass_number) - 1) + p.bytes_done
        if job.phase is JobPhase.STARTING:
            job.phase = JobPhase.RUNNING
        self._refresh_job(job)

    def on_erase_finished(self, message: EraseFinished) -> None:
        job = self.jobs.get(message.job_id)
        if job is None or not job.running:
            return
        job.finish(message.end, self.services.env.now())
        self._refresh_job(job)
        self.set_timer(self.services.finished_visible_seconds, lambda: self._retire(job))
        if job.erased:
            cert = " " + _("Certificate {number}.").format(number=job.certificate) if job.certificate else ""
            hidden = (
                " " + _("Sectors hidden by an HPA/DCO were not written.")
                if job.outcome is ErasureOutcome.WITH_EXCEPTIONS
                else ""
            )
            self.notify_about(
                job.serial,
                _("{serial} on {device} erased with {method}.").format(
                    serial=job.serial, device=job.device, method=method_word(job.method)
                )
                + hidden
                + cert
                + (" " + job.error if job.error else ""),  # a certificate not issued or not mailed
                title=_("Erasure finished"),
                severity="warning" if job.error else "information",
            )
        else:
            self.notify_about(
                job.serial,
                _("{serial}: {error}. The record stays due.").format(serial=job.serial, error=job.error),
                title=_("Erasure {outcome}").format(outcome=status_word(job.state)),
                severity="error",
                timeout=20,
            )
        self.post_message(RecordsChanged())

    def _retire(self, job: EraseJob) -> None:
        """A finished erasure leaves the dashboard's pane for the history view (F4)."""
        dash = self.dashboard
        if dash is not None:
            dash.retire_job(job)

    def cancel_erase(self, job_id: int) -> bool:
        job = self.jobs.get(job_id)
        if job is None or not job.running:
            return False
        job.stop.set()
        job.phase = JobPhase.STOPPING
        self._refresh_job(job)
        return True

    def _refresh_job(self, job: EraseJob) -> None:
        dash = self.dashboard
        if dash is not None:
            dash.update_job(job)

    def running_job_for(self, device: str) -> EraseJob | None:
        return next((j for j in self.jobs.values() if j.device == device and j.running), None)
