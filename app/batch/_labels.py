"""``main.py --check-labels DATASET``: the ranked list of likely mislabeled samples.

The same check as the Data page's "Check labels" (``app.core.labels``), printed as a table
(rank, sample id, given label, suggested label, score) and optionally written as JSON.
Backbone features are cached beside the catalog, where training runs find them too. Ctrl-C
cancels at the next batch or fold (exit 130).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.batch._runner import EXIT_INTERRUPTED, EXIT_OK, stop_on_interrupt
from app.core.datasets import TableOptions, load_dataset
from app.core.engine import RunControl
from app.core.errors import ConfigError
from app.core.labels import LabelCheck, LabelCheckCancelled, check_labels

_STAGES = {"features": "features", "folds": "fold models"}


def check_dataset_labels(path: Path, options: TableOptions, catalog_path: Path,
                         json_out: Path | None = None) -> int:
    """Check ``path``'s labels and print the ranked list; the exit code."""
    dataset = load_dataset(path, options)
    control = RunControl()
    shown: dict[str, int] = {}

    def progress(stage: str, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if shown.get(stage, -1) < tenth:
            shown[stage] = tenth
            print(f"  {_STAGES.get(stage, stage)}: {done:,}/{total:,}", file=sys.stderr,
                  flush=True)

    try:
        with stop_on_interrupt(control):
            result = check_labels(dataset, cache_dir=catalog_path.parent / "cache",
                                  progress=progress, control=control)
    except LabelCheckCancelled:
        print("label check cancelled", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(format_check(result))
    if json_out is not None:
        try:
            json_out.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"--json {json_out}: cannot write it "
                              f"({error.strerror or error})", fields=("json",)) from None
    return EXIT_OK


def format_check(result: LabelCheck) -> str:
    """The header lines and the ranked table."""
    lines = [f"Dataset: {result.path}",
             f"Method: {result.method}, {result.folds}-fold out-of-sample probabilities, "
             f"ranked by cleanlab's label quality (self-confidence; lower = more likely wrong)",
             f"Samples: {result.samples:,}; held-out accuracy of the given labels "
             f"{result.out_of_sample_accuracy:.1%}; {result.seconds:.1f} s",
             f"Likely mislabeled: {len(result.issues):,}"]
    if not result.issues:
        return "\n".join(lines)
    rows = [(str(rank), issue.sample_id, issue.given, issue.suggested, f"{issue.score:.4f}")
            for rank, issue in enumerate(result.issues, start=1)]
    header = ("rank", "sample", "given", "suggested", "score")
    widths = [max(len(header[c]), *(len(row[c]) for row in rows)) for c in range(5)]
    lines.append("")
    for row in (header, *rows):
        cells = [row[0].rjust(widths[0]), *(cell.ljust(w) for cell, w in
                                            zip(row[1:4], widths[1:4], strict=True)),
                 row[4].rjust(widths[4])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
