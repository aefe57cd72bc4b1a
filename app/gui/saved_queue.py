"""The training queue outlives the window: what was left to do is offered at the next launch.

The queue's unfinished jobs (the active one as a resume of its run, then the waiting ones) are
saved in the settings, per catalog, whenever the queue changes, so a quit, a crash or a power
cut loses none of them. At start-up the window lists them and asks before queueing anything;
a saved resume of a run that can no longer be resumed is left out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.catalog import Catalog
from app.core.errors import ModelDeskError
from app.core.jobs import Job, ResumeJob, job_from_json, job_to_json
from app.gui.workers import run_in_background

log = logging.getLogger(__name__)
MAX_LISTED = 12


def remember_queue(window: QWidget) -> None:
    """Save the window's unfinished jobs for its catalog (called on every queue change)."""
    jobs = [job_to_json(job) for job in window.queue.unfinished_jobs()]
    window.state.settings.set_saved_queue(str(window.state.catalog.path), jobs)


def offer_saved_queue(window: QWidget, on_shown: Callable[[QMessageBox], None] | None = None,
                      ) -> None:
    """Read the saved jobs off the GUI thread, then ask (non-blocking) to queue them again."""
    catalog = window.state.catalog
    saved = window.state.settings.saved_queue(str(catalog.path))
    if not saved:
        return
    run_in_background(window, lambda: _still_to_do(catalog, saved),
                      lambda jobs: _ask(window, jobs, on_shown),
                      lambda message: log.warning("saved queue not offered: %s", message))


def _still_to_do(catalog: Catalog, saved: list[dict]) -> list[Job]:
    jobs = []
    for data in saved:
        try:
            job = job_from_json(data)
            if isinstance(job, ResumeJob) and not catalog.resumable(job.run_id):
                continue  # finished or deleted meanwhile
        except ModelDeskError as error:
            log.warning("a saved job cannot be read back: %s", error)
            continue
        jobs.append(job)
    return jobs


def _ask(window: QWidget, jobs: list[Job], on_shown: Callable | None) -> None:
    if not jobs:
        window.state.settings.set_saved_queue(str(window.state.catalog.path), [])
        return
    lines = [f"• {job.label}" for job in jobs[:MAX_LISTED]]
    if len(jobs) > MAX_LISTED:
        lines.append(f"… and {len(jobs) - MAX_LISTED} more")
    box = QMessageBox(QMessageBox.Icon.Question, "Runs left from last time",
                      f"{len(jobs)} run(s) were queued or training when ModelDesk closed:\n\n"
                      + "\n".join(lines) + "\n\nQueue them again?",
                      QMessageBox.StandardButton.NoButton, window)
    box.setObjectName("savedQueue")
    again = box.addButton("Queue again", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Discard", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(again)

    def on_clicked(button: object) -> None:
        if button is again:
            for job in jobs:
                window.queue.enqueue(job, window.state.catalog.path)
        remember_queue(window)  # the queue now holds them, or they are discarded

    box.buttonClicked.connect(on_clicked)
    box.open()
    if on_shown is not None:
        on_shown(box)
