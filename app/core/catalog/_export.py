"""Run tables as CSV for spreadsheets and reports: one row per run, a fixed set of columns."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.core.catalog._records import RunRecord
from app.core.catalog._rows import RunRow
from app.core.errors import CatalogError

CSV_COLUMNS: tuple[str, ...] = (
    "id", "name", "status", "model", "dataset_path", "created_at", "finished_at", "epochs_done",
    "total_epochs", "best_val_metric_name", "best_val_metric", "best_epoch", "test_accuracy",
    "test_macro_f1", "wall_seconds", "tags", "notes",
)  # fmt: skip
"""The header of :func:`export_runs_csv`, in order."""

TAG_SEPARATOR = ";"


def export_runs_csv(runs: Sequence[RunRecord | RunRow], path: str | os.PathLike[str]) -> None:
    """Write ``runs`` (in the order given) to a UTF-8 CSV file with :data:`CSV_COLUMNS`.

    Records and light rows both carry every column, so a table can export its rows as read.

    Missing values are empty cells, tags are joined with ``;``, numbers are written in full
    precision. The file is written next to ``path`` and renamed over it, so a failure never
    leaves half a file (or destroys an older export of the same name).

    Raises:
        CatalogError: the file cannot be written (folder missing, read-only, disk full).
    """
    target = Path(path).expanduser().absolute()
    rows = [_row(run) for run in runs]
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise CatalogError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            writer.writerows(rows)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CatalogError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _row(run: RunRecord | RunRow) -> list[Any]:
    values: dict[str, Any] = {column: getattr(run, column, None) for column in CSV_COLUMNS}
    values["tags"] = TAG_SEPARATOR.join(run.tags)
    return ["" if values[column] is None else values[column] for column in CSV_COLUMNS]
