"""Optuna's side of a search: its storage beside the catalog, the sampler and the pruner.

The storage is Optuna's journal file (``JournalStorage`` over ``JournalFileBackend``),
``<catalog stem>_optuna.log`` beside the catalog, one file for every search of that catalog
(each study named after its catalog study's uid). Why a journal and not Optuna's RDB storage
on SQLite: it needs neither SQLAlchemy nor Alembic (no second SQLite schema with its own
migrations to keep in step with the catalog's, no ~0.5 s import), every change is one
appended, fsynced JSON line, so a killed process leaves the log as it was plus at most a torn
last line, and several processes share it through Optuna's lock file (a lock left by a killed
process is taken over after its grace period). A torn last line is cut off before the log is
opened, under the same lock, because Optuna refuses a log with a torn line in its middle.

Optuna is imported inside functions: importing the search package stays cheap for the window.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import optuna

    from app.core.search._plan import SearchPlan

LOCK_GRACE_S = 30


def storage_path(catalog_path: Path) -> Path:
    catalog_path = Path(catalog_path)
    return catalog_path.with_name(f"{catalog_path.stem}_optuna.log")


def open_storage(catalog_path: Path) -> optuna.storages.BaseStorage:
    """The journal storage of the catalog at ``catalog_path`` (created when first used)."""
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend, JournalFileOpenLock

    path = storage_path(catalog_path)
    lock = JournalFileOpenLock(str(path), grace_period=LOCK_GRACE_S)
    if path.exists():
        _cut_torn_line(path, lock)
    return JournalStorage(JournalFileBackend(str(path), lock_obj=lock))


def _cut_torn_line(path: Path, lock: Any) -> None:
    """Drop a last line without its newline (a write killed half-way)."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
    if not lock.acquire():
        return
    try:
        data = path.read_bytes()
        keep = data.rfind(b"\n") + 1
        if keep < len(data):
            with path.open("r+b") as handle:
                handle.truncate(keep)
                handle.flush()
                os.fsync(handle.fileno())
    finally:
        lock.release()


def load_study(plan: SearchPlan, catalog_path: Path, *, seed: int) -> optuna.Study:
    """The plan's Optuna study, created the first time; ``seed`` seeds this session's
    sampler (the caller makes it differ between sessions, so a continued random or TPE search
    does not draw its first trials again)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)  # our console says what happens
    return optuna.create_study(
        study_name=plan.optuna_name, storage=open_storage(catalog_path),
        sampler=make_sampler(plan, seed), pruner=make_pruner(plan),
        direction=plan.settings.direction, load_if_exists=True)


def make_sampler(plan: SearchPlan, seed: int) -> optuna.samplers.BaseSampler:
    """TPE or random; a grid's points are enqueued by the search loop, so its sampler is
    never asked for a value (Optuna's ``GridSampler`` cannot leave out the options of a model
    that was not drawn, and it ends a study through ``Study.stop``, which ask/tell lacks)."""
    from optuna.samplers import RandomSampler, TPESampler

    settings = plan.settings
    if settings.sampler == "tpe":
        return TPESampler(seed=seed, n_startup_trials=max(settings.startup_trials, 1))
    return RandomSampler(seed=seed)


def make_pruner(plan: SearchPlan) -> optuna.pruners.BasePruner:
    from optuna.pruners import HyperbandPruner, MedianPruner, NopPruner

    settings = plan.settings
    if settings.pruner == "median":
        return MedianPruner(n_startup_trials=settings.startup_trials,
                            n_warmup_steps=settings.warmup_epochs)
    if settings.pruner == "hyperband":
        epochs = plan.space.get("epochs")  # searched: Optuna reads it off the first trials
        return HyperbandPruner(min_resource=1, reduction_factor=3,
                               max_resource="auto" if epochs else plan.base.training.epochs)
    return NopPruner()
