"""The end-of-batch summary: a table for people and a JSON record per run for machines."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.core.engine import atomic_write
from app.core.errors import ConfigError
from app.core.runs import RunOutcome


def summary_records(outcomes: Sequence[RunOutcome]) -> list[dict[str, Any]]:
    """One JSON-able record per run; NaN and infinities become null (strict JSON)."""
    return [
        {"run_id": o.run_id, "run_uid": o.uid, "name": o.name, "status": o.status,
         "health": o.health, "model": o.model, "dataset_fingerprint": o.fingerprint,
         "best_val_metric_name": o.best_metric_name, "best_val_metric": _finite(o.best_metric),
         "best_epoch": o.best_epoch, "epochs_done": o.epochs_done,
         "test_accuracy": _finite(o.test_accuracy), "test_macro_f1": _finite(o.test_macro_f1),
         "test_roc_auc_macro": _finite(_test(o, "roc_auc_macro")),
         "test_ece": _finite(_test(o, "ece")),
         "wall_seconds": round(o.wall_seconds, 3), "message": o.message,
         "parent_run_id": o.parent_run_id, "parent_run_uid": o.parent_uid}
        for o in outcomes
    ]


def check_summary_path(path: Path) -> None:
    """Refuse a summary path that could not be written, before anything trains.

    Raises:
        ConfigError: the folder does not exist or is not writable, or the path is a folder.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ConfigError(f"--summary-json {path} is a folder; give a file name")
    if not folder.is_dir():
        raise ConfigError(f"--summary-json {path}: the folder {folder} does not exist; create "
                          "it or choose another path")
    try:
        fd, probe = tempfile.mkstemp(prefix=".modeldesk-summary-", dir=folder)
    except OSError as error:
        raise ConfigError(f"--summary-json {path}: cannot write in {folder} "
                          f"({error.strerror or error}); choose another path") from None
    os.close(fd)
    os.unlink(probe)


def write_summary_json(path: Path, outcomes: Sequence[RunOutcome],
                       searches: Sequence[dict[str, Any]] = ()) -> None:
    """``{"runs": [...]}`` plus, when the file held searches, ``"searches"``: each study,
    its best run and its trials (``search_summary``); trial runs name their study."""
    records = summary_records(outcomes)
    trial_of = {trial["run_id"]: (search["study"], trial["trial"])
                for search in searches for trial in search["trials"]}
    for record in records:
        if record["run_id"] in trial_of:
            study, number = trial_of[record["run_id"]]
            record.update(study_id=study["id"], study_uid=study["uid"], trial=number)
    document: dict[str, Any] = {"runs": records}
    if searches:
        document["searches"] = list(searches)
    text = json.dumps(document, indent=2, allow_nan=False)
    atomic_write(Path(path), lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def format_table(outcomes: Sequence[RunOutcome]) -> str:
    """A plain-text table: run id, name, model, status, best val metric, test accuracy, time."""
    header = ("run", "name", "model", "status", "best val", "test acc", "macro F1", "time")
    rows = [header]
    for o in outcomes:
        best = "-" if o.best_metric is None else f"{o.best_metric_name} {o.best_metric:.4f}"
        status = f"{o.status}, {o.health}" if o.health else o.status
        rows.append((str(o.run_id), o.name, o.model, status, best, _pct(o.test_accuracy),
                     "-" if o.test_macro_f1 is None else f"{o.test_macro_f1:.3f}",
                     f"{o.wall_seconds:.1f}s"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _test(outcome: RunOutcome, key: str) -> float | None:
    """A stored test metric (``None`` for a run that was not tested, or before it existed)."""
    return (outcome.finished.test_metrics or {}).get(key)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"
