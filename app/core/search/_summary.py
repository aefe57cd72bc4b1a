"""A search's results as numbers: the trials table, the best-so-far series, parameter
importances and the best run, for batch mode's files and the window's Search view alike.

Importances come from Optuna's own evaluators: fANOVA (Optuna's default) when scikit-learn is
installed, else PED-ANOVA, which needs only numpy. Optuna assesses the parameters every
completed trial has, so a model's options in a space over several models are left out.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from app.core.catalog import Catalog
from app.core.engine import atomic_write
from app.core.search._events import INVALID
from app.core.search._optuna import open_storage
from app.core.search._trials import FATE, INVALID_FATE, trial_run

MIN_TRIALS_FOR_IMPORTANCE = 2


def trial_states(catalog: Catalog, study_id: int) -> tuple[tuple[int, str], ...]:
    """(number, state) of every trial in the study's storage: a cheap read that tells a
    viewer following a shared search whether anything changed since it last looked."""
    import optuna

    record = catalog.get_study(study_id)
    study = optuna.load_study(study_name=record.settings["optuna_study"],
                              storage=open_storage(catalog.path, record.settings.get("storage")))
    return tuple((t.number, t.state.name) for t in study.get_trials(deepcopy=False))


def search_summary(catalog: Catalog, study_id: int) -> dict[str, Any]:
    """The study's trials, best-so-far series, importances and best run (JSON-able)."""
    import optuna

    record = catalog.get_study(study_id)
    study = optuna.load_study(study_name=record.settings["optuna_study"],
                              storage=open_storage(catalog.path, record.settings.get("storage")))
    maximise = record.direction == "maximize"
    trials, best = [], None
    for frozen in sorted(study.get_trials(deepcopy=False), key=lambda t: t.number):
        row = _trial_row(catalog, frozen)
        if row["value"] is not None:
            better = best is None or (row["value"] > best if maximise else row["value"] < best)
            best = row["value"] if better else best
        row["best_so_far"] = best
        trials.append(row)
    best_run = None
    if record.best_run_id is not None:
        run = catalog.get_run_record(record.best_run_id)
        best_run = {"run_id": run.id, "run_uid": run.uid, "name": run.name,
                    "trial": run.trial_number, "model": run.model,
                    "value": next((t["value"] for t in trials if t["run_id"] == run.id), None)}
    return {
        "study": {"id": record.id, "uid": record.uid, "name": record.name,
                  "status": record.status, "sampler": record.sampler,
                  "pruner": record.settings.get("pruner"), "metric": record.metric,
                  "direction": record.direction, "planned_trials": record.planned_trials,
                  "space": _plain(record.space), "trial_counts": dict(record.trial_counts)},
        "best_run": best_run,
        "trials": trials,
        "best_so_far": [{"trial": t["trial"], "best": t["best_so_far"]} for t in trials
                        if t["best_so_far"] is not None],
        "importances": importances(study),
    }


def importances(study: Any) -> dict[str, Any]:
    """``{"evaluator", "values": {param: importance}}``; ``values`` empty (with a ``note``)
    when fewer than two trials completed or the evaluator could not tell."""
    from optuna.importance import get_param_importances
    from optuna.trial import TrialState

    completed = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    evaluator, name = _evaluator()
    if len(completed) < MIN_TRIALS_FOR_IMPORTANCE:
        return {"evaluator": name, "values": {},
                "note": f"needs at least {MIN_TRIALS_FOR_IMPORTANCE} completed trials"}
    try:
        values = get_param_importances(study, evaluator=evaluator)
    except (RuntimeError, ValueError) as error:  # e.g. no parameter varies
        return {"evaluator": name, "values": {}, "note": str(error)}
    return {"evaluator": name, "values": {k: float(v) for k, v in values.items()}}


def write_search_summary(folder: Path, summary: dict[str, Any]) -> tuple[Path, Path]:
    """``summary.json`` and ``trials.csv`` in ``folder`` (each written atomically)."""
    folder = Path(folder)
    json_path, csv_path = folder / "summary.json", folder / "trials.csv"
    text = json.dumps(summary, indent=2, allow_nan=False)
    atomic_write(json_path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    keys = sorted({key for row in summary["trials"] for key in row["params"]})
    columns = ["trial", "status", "run_id", "value", "best_so_far", "seconds", "epochs", *keys]

    def write_csv(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in summary["trials"]:
                writer.writerow([*(row[c] if row[c] is not None else "" for c in columns[:7]),
                                 *(row["params"].get(k, "") for k in keys)])

    atomic_write(csv_path, write_csv)
    return json_path, csv_path


def _trial_row(catalog: Catalog, frozen: Any) -> dict[str, Any]:
    run = trial_run(catalog, frozen)  # None for another worker's trial of a shared search
    status = run.status if run is not None else (
        INVALID if frozen.user_attrs.get(FATE) == INVALID_FATE else frozen.state.name.lower())
    seconds = None
    if frozen.datetime_start and frozen.datetime_complete:
        seconds = round((frozen.datetime_complete - frozen.datetime_start).total_seconds(), 3)
    value = frozen.value if frozen.state.name == "COMPLETE" else None  # a pruned trial's is
    last = max(frozen.intermediate_values.items(), default=(None, None))  # its last report
    return {"trial": frozen.number, "state": frozen.state.name.lower(), "status": status,
            "run_id": run.id if run else None,
            "run_uid": run.uid if run else frozen.user_attrs.get("run_uid"),
            "value": _finite(value), "last_reported": _finite(last[1]),
            "last_epoch": last[0], "seconds": seconds,
            "epochs": run.epochs_done if run else None, "params": _plain(frozen.params),
            "worker": frozen.user_attrs.get("host")}


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _evaluator() -> tuple[Any, str]:
    try:
        import sklearn  # noqa: F401 - fANOVA's random forest
    except ImportError:
        from optuna.importance import PedAnovaImportanceEvaluator

        return PedAnovaImportanceEvaluator(), "ped-anova"
    from optuna.importance import FanovaImportanceEvaluator

    return FanovaImportanceEvaluator(seed=0), "fanova"


def _plain(value: Any) -> Any:
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
