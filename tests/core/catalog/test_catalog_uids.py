"""Global ids: every run and dataset has a distinct uid; run folders are named by it."""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from app.core.catalog import Catalog, RunQuery
from app.core.errors import CatalogError

RunFactory = Callable[..., int]
UID = re.compile(r"[0-9a-f]{32}")


def test_runs_and_datasets_get_distinct_uids(
    catalog: Catalog, make_run: RunFactory, dataset_id: int, tmp_path: Path
):
    other = catalog.register_dataset(tmp_path / "other", "text", "fp-o", ["a"], {"a": 1}, 1)
    runs = [catalog.get_run_record(make_run()) for _ in range(5)]
    datasets = [catalog.get_dataset(dataset_id), catalog.get_dataset(other)]
    uids = [run.uid for run in runs] + [dataset.uid for dataset in datasets]
    assert all(UID.fullmatch(uid) for uid in uids)
    assert len(set(uids)) == len(uids)
    again = catalog.register_dataset(tmp_path / "digits", "image", "fp-digits", ["0", "1"],
                                     {"0": 5, "1": 7}, 12)  # fmt: skip
    assert again == dataset_id and catalog.get_dataset(again).uid == datasets[0].uid
    assert [d.uid for d in catalog.list_datasets()] == [d.uid for d in datasets]


def test_a_new_run_folder_is_named_by_its_uid(catalog: Catalog, make_run: RunFactory):
    run = catalog.get_run_record(make_run())
    assert run.run_dir == catalog.runs_root / run.uid
    assert catalog.run_dir(run.id) == catalog.runs_root / run.uid
    with closing(sqlite3.connect(catalog.path)) as conn:
        stored = conn.execute("SELECT run_dir FROM runs WHERE id = ?", [run.id]).fetchone()[0]
    assert stored == run.uid  # relative, so the catalog folder can still be moved whole


def test_a_given_uid_is_kept_and_found(catalog: Catalog, make_run: RunFactory):
    uid = uuid.uuid4().hex
    run_id = make_run(uid=uid)
    assert catalog.get_run_record(run_id).uid == uid
    assert catalog.get_run_by_uid(uid).id == run_id
    assert catalog.find_run_id(uid) == run_id
    assert [run.id for run in catalog.list_runs(uid=uid)] == [run_id]
    assert catalog.count_runs(RunQuery(uid=uid)) == 1
    catalog.trash_runs([run_id])
    assert catalog.get_run_by_uid(uid).trashed_at is not None  # lookups by id see the trash


def test_a_taken_or_malformed_uid_is_refused(catalog: Catalog, make_run: RunFactory):
    uid = uuid.uuid4().hex
    first = make_run(uid=uid)
    with pytest.raises(CatalogError, match=f"run {first} in .* already has the uid {uid}"):
        make_run(uid=uid)
    for bad in ("../../etc", uid.upper(), uid[:-1], str(uuid.UUID(uid)), ""):
        with pytest.raises(CatalogError, match="is not a catalog uid"):
            make_run(uid=bad)
    assert catalog.count_runs() == 1


def test_unknown_uids_are_not_found(catalog: Catalog, make_run: RunFactory):
    make_run()
    missing = uuid.uuid4().hex
    assert catalog.find_run_id(missing) is None
    with pytest.raises(CatalogError, match=f"no run with uid {missing} in "):
        catalog.get_run_by_uid(missing)


def test_rows_inserted_without_a_uid_still_get_one(catalog: Catalog, dataset_id: int):
    """A trigger keeps "every row has a uid" true even for rows written by raw SQL."""
    with catalog._write() as db:
        for number in (1, 2):
            db.execute(
                "INSERT INTO runs (name, status, model, dataset_id, created_at, run_dir)"
                " VALUES (?, 'queued', 'mlp', ?, '2026-01-01T00:00:00.000000Z', ?)",
                [f"raw {number}", dataset_id, f"raw{number}"],
            )
        db.execute(
            "INSERT INTO datasets (path, kind, fingerprint, num_samples, created_at)"
            " VALUES ('/raw', 'image', 'fp-raw', 1, '2026-01-01T00:00:00.000000Z')"
        )
    uids = [run.uid for run in catalog.list_runs()] + [d.uid for d in catalog.list_datasets()]
    assert len(uids) == 4 and len(set(uids)) == 4
    assert all(UID.fullmatch(uid) for uid in uids)
