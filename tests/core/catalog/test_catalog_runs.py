"""The run lifecycle: datasets, runs, metrics, progress, finishing, files, tags, deletion."""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.catalog import Catalog, parse_timestamp, thaw
from app.core.errors import CatalogError

RunFactory = Callable[..., int]


def test_register_dataset_returns_the_same_id_for_the_same_fingerprint_and_path(
    catalog: Catalog, tmp_path: Path
):
    first = catalog.register_dataset(tmp_path / "d", "image", "fp", ["a", "b"], {"a": 2, "b": 3}, 5)
    again = catalog.register_dataset(tmp_path / "d", "image", "fp", ["a", "b"], {"a": 2, "b": 3}, 5)
    moved = catalog.register_dataset(tmp_path / "e", "image", "fp", ["a", "b"], {"a": 2, "b": 3}, 5)
    changed = catalog.register_dataset(tmp_path / "d", "image", "fp2", ["a"], {"a": 2}, 2)
    assert first == again
    assert len({first, moved, changed}) == 3
    record = catalog.get_dataset(first)
    assert record.path == str(tmp_path / "d")
    assert record.class_names == ("a", "b")
    assert dict(record.class_counts) == {"a": 2, "b": 3}
    assert record.num_samples == 5
    assert [d.id for d in catalog.list_datasets()] == sorted([first, moved, changed])


def test_missing_dataset_is_a_catalog_error(catalog: Catalog, make_run: RunFactory):
    with pytest.raises(CatalogError, match="no dataset 99"):
        catalog.get_dataset(99)
    with pytest.raises(CatalogError, match="no dataset 99"):
        make_run(dataset_id=99)


def test_create_run_stores_everything_given(
    catalog: Catalog, make_run: RunFactory, dataset_id: int
):
    parent = make_run(name="base")
    run_id = make_run(
        name="fine-tune", model="cnn", config={"lr": 0.01, "layers": [32, 64]}, seed=7,
        total_epochs=5, environment={"gpu": None}, parent_run_id=parent,
    )  # fmt: skip
    run = catalog.get_run(run_id).run
    assert (run.id, run.name, run.model, run.status) == (run_id, "fine-tune", "cnn", "queued")
    assert (run.dataset_id, run.parent_run_id, run.seed, run.total_epochs) == (
        dataset_id, parent, 7, 5,
    )  # fmt: skip
    assert thaw(run.config) == {"lr": 0.01, "layers": [32, 64]}
    assert thaw(run.environment) == {"gpu": None}
    assert run.epochs_done == 0 and run.started_at is None and run.test_metrics is None
    assert len(run.uid) == 32 and int(run.uid, 16) >= 0
    assert run.run_dir == catalog.runs_root / run.uid  # folders are named by the global id
    assert (run.study_id, run.trial_number) == (None, None)
    assert parse_timestamp(run.created_at).tzinfo is not None


def test_create_run_refuses_bad_values(catalog: Catalog, make_run: RunFactory):
    with pytest.raises(CatalogError, match="unknown run status 'paused'"):
        make_run(status="paused")
    with pytest.raises(CatalogError, match="no run 404"):
        make_run(parent_run_id=404)
    with pytest.raises(CatalogError, match="run config cannot be stored"):
        make_run(config={"callback": object()})
    assert catalog.count_runs() == 0


def test_records_are_frozen(catalog: Catalog, make_run: RunFactory):
    run = catalog.get_run(make_run()).run
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.status = "completed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        run.config["epochs"] = 99  # type: ignore[index]
    with pytest.raises(TypeError):
        run.config["optimizer"]["lr"] = 1.0  # type: ignore[index]


def test_mark_running_keeps_the_first_start(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()
    catalog.mark_running(run_id, device="cpu", pid=123, hostname="box")
    first = catalog.get_run(run_id).run
    catalog.set_status(run_id, "stopped", "stopped by user")
    catalog.mark_running(run_id, device="cuda:0", pid=456, hostname="box")
    resumed = catalog.get_run(run_id).run
    assert first.status == resumed.status == "running"
    assert resumed.started_at == first.started_at
    assert (resumed.device, resumed.pid, resumed.hostname) == ("cuda:0", 456, "box")
    assert resumed.finished_at is None and resumed.message == ""


def test_log_metrics_replaces_re_logged_steps_and_keeps_nan(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()
    catalog.log_metrics(run_id, [("train_loss", 1, 1, 0.9), ("train_loss", 2, 1, 0.8)])
    catalog.log_metrics(run_id, [("train_loss", 2, 1, 0.7), ("train_loss", 3, 2, math.nan)])
    catalog.log_metrics(run_id, [])
    points = catalog.get_run(run_id).history["train_loss"]
    assert [(p.step, p.epoch) for p in points] == [(1, 1), (2, 1), (3, 2)]
    assert points[1].value == 0.7
    assert math.isnan(points[2].value)
    assert all(p.key == "train_loss" and p.timestamp for p in points)


def test_a_failing_batch_writes_nothing(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()

    def points():
        yield ("loss", 1, 1, 0.5)
        raise ValueError("engine bug")

    with pytest.raises(ValueError):
        catalog.log_metrics(run_id, points())
    with pytest.raises(ValueError):
        catalog.log_metrics(run_id, [("loss", 1, 1, 0.5), ("loss", 2, 1, "high")])  # type: ignore[list-item]
    assert catalog.history([run_id])[run_id] == {}


def test_update_progress_changes_only_given_fields(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()
    catalog.update_progress(
        run_id, epochs_done=1, best_val_metric_name="val_accuracy", best_val_metric=0.6,
        best_epoch=1, final_train_loss=0.9, final_val_loss=1.1, final_val_accuracy=0.6,
    )  # fmt: skip
    catalog.update_progress(run_id, epochs_done=2, final_train_loss=0.5)
    run = catalog.get_run(run_id).run
    assert run.epochs_done == 2
    assert run.final_train_loss == 0.5
    assert (run.best_val_metric_name, run.best_val_metric, run.best_epoch) == (
        "val_accuracy",
        0.6,
        1,
    )
    assert (run.final_val_loss, run.final_val_accuracy) == (1.1, 0.6)


def test_finish_run_fills_test_columns_from_test_metrics(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()
    test_metrics = {
        "accuracy": 0.91, "macro_f1": 0.88, "roc_auc": math.nan,
        "per_class": {"0": {"precision": 0.9, "recall": 0.8, "f1": 0.85}},
        "confusion_matrix": [[5, 1], [0, 6]],
    }  # fmt: skip
    catalog.finish_run(run_id, status="completed", message="done", wall_seconds=12.5,
                       test_metrics=test_metrics)  # fmt: skip
    run = catalog.get_run(run_id).run
    assert (run.status, run.message, run.wall_seconds) == ("completed", "done", 12.5)
    assert (run.test_accuracy, run.test_macro_f1) == (0.91, 0.88)
    assert run.finished_at is not None
    stored = thaw(run.test_metrics)
    assert stored["confusion_matrix"] == [[5, 1], [0, 6]]
    assert math.isnan(stored["roc_auc"])


def test_finish_run_without_test_metrics_and_bad_statuses(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()
    catalog.finish_run(run_id, status="diverged", message="loss is NaN")
    run = catalog.get_run(run_id).run
    assert (run.status, run.test_accuracy, run.test_metrics) == ("diverged", None, None)
    with pytest.raises(CatalogError, match="cannot finish as 'running'"):
        catalog.finish_run(run_id, status="running")
    with pytest.raises(CatalogError, match="unknown run status"):
        catalog.set_status(run_id, "exploded")


def test_set_status_sets_finished_at_once_for_terminal_statuses(
    catalog: Catalog, make_run: RunFactory
):
    run_id = make_run()
    catalog.set_status(run_id, "running")
    assert catalog.get_run(run_id).run.finished_at is None
    catalog.set_status(run_id, "failed", "out of memory")
    failed = catalog.get_run(run_id).run
    catalog.set_status(run_id, "stopped")
    stopped = catalog.get_run(run_id).run
    assert (failed.status, failed.message) == ("failed", "out of memory")
    assert failed.finished_at is not None and stopped.finished_at == failed.finished_at
    assert stopped.message == ""


def test_every_write_to_a_missing_run_names_the_run_and_the_file(catalog: Catalog, tmp_path: Path):
    artifact = tmp_path / "w.bin"
    artifact.write_bytes(b"w")
    calls = [
        lambda: catalog.mark_running(42, device="cpu", pid=1, hostname="h"),
        lambda: catalog.log_metrics(42, [("loss", 1, 1, 0.1)]),
        lambda: catalog.update_progress(42, epochs_done=1),
        lambda: catalog.finish_run(42, status="completed"),
        lambda: catalog.set_status(42, "failed"),
        lambda: catalog.add_artifact(42, "weights", artifact, "bin"),
        lambda: catalog.add_tag(42, "x"),
        lambda: catalog.set_notes(42, "x"),
        lambda: catalog.delete_run(42),
        lambda: catalog.get_run(42),
        lambda: catalog.run_dir(42),
        lambda: catalog.resumable(42),
    ]
    for call in calls:
        with pytest.raises(CatalogError) as info:
            call()
        assert str(info.value) == f"no run 42 in {catalog.path}"


def test_artifacts_record_size_and_sha256_and_replace_same_kind_and_path(
    catalog: Catalog, make_run: RunFactory, tmp_path: Path
):
    run_id = make_run()
    weights = catalog.run_dir(run_id) / "weights.safetensors"
    weights.write_bytes(b"a" * 3_000_000)
    first = catalog.add_artifact(run_id, "weights", weights, "safetensors")
    assert first.size_bytes == 3_000_000
    assert first.sha256 == hashlib.sha256(b"a" * 3_000_000).hexdigest()
    assert first.path == weights

    weights.write_bytes(b"b")
    outside = tmp_path / "exported.csv"
    outside.write_text("x\n")
    second = catalog.add_artifact(run_id, "weights", weights, "safetensors")
    catalog.add_artifact(run_id, "predictions", outside, "csv")
    artifacts = catalog.get_run(run_id).artifacts
    assert [a.kind for a in artifacts] == ["weights", "predictions"]
    assert artifacts[0].id == first.id and artifacts[0].size_bytes == 1 == second.size_bytes
    assert artifacts[1].path == outside

    with pytest.raises(CatalogError, match="cannot read artifact file"):
        catalog.add_artifact(run_id, "vocab", tmp_path / "missing.json", "json")


def test_tags_add_remove_set(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()
    catalog.add_tag(run_id, " baseline ")
    catalog.add_tag(run_id, "baseline")
    catalog.add_tag(run_id, "cpu")
    assert catalog.get_run(run_id).tags == ("baseline", "cpu")
    catalog.remove_tag(run_id, "cpu")
    catalog.remove_tag(run_id, "never-there")
    assert catalog.get_run(run_id).run.tags == ("baseline",)
    catalog.set_tags(run_id, ["z", "a", "a"])
    assert catalog.get_run(run_id).tags == ("a", "z")
    catalog.set_tags(run_id, [])
    assert catalog.get_run(run_id).tags == ()
    with pytest.raises(CatalogError, match="tag cannot be empty"):
        catalog.add_tag(run_id, "  ")


def test_notes(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()
    catalog.set_notes(run_id, "try a smaller lr\nnext time")
    assert catalog.get_run(run_id).run.notes == "try a smaller lr\nnext time"


def test_run_dir_is_created_on_demand_next_to_the_catalog(catalog: Catalog, make_run: RunFactory):
    run_id = make_run()
    expected = catalog.path.parent / "catalog_runs" / catalog.get_run_record(run_id).uid
    assert not expected.exists()
    assert catalog.run_dir(run_id) == expected
    assert expected.is_dir()


def test_delete_run_removes_rows_and_files_but_leaves_other_runs(
    catalog: Catalog, make_run: RunFactory, tmp_path: Path
):
    doomed, kept = make_run(name="doomed"), make_run(name="kept")
    child = make_run(name="child", parent_run_id=doomed)
    for run_id in (doomed, kept):
        catalog.log_metrics(run_id, [("loss", 1, 1, 0.5)])
        catalog.add_tag(run_id, "t")
        checkpoint = catalog.run_dir(run_id) / "checkpoint.pt"
        checkpoint.write_bytes(b"ckpt")
        catalog.add_artifact(run_id, "checkpoint", checkpoint, "torch")
    outside = tmp_path / "export.onnx"
    outside.write_bytes(b"onnx")
    catalog.add_artifact(doomed, "export", outside, "onnx")
    doomed_dir = catalog.run_dir(doomed)

    catalog.delete_run(doomed)

    assert not doomed_dir.exists()
    assert outside.exists()  # files outside the run folder belong to the user
    assert [r.id for r in catalog.list_runs(sort="id")] == [kept, child]
    assert catalog.get_run(child).run.parent_run_id is None
    assert catalog.history([doomed]) == {doomed: {}}
    with catalog._read() as db:
        for table in ("metrics", "artifacts", "tags"):
            count = db.execute(f"SELECT count(*) FROM {table} WHERE run_id = ?", [doomed])
            assert count.fetchone()[0] == 0
    kept_detail = catalog.get_run(kept)
    assert kept_detail.artifacts[0].path.exists() and kept_detail.history["loss"]
    assert make_run() > child  # ids are never reused


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.parametrize(
    ("status", "expected"),
    [("queued", False), ("completed", False), ("diverged", False), ("stopped", True),
     ("failed", True), ("interrupted", True), ("pruned", False)],
)  # fmt: skip
def test_resumable_by_status(catalog: Catalog, make_run: RunFactory, status: str, expected: bool):
    assert catalog.resumable(make_run(status=status)) is expected


def test_resumable_when_the_running_process_is_gone(catalog: Catalog, make_run: RunFactory):
    here = socket.gethostname()
    dead, alive, elsewhere = make_run(), make_run(), make_run()
    catalog.mark_running(dead, device="cpu", pid=_dead_pid(), hostname=here)
    catalog.mark_running(alive, device="cpu", pid=os.getpid(), hostname=here)
    catalog.mark_running(elsewhere, device="cpu", pid=_dead_pid(), hostname=here + "-other")
    assert catalog.resumable(dead) is True
    assert catalog.resumable(alive) is False
    assert catalog.resumable(elsewhere) is False  # cannot see processes on another machine
