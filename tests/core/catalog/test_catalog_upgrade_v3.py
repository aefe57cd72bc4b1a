"""Upgrading real files past schema v3: the v1 asset and the v2 catalog of the d2263c9 release.

Copies are upgraded (the committed assets never are); the read-only tests open the assets
themselves and check that not a byte of them, nor a companion file, appears or changes.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from catalog_files import metric_points

from app.core.catalog import Catalog, RunRecord, latest_version

TESTS = Path(__file__).parents[2]


@dataclass(frozen=True)
class Asset:
    file: Path
    version: int
    runs: int

    @property
    def runs_folder(self) -> Path:
        return self.file.parent / f"{self.file.stem}_runs"


ASSETS = {
    "v1": Asset(TESTS / "core" / "catalog" / "assets" / "catalog_v1.sqlite", 1, 3),
    "v2 from d2263c9": Asset(TESTS / "assets" / "legacy_d2263c9" / "catalog.sqlite", 2, 4),
}


@pytest.fixture(params=list(ASSETS))
def asset(request: pytest.FixtureRequest) -> Asset:
    return ASSETS[request.param]


@pytest.fixture
def upgraded_copy(asset: Asset, tmp_path: Path) -> tuple[Path, dict[str, list[tuple]]]:
    path = tmp_path / asset.file.name
    shutil.copyfile(asset.file, path)
    shutil.copytree(asset.runs_folder, tmp_path / asset.runs_folder.name)
    return path, _dump(path)


_ADDED = {"uid", "study_id", "trial_number", "heartbeat_at", "health", "report",
          "reproduces_run_id"}  # v3, v4, v5


def _dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows with the columns the file had before v3 (name → rows); metric
    points in the normal form of :func:`metric_points` (v4 rebuilt their table)."""
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)) as conn:
        dump: dict[str, list[tuple]] = {}
        for table in ("datasets", "runs", "artifacts", "tags"):
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            kept = [c for c in columns if c not in _ADDED]
            dump[table] = conn.execute(f"SELECT {', '.join(kept)} FROM {table} ORDER BY 1, 2")
            dump[table] = dump[table].fetchall()
    dump["metrics"] = metric_points(path)
    return dump


def _folder_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_assets_are_the_versions_they_claim(asset: Asset):
    with closing(sqlite3.connect(f"{asset.file.as_uri()}?mode=ro&immutable=1", uri=True)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == asset.version


def test_upgrading_keeps_every_row_and_adds_distinct_uids(
    asset: Asset, upgraded_copy: tuple[Path, dict[str, list[tuple]]]
):
    path, before = upgraded_copy
    catalog = Catalog(path)
    assert catalog.schema_version() == latest_version()
    after = _dump(path)
    if asset.version == 1:  # v2 appended trashed_at (NULL) to every run
        after["runs"] = [row[:-1] for row in after["runs"]]
    assert after == before  # statuses, tags, notes, trash, metrics, artifacts unchanged
    runs = catalog.list_runs(limit=None, sort="id")
    assert len(runs) == asset.runs
    uids = [run.uid for run in runs] + [dataset.uid for dataset in catalog.list_datasets()]
    assert all(len(uid) == 32 and int(uid, 16) >= 0 for uid in uids)
    assert len(set(uids)) == len(uids)
    assert all((run.study_id, run.trial_number) == (None, None) for run in runs)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_old_run_folders_still_resolve_and_new_runs_get_uid_folders(
    upgraded_copy: tuple[Path, dict[str, list[tuple]]]
):
    path, _ = upgraded_copy
    catalog = Catalog(path)
    old: list[RunRecord] = catalog.list_runs(limit=None, sort="id")
    for run in old:
        assert run.run_dir == catalog.runs_root / str(run.id)
        for artifact in catalog.get_run(run.id).artifacts:
            assert artifact.path.is_file() and artifact.path.parent == run.run_dir
    new = catalog.create_run(
        name="after the upgrade", model="mlp", dataset_id=old[0].dataset_id, config={},
        seed=0, total_epochs=1, environment={}, parent_run_id=old[0].id,
    )  # fmt: skip
    record = catalog.get_run_record(new)
    assert catalog.run_dir(new) == catalog.runs_root / record.uid
    assert [run.id for run in catalog.lineage(new).ancestors] == [old[0].id]


def test_the_new_statuses_and_studies_work_after_the_upgrade(
    upgraded_copy: tuple[Path, dict[str, list[tuple]]]
):
    path, _ = upgraded_copy
    catalog = Catalog(path)
    first, second = catalog.list_runs(limit=2, sort="id")
    catalog.set_status(first.id, "pruned")
    catalog.finish_run(second.id, status="interrupted")
    assert catalog.get_run_record(first.id).status == "pruned"
    assert catalog.resumable(second.id)
    study = catalog.create_study(name="after", kind="search", space={"lr": [0.1]},
                                 sampler="random")  # fmt: skip
    trial = catalog.create_run(
        name="trial", model="mlp", dataset_id=first.dataset_id, config={}, seed=0,
        total_epochs=1, environment={}, study_id=study, trial_number=1,
    )  # fmt: skip
    assert catalog.get_study(study).trials == 1 and catalog.list_runs(study_id=study)[0].id == trial
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_read_only_lists_the_asset_itself_and_leaves_it_byte_for_byte(asset: Asset):
    folder = asset.file.parent
    before = _folder_state(folder)
    catalog = Catalog(asset.file, read_only=True)  # the committed file, not a copy
    runs = catalog.list_runs(limit=None, sort="id")
    assert [run.id for run in runs] == list(range(1, asset.runs + 1))
    artifacts = [a for run in runs for a in catalog.get_run(run.id).artifacts]
    assert artifacts and all(artifact.path.is_file() for artifact in artifacts)
    assert catalog.schema_version() == latest_version()  # of the private copy it reads
    catalog.close()
    assert _folder_state(folder) == before  # no -wal, -shm or -journal appeared either
