"""Command line of ``main.py``: parse arguments, dispatch, turn errors into exit codes.

User errors (``ModelDeskError``) print their message and exit 2; tracebacks of anything else
go to the log file only, with a one-line pointer to it. An option that the chosen mode would
ignore is a usage error (exit 2), not silence: ``--summary-json`` without ``--batch`` would
otherwise leave someone waiting for a file that never comes.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import app

if TYPE_CHECKING:
    from app.core.datasets import TableOptions

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2

EPILOG = """\
With no mode flag, main.py opens the desktop window.

examples:
  main.py                                    open the window (on the last or the sample dataset)
  main.py --batch resources/samples/experiments.toml
  main.py --inspect resources/samples/topics.csv --json report.json
  main.py --check-labels resources/samples/topics.csv    likely mislabeled samples, ranked
  main.py --resume 12
  main.py --reproduce 12                     train run 12's stored config again as a new run
  main.py --export 12 --format onnx          export run 12's model as ONNX and check its parity
  main.py my-experiments.toml               open the window and offer to queue the file's runs
  main.py --self-test                        check an installation end to end (about a minute)
  main.py --register 12 --name churn --note "first cut"    run 12 as the next version of churn
  main.py --promote churn 3 --alias production             point churn's production at v3
  main.py --rollback churn                                 production back to where it was
  main.py --versions churn                                 churn's versions and their history
  main.py --batch search.toml --worker      one of several workers sharing the file's search
  main.py --import-runs worker-a.sqlite worker-b.sqlite    bring workers' runs into the catalog

exit codes: 0 all runs completed (an export passed its parity check), 1 a run failed or
diverged, 2 invalid file, dataset or arguments, 3 an export was written but failed its parity
check, 130 interrupted (the running run is saved as stopped and can be resumed).
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="ModelDesk: train neural networks on your own images and texts and keep a "
                    "catalog of every run.")
    parser.add_argument("--version", action="version", version=f"ModelDesk {app.__version__}")
    parser.add_argument("dataset", nargs="?", metavar="DATASET",
                        help="open the window on this dataset folder or table, or on an "
                             "experiment file (.toml) whose runs it offers to queue")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--batch", metavar="FILE.toml", type=Path,
                      help="train the experiments in a TOML file without a window")
    mode.add_argument("--inspect", metavar="PATH", type=Path,
                      help="validate a dataset and print its report without training")
    mode.add_argument("--check-labels", metavar="DATASET", type=Path,
                      help="rank a dataset's likely mislabeled samples (out-of-sample "
                           "predictions of a frozen pretrained backbone's features, scored "
                           "by cleanlab) without training")
    mode.add_argument("--resume", metavar="RUN_ID", type=int,
                      help="continue a stopped or interrupted run from its last checkpoint")
    mode.add_argument("--reproduce", metavar="RUN",
                      help="train a run (its id, or 6+ digits of its uid) again from its stored "
                           "config and dataset, as a new run linked to it")
    mode.add_argument("--export", metavar="RUN",
                      help="export a run's model (its id, or 6+ digits of its uid) with its "
                           "preprocessing, check it against PyTorch on the run's test samples "
                           "and record it in the catalog")
    mode.add_argument("--import-runs", metavar="SOURCE", type=Path, nargs="+",
                      help="copy the finished runs of other catalogs (a worker's, another "
                           "machine's) into this one, with metrics, files, lineage and "
                           "studies; runs already here (same uid) are skipped")
    mode.add_argument("--self-test", action="store_true",
                      help="open the window offscreen, train the bundled sample for one epoch "
                           "into a temporary catalog and exit 0 if everything worked")
    _add_registry_arguments(parser, mode)
    parser.add_argument("--catalog", metavar="PATH", type=Path,
                        help="catalog file (default: $MODELDESK_CATALOG or the user data folder)")
    parser.add_argument("--summary-json", metavar="OUT", type=Path,
                        help="with --batch: write one JSON record per run to OUT")
    mode.add_argument("--launched-run", metavar="JOB.json", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true",
                        help="with --batch: be one of several workers of the file's searches, "
                             "pulling trials from the storage they name (docs/scale-out.md)")
    export = parser.add_argument_group("exports (with --export)")
    export.add_argument("--format", choices=("onnx", "torch", "bundle"),
                        help="onnx (any runtime), torch (a torch.export .pt2 file) or bundle "
                             "(a folder and zip with predict.py)")
    export.add_argument("--out", metavar="DIR", type=Path,
                        help="write the export here (default: exports/ in the run's folder)")
    export.add_argument("--tolerance", metavar="T", type=float,
                        help="largest probability difference the parity check accepts "
                             "(default 1e-4)")
    table = parser.add_argument_group("text tables (with --inspect or --check-labels)")
    table.add_argument("--json", metavar="OUT", type=Path,
                       help="also write the report (or the ranked list) as JSON")
    table.add_argument("--text-column", metavar="C", type=_column,
                       help="text column name or 0-based index")
    table.add_argument("--label-column", metavar="C", type=_column,
                       help="label column name or 0-based index")
    table.add_argument("--delimiter", metavar="D", help="column delimiter, e.g. ',' or '\\t'")
    table.add_argument("--no-header", action="store_true",
                       help="the table has no header row (default: detected)")
    split = parser.add_argument_group("the split --inspect shows per class (default: a run's)")
    split.add_argument("--val-fraction", metavar="F", type=float, help="validation share")
    split.add_argument("--test-fraction", metavar="F", type=float, help="test share")
    split.add_argument("--seed", metavar="N", type=int, help="split seed")
    return parser


def _add_registry_arguments(parser: argparse.ArgumentParser,
                            mode: argparse._MutuallyExclusiveGroup) -> None:
    """The model registry's modes and their options (see docs/registry.md)."""
    mode.add_argument("--register", metavar="RUN",
                      help="register a run (its id, or 6+ digits of its uid) as the next "
                           "version of the model --name NAME")
    mode.add_argument("--promote", nargs=2, metavar=("NAME", "VERSION"),
                      help="point an alias of NAME (--alias, default production) at VERSION")
    mode.add_argument("--rollback", metavar="NAME",
                      help="point an alias of NAME back at the version it pointed at before")
    mode.add_argument("--archive", nargs=2, metavar=("NAME", "VERSION"),
                      help="retire a version (so its run may be deleted)")
    mode.add_argument("--versions", metavar="NAME",
                      help="list NAME's versions, aliases and the history of changes")
    registry = parser.add_argument_group("model registry (with --register, --promote, "
                                         "--rollback, --archive)")
    registry.add_argument("--name", metavar="NAME", help="with --register: the model's name")
    registry.add_argument("--alias", metavar="ALIAS",
                          help="with --promote or --rollback (default production)")
    registry.add_argument("--note", metavar="TEXT", help="why: kept in the history")
    registry.add_argument("--export-id", metavar="N", type=int,
                          help="with --register: register the run's exported or compressed "
                               "file N (see --export, the run's Deploy tab) instead of the run")


_REGISTRY_MODES = ("register", "promote", "rollback", "archive", "versions")
_REGISTRY_OPTIONS = {"name": ("register",), "export_id": ("register",),
                     "alias": ("promote", "rollback"),
                     "note": ("register", "promote", "rollback", "archive")}


def _check_registry_combination(parser: argparse.ArgumentParser,
                                args: argparse.Namespace) -> None:
    """Registry options only with the modes that use them; ``--register`` needs ``--name``."""
    for option, modes in _REGISTRY_OPTIONS.items():
        if getattr(args, option) is not None and all(getattr(args, m) is None for m in modes):
            parser.error(f"--{option.replace('_', '-')} only works with "
                         + " or ".join(f"--{m}" for m in modes))
    if args.register is not None and args.name is None:
        parser.error("--register RUN needs --name NAME (the model to add a version to)")
    chosen = next((m for m in _REGISTRY_MODES if getattr(args, m) is not None), None)
    if chosen and args.dataset:
        parser.error(f"--{chosen} takes no DATASET argument (got {args.dataset!r})")


def _column(value: str) -> str | int:
    return int(value) if value.isdigit() else value


_INSPECT_ONLY = ("json", "text_column", "label_column", "delimiter", "no_header",
                 "val_fraction", "test_fraction", "seed")
_EXPORT_ONLY = ("format", "out", "tolerance")


def _check_combination(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse (``parser.error``: usage, one ``error:`` line, exit 2) options the mode ignores."""
    def flag(dest: str) -> str:
        return "--" + dest.replace("_", "-")

    def given(dest: str) -> bool:
        value = getattr(args, dest)
        return value is not None and value is not False

    if args.summary_json is not None and not args.batch:
        parser.error("--summary-json only works with --batch")
    if args.worker and not args.batch:
        parser.error("--worker only works with --batch FILE.toml")
    if not (args.inspect or args.check_labels):
        stray = [flag(dest) for dest in _INSPECT_ONLY if given(dest)]
        if stray:
            parser.error(f"{stray[0]} only works with --inspect PATH or --check-labels "
                         "DATASET")
    if args.export is None:
        stray = [flag(dest) for dest in _EXPORT_ONLY if given(dest)]
        if stray:
            parser.error(f"{stray[0]} only works with --export RUN")
    elif args.format is None:
        parser.error("--export needs --format onnx, torch or bundle")
    modes = ("batch", "inspect", "check_labels", "resume", "reproduce", "export", "import_runs",
             "self_test")
    mode = next((flag(d) for d in modes if given(d)), None)
    if mode and args.dataset:
        parser.error(f"{mode} takes no DATASET argument (got {args.dataset!r}); open a dataset "
                     "in the window with main.py DATASET")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_combination(parser, args)
    _check_registry_combination(parser, args)
    from app.logs import log_file, setup_logging

    setup_logging()
    from app.core.errors import ModelDeskError

    try:
        if args.batch:
            return _batch(args)
        if args.inspect:
            return _inspect(args)
        if args.check_labels:
            return _check_labels(args)
        if args.resume is not None:
            return _resume(args)
        if args.reproduce is not None:
            return _reproduce(args)
        if args.export is not None:
            return _export(args)
        if args.import_runs:
            return _import_runs(args)
        if args.launched_run is not None:
            from app.batch._launched import run_launched

            return run_launched(args.launched_run, _catalog_path(args))
        if args.self_test:
            return _self_test()
        if any(getattr(args, m) is not None for m in _REGISTRY_MODES):
            return _registry(args)
        return _gui(args)
    except ModelDeskError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except Exception as error:  # a bug: keep the traceback out of the user's face
        logging.getLogger("modeldesk").exception("unexpected error")
        print(f"unexpected error: {type(error).__name__}: {error}\n"
              f"details are in {log_file()}", file=sys.stderr)
        return EXIT_FAILED


def _gui(args: argparse.Namespace) -> int:
    try:
        from app.gui import run
    except ImportError as error:  # e.g. a server without Qt's system libraries
        print(f"the window cannot open here ({error}); batch mode still works: "
              "main.py --batch FILE.toml", file=sys.stderr)
        return EXIT_FAILED
    if args.dataset and is_experiment_file(args.dataset):
        return run(catalog=args.catalog, experiments=args.dataset)
    return run(dataset=args.dataset, catalog=args.catalog)


def is_experiment_file(path: str) -> bool:
    """Experiment files are TOML (``*.toml``, ``*.modeldesk.toml``); datasets never are."""
    return Path(path).suffix.lower() == ".toml"


def _self_test() -> int:
    from app.selftest import run_self_test

    return run_self_test()


def _catalog_path(args: argparse.Namespace) -> Path:
    from app.core.catalog import resolve_catalog_path

    return resolve_catalog_path(str(args.catalog) if args.catalog else None)


def _batch(args: argparse.Namespace) -> int:
    from app.batch import run_batch

    return run_batch(args.batch, _catalog_path(args), summary_json=args.summary_json,
                     worker=args.worker)


def _table_options(args: argparse.Namespace) -> TableOptions:
    """The table options of --inspect and --check-labels (and their --json's folder)."""
    from app.core.datasets import TableOptions
    from app.core.errors import ConfigError

    if args.json is not None and not args.json.parent.is_dir():
        raise ConfigError(f"--json {args.json}: the folder {args.json.parent} does not exist; "
                          "create it or choose another path", fields=("json",))
    delimiter = args.delimiter.replace("\\t", "\t") if args.delimiter else None
    return TableOptions(text_column=args.text_column, label_column=args.label_column,
                        delimiter=delimiter, has_header=False if args.no_header else None)


def _check_labels(args: argparse.Namespace) -> int:
    from app.batch import check_dataset_labels

    options = _table_options(args)
    return check_dataset_labels(args.check_labels, options, _catalog_path(args),
                                json_out=args.json)


def _inspect(args: argparse.Namespace) -> int:
    from app.core.config import run_param
    from app.core.datasets import inspect_dataset, load_dataset
    from app.core.errors import ConfigError

    options = _table_options(args)
    split = {key: None if getattr(args, key) is None else
             run_param(key).validate(getattr(args, key), where="--inspect")
             for key in ("val_fraction", "test_fraction", "seed")}
    inspection = inspect_dataset(load_dataset(args.inspect, options), **split)
    print(inspection.format_text())
    if args.json:
        try:
            args.json.write_text(json.dumps(inspection.to_dict(), indent=2) + "\n",
                                 encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"--json {args.json}: cannot write it ({error.strerror or error})",
                              fields=("json",)) from None
    return EXIT_OK


def _resume(args: argparse.Namespace) -> int:
    from app.batch import resume_run

    return resume_run(args.resume, _catalog_path(args))


def _registry(args: argparse.Namespace) -> int:
    from app.batch import _registry as registry

    catalog, note, alias = _catalog_path(args), args.note or "", args.alias or "production"
    if args.register is not None:
        return registry.register_version(args.register, args.name, catalog, note=note,
                                          export_id=args.export_id)
    if args.promote is not None:
        return registry.promote_version(*args.promote, catalog, alias=alias, note=note)
    if args.rollback is not None:
        return registry.rollback_alias(args.rollback, catalog, alias=alias, note=note)
    if args.archive is not None:
        return registry.archive_version(*args.archive, catalog, note=note)
    return registry.show_versions(args.versions, catalog)


def _import_runs(args: argparse.Namespace) -> int:
    from app.batch._import import import_catalogs

    return import_catalogs(args.import_runs, _catalog_path(args))


def _reproduce(args: argparse.Namespace) -> int:
    from app.batch import reproduce_run

    return reproduce_run(args.reproduce, _catalog_path(args))


def _export(args: argparse.Namespace) -> int:
    from app.batch import export_model
    from app.core.export import DEFAULT_TOLERANCE

    tolerance = DEFAULT_TOLERANCE if args.tolerance is None else args.tolerance
    return export_model(args.export, args.format, _catalog_path(args), out_dir=args.out,
                        tolerance=tolerance)
