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

A shared search (``storage`` in its settings) uses the storage named there instead, so several
workers on one or many machines pull trials from one study: Optuna's RDB storage on PostgreSQL
(through SQLAlchemy and psycopg2), or a journal file on a shared filesystem (same lock file,
the filesystem must honour it: NFS v4 or a local disk, not every SMB share).

Optuna is imported inside functions: importing the search package stays cheap for the window.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import optuna

    from app.core.search._plan import SearchPlan

LOCK_GRACE_S = 30
_CREATE_ATTEMPTS = 5  # workers started together race to create Optuna's tables


def storage_path(catalog_path: Path) -> Path:
    catalog_path = Path(catalog_path)
    return catalog_path.with_name(f"{catalog_path.stem}_optuna.log")


def storage_name(catalog_path: Path, shared: str | None) -> str:
    """What a study's settings record as its storage: the shared one, else the file name of
    the journal beside the catalog."""
    return shared if shared is not None else storage_path(catalog_path).name


def open_storage(catalog_path: Path,
                 shared: str | None = None) -> optuna.storages.BaseStorage:
    """The storage of a search: ``shared`` (a PostgreSQL URL or a journal path) when given,
    else the journal beside the catalog at ``catalog_path``; created when first used."""
    if shared is not None and "://" in shared:
        return _open_rdb(shared)
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend, JournalFileOpenLock

    path = Path(shared) if shared is not None else storage_path(catalog_path)
    lock = JournalFileOpenLock(str(path), grace_period=LOCK_GRACE_S)
    if path.exists():
        _cut_torn_line(path, lock)
    return JournalStorage(JournalFileBackend(str(path), lock_obj=lock))


def _open_rdb(url: str) -> optuna.storages.BaseStorage:
    """Optuna's RDB storage; a server that cannot be reached is a ``ConfigError`` naming it."""
    import sqlalchemy.exc
    from optuna.storages import RDBStorage

    for attempt in range(1, _CREATE_ATTEMPTS + 1):
        try:  # pool_pre_ping: a worker idle for hours finds its connection dropped
            return RDBStorage(url, engine_kwargs={"pool_pre_ping": True})
        except sqlalchemy.exc.IntegrityError as error:  # workers creating the tables at once
            last: Exception = error
            time.sleep(0.2 * attempt)
        except (sqlalchemy.exc.SQLAlchemyError, ImportError) as error:
            raise _unreachable(url, error) from error
    raise _unreachable(url, last) from last


def _unreachable(url: str, error: Exception) -> Exception:
    from app.core.errors import ConfigError

    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    return ConfigError(f"cannot open the search storage {url}: {reason}",
                       fields=("search.storage",))


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
        study_name=plan.optuna_name,
        storage=open_storage(catalog_path, plan.settings.storage),
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
