"""A search in batch mode: a line per trial, the study and its best run at the end, and the
search's summary files (``summary.json``, ``trials.csv``) beside the catalog.

The files go to ``<catalog stem>_searches/<study uid>/``, rewritten after every session, so a
continued search's files cover all its trials.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from app.batch._console import ConsoleProgress
from app.core.catalog import Catalog
from app.core.config import fmt
from app.core.engine import RunControl
from app.core.jobs import SearchJob
from app.core.search import (
    SearchOutcome,
    SearchStarted,
    TrialEnded,
    TrialStarted,
    WaitingForWorkers,
    best_run_report,
    search_summary,
    write_search_summary,
)


def run_search_job(job: SearchJob, catalog: Catalog, control: RunControl, label: str,
                   out: TextIO) -> tuple[SearchOutcome, dict[str, Any]]:
    """Run ``job`` printing its trials; return its outcome and its summary (files written)."""
    progress = ConsoleProgress(label, out)
    metric = job.search.settings.metric
    planned = job.search.planned_trials

    def on_event(record: object) -> None:
        if isinstance(record, SearchStarted):
            budget = f"{planned} trials" if planned else "no trial limit"
            if job.search.settings.timeout:
                budget += f", {fmt(job.search.settings.timeout)} s"
            line = (f"{label}: search {record.name!r} (study {record.study_id}, "
                    f"{record.study_uid[:12]}): {budget}, metric {metric}")
            if record.finished_before:
                line += f"; continuing after {record.finished_before} finished trial(s)"
            if record.interrupted:
                numbers = ", ".join(str(n) for n in record.interrupted)
                line += f"; trial(s) {numbers} cut short, run again"
            progress._print(line)
        elif isinstance(record, TrialStarted):
            progress.label = f"{label} trial {record.number}"
            values = ", ".join(f"{k}={fmt(v)}" for k, v in record.params.items())
            progress._print(f"{progress.label}: {values}")
        elif isinstance(record, TrialEnded):
            progress._print(f"{label} trial {record.number}: {_ended(record, metric)}")
        elif isinstance(record, WaitingForWorkers):
            progress._print(f"{label}: {record.finished} trial(s) finished, {record.running} "
                            "running on other workers fill the budget; waiting for them")

    outcome = job.run(catalog, callbacks=(progress,), control=control, on_event=on_event)
    summary = search_summary(catalog, outcome.study_id)
    folder = search_folder(catalog.path, outcome.study_uid)
    json_path, csv_path = write_search_summary(folder, summary)
    summary["files"] = {"json": str(json_path), "csv": str(csv_path)}
    progress._print(describe_end(outcome, summary, metric))
    report = best_run_report(catalog, outcome.study_id)
    if report is not None:  # the winner and why: metric against the other models, size, speed
        progress._print(f"  {report.line}")
    return outcome, summary


def search_folder(catalog_path: Path, study_uid: str) -> Path:
    catalog_path = Path(catalog_path)
    return catalog_path.with_name(f"{catalog_path.stem}_searches") / study_uid


def describe_end(outcome: SearchOutcome, summary: dict[str, Any], metric: str) -> str:
    why = {"trials": "its trial budget is spent", "timeout": "its time budget is spent",
           "grid": "every grid combination ran", "stopped": "it was stopped"}[outcome.reason]
    line = (f"search {outcome.name!r} (study {outcome.study_id}) {outcome.status}: {why}; "
            f"{outcome.finished} trial(s) finished")
    best = summary["best_run"]
    if best is not None:
        line += (f"; best run {best['run_id']} ({best['name']}, {best['model']}) "
                 f"{metric} {_value(best['value'])}")
    else:
        line += "; no trial completed, so there is no best run"
    values = summary["importances"]["values"]
    if values:
        line += "; importance " + ", ".join(f"{k} {v:.2f}" for k, v in list(values.items())[:3])
    files = summary.get("files")
    if files:
        line += f"\n  search summary: {files['json']} and {files['csv']}"
    return line


def _ended(record: TrialEnded, metric: str) -> str:
    if record.status == "invalid":
        return f"skipped, the settings refuse its values: {record.message}"
    text = record.status
    if record.value is not None:
        text += f", {metric} {_value(record.value)}"
    elif record.message:
        text = record.message if record.message.startswith(text) else f"{text} ({record.message})"
    if record.run_id is not None:
        text += f" (run {record.run_id})"
    if record.best_run_id is not None:
        text += f"; best so far run {record.best_run_id}, {_value(record.best_value)}"
    return text


def _value(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"
