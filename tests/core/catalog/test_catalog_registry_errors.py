"""Registry bad input: each refusal is a CatalogError that says what to do, and writes nothing;
two processes registering under one name at once get distinct version numbers."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest
from catalog_files import table_rows

from app.core.catalog import Catalog
from app.core.errors import CatalogError

_TABLES = ("registered_models", "model_versions", "model_aliases", "registry_events")


def _weights(catalog: Catalog, run: int) -> None:
    file = catalog.runs_root / str(run) / "model.safetensors"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(b"weights")
    catalog.add_artifact(run, "weights", file, "safetensors")


@pytest.fixture
def setup(catalog: Catalog, make_run: Callable[..., int], tmp_path: Path) -> dict[str, int]:
    """churn v1 (production) and v2 from two good runs, plus runs that cannot be versions."""
    runs = {}
    for name in ("good", "other", "no_weights", "failed", "trashed"):
        runs[name] = make_run(name=name)
    for name in ("good", "other", "no_weights", "trashed"):
        catalog.finish_run(runs[name], status="completed", test_metrics={"accuracy": 0.9})
    catalog.finish_run(runs["failed"], status="failed")
    for name in ("good", "other", "failed", "trashed"):
        _weights(catalog, runs[name])
    catalog.trash_runs([runs["trashed"]])
    catalog.register_model_version("churn", runs["good"])
    catalog.register_model_version("churn", runs["other"])
    catalog.set_alias("churn", "production", 1)
    bad_file = tmp_path / "bad.onnx"
    bad_file.write_bytes(b"x")
    runs["failed_export"] = catalog.add_export(runs["good"], kind="onnx", format="onnx",
                                               path=bad_file, status="failed").id
    runs["foreign_export"] = catalog.add_export(runs["other"], kind="onnx", format="onnx",
                                                path=bad_file, status="passed").id
    return runs


_CASES: dict[str, tuple[Callable[[Catalog, dict[str, int]], object], str]] = {
    "name with a space": (lambda c, r: c.register_model_version("my model", r["good"]),
                          "model name 'my model' is not allowed.*letters, digits"),
    "name with @": (lambda c, r: c.register_model_version("churn@prod", r["good"]),
                    "not allowed"),
    "empty name": (lambda c, r: c.register_model_version("", r["good"]), "not allowed"),
    "name only differing in case": (lambda c, r: c.register_model_version("Churn", r["good"]),
                                    "differs from the registered 'churn' only in case"),
    "unknown run": (lambda c, r: c.register_model_version("churn", 999), "no run 999"),
    "run without weights": (lambda c, r: c.register_model_version("churn", r["no_weights"]),
                            "completed without recorded weights; only a completed or stopped"),
    "failed run": (lambda c, r: c.register_model_version("churn", r["failed"]),
                   "is failed; only a completed or stopped run"),
    "trashed run": (lambda c, r: c.register_model_version("churn", r["trashed"]),
                    "in the trash; restore it"),
    "export of another run": (lambda c, r: c.register_model_version(
        "churn", r["good"], export_id=r["foreign_export"]), "was made from run"),
    "export that failed its check": (lambda c, r: c.register_model_version(
        "churn", r["good"], export_id=r["failed_export"]), "failed its check"),
    "unknown export": (lambda c, r: c.register_model_version("churn", r["good"], export_id=77),
                       "no exported model 77"),
    "unknown name": (lambda c, r: c.set_alias("chrun", "production", 1),
                     "no registered model 'chrun'.*registered: churn"),
    "unknown version": (lambda c, r: c.set_alias("churn", "production", 9),
                        "churn has no version 9 .its versions: 1 to 2"),
    "version zero": (lambda c, r: c.set_alias("churn", "production", 0), "not a version"),
    "version as text": (lambda c, r: c.set_alias("churn", "production", "2"),  # type: ignore
                        "not a version"),
    "alias in capitals": (lambda c, r: c.set_alias("churn", "Production", 2),
                          "alias 'Production' is not allowed"),
    "alias like a version": (lambda c, r: c.set_alias("churn", "v2", 2), "not 'latest'"),
    "alias latest": (lambda c, r: c.set_alias("churn", "latest", 2), "not allowed"),
    "already there": (lambda c, r: c.set_alias("churn", "production", 1),
                      "already points at v1"),
    "nothing to roll back": (lambda c, r: c.rollback("churn", "production"),
                             "nothing to roll back to: production of churn pointed at no "
                             "version before v1"),
    "rollback of an unset alias": (lambda c, r: c.rollback("churn", "staging"),
                                   "staging of churn was never set"),
    "remove an unset alias": (lambda c, r: c.remove_alias("churn", "staging"),
                              "no alias 'staging' to remove"),
    "resolve neither": (lambda c, r: c.resolve_model("churn"), "an alias .* or a version"),
    "resolve an unset alias": (lambda c, r: c.resolve_model("churn", alias="staging"),
                               "promote a version to staging first"),
    "note not text": (lambda c, r: c.set_alias("churn", "staging", 2, note=3),  # type: ignore
                      "note must be text"),
}


@pytest.mark.parametrize("case", list(_CASES))
def test_bad_input_is_a_clear_error_and_writes_nothing(
        catalog: Catalog, setup: dict[str, int], case: str) -> None:
    action, message = _CASES[case]
    before = {table: table_rows(catalog.path, table) for table in _TABLES}

    with pytest.raises(CatalogError, match=message):
        action(catalog, setup)

    assert {table: table_rows(catalog.path, table) for table in _TABLES} == before


def test_a_read_only_catalog_refuses_registry_writes(
        catalog: Catalog, setup: dict[str, int]) -> None:
    with pytest.raises(CatalogError, match="read-only"):
        Catalog(catalog.path, read_only=True).set_alias("churn", "staging", 2)
    assert Catalog(catalog.path, read_only=True).resolve_model("churn", alias="production")


REGISTRATIONS = 12


def _register_many(path: str, run_id: int, worker: int, start: object, errors: object) -> None:
    try:
        catalog = Catalog(path)
        start.wait(timeout=60)  # type: ignore[attr-defined]
        for number in range(REGISTRATIONS):
            catalog.register_model_version("churn", run_id, note=f"w{worker} #{number}")
    except BaseException as exc:  # reported to the parent, which fails the test
        errors.put(f"worker {worker}: {type(exc).__name__}: {exc}")  # type: ignore[attr-defined]
        raise


def test_two_processes_registering_under_one_name_get_distinct_versions(
        catalog: Catalog, setup: dict[str, int]) -> None:
    context = multiprocessing.get_context("spawn")  # fresh interpreters, not forked copies
    start, errors = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_register_many,
                               args=(str(catalog.path), setup["good"], worker, start, errors))
               for worker in range(2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    assert errors.empty(), errors.get()
    assert [process.exitcode for process in workers] == [0, 0]

    versions = catalog.model_versions("churn")
    assert [v.version for v in versions] == list(range(1, 2 * REGISTRATIONS + 3))
    notes = [v.note for v in versions[2:]]
    for worker in range(2):  # each worker's own registrations came in its order
        mine = [note for note in notes if note.startswith(f"w{worker} ")]
        assert mine == [f"w{worker} #{n}" for n in range(REGISTRATIONS)]
    registered = [e.version for e in catalog.registry_history("churn") if e.action == "register"]
    assert registered == list(range(1, 2 * REGISTRATIONS + 3))
