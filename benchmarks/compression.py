"""Compression: int8 dynamic, int8 static and magnitude pruning against float PyTorch.

What it measures
    One image model (small_cnn on the bundled shapes, 32 px) and one text model (textcnn on
    the bundled topics table) are trained in batch mode into a catalog in a temporary folder,
    then compressed with ``app.core.compress.compress_run`` (each a recorded export row). In
    one process, per model, five ways of running it are timed together:

    torch       the run's model in PyTorch eager (``inference_mode``), fed the same uint8 /
                int64 inputs and normalising as the ONNX graph does
    ort float   the float ONNX export in onnxruntime
    int8_dynamic, int8_static, pruned   the compressed ONNX files in onnxruntime

    For each: file size (weights file for torch; ONNX on disk and gzip), test accuracy on the
    run's own test samples, CPU latency at batch 1 and batch 32; and ratios / deltas against
    float PyTorch, plus ort float vs torch eager.

How it stays fair
    * Torch and onnxruntime both get 1 intra-op thread (``--threads``); all five run in the
      same rounds, in a rotating order, after warm-up rounds; figures are medians over the
      rounds and ratios are medians of the per-round ratios (never one absolute time).
    * Every way gets the same encoded test inputs (ModelDesk's own resize / tokeniser).
    * A method that does not apply (static int8 needs a convolution) is printed as refused
      with its reason, not skipped silently.

Usage
    .venv/bin/python benchmarks/compression.py [--rounds 50] [--threads 1] [--epochs 6]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from _common import REPO, machine_line

sys.path.insert(0, str(REPO))

from app.core.analysis import test_results  # noqa: E402
from app.core.catalog import Catalog  # noqa: E402
from app.core.compress import (  # noqa: E402
    METHODS,
    CompressionError,
    alternated_latency,
    compress_run,
    gzip_bytes,
    median_ms,
    ratio_of,
    size_bytes,
    test_inputs,
)
from app.core.datasets import ImagePreprocessing  # noqa: E402
from app.core.export import export_run  # noqa: E402
from app.core.models import RunFolder, load_bundle  # noqa: E402
from app.core.runs import execute, make_config, plan_run  # noqa: E402

SAMPLES = REPO / "resources" / "samples"
MODELS = (("image", "small_cnn", SAMPLES / "shapes", {"batch_size": 32}),
          ("text", "textcnn", SAMPLES / "topics.csv", {}))


def train(catalog: Catalog, dataset: Path, model: str, epochs: int, extra: dict) -> int:
    values = {"dataset": str(dataset), "model": model, "epochs": epochs, "threads": 1,
              "device": "cpu", "seed": 0, "log_every": 1000, **extra}
    outcome = execute(plan_run(make_config(values, where="benchmark")), catalog)
    if outcome.status != "completed":
        raise SystemExit(f"training {model} did not complete: {outcome.message}")
    return outcome.run_id


def torch_runner(model: torch.nn.Module, preprocessing):
    """Eager PyTorch on the ONNX graph's inputs, normalising the same way."""
    if isinstance(preprocessing, ImagePreprocessing):
        mean = torch.tensor(preprocessing.mean).view(1, -1, 1, 1)
        std = torch.tensor(preprocessing.std).view(1, -1, 1, 1)

        def prepare(batch):
            return (torch.from_numpy(batch).permute(0, 3, 1, 2).float() / 255.0 - mean) / std
    else:
        def prepare(batch):
            return torch.from_numpy(batch)

    def run(batch: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return torch.softmax(model(prepare(batch)), dim=1).numpy()

    return run


def one_model(kind: str, architecture: str, dataset: Path, extra: dict, args,
              work: Path) -> None:
    from app.core.compress import OnnxRunner

    catalog = Catalog(work / f"{kind}.sqlite")
    run_id = train(catalog, dataset, architecture, args.epochs, extra)
    run_dir = catalog.get_run_record(run_id).run_dir
    model, bundle = load_bundle(run_dir)
    test = test_inputs(catalog, run_id, bundle.preprocessing, bundle.class_names)
    float_row = export_run(catalog, run_id, "onnx", work / kind / "float")
    float_path = float_row.path
    parity = float_row.details["parity"]
    print(f"\n{kind}: {architecture}, {len(test)} test samples, torch accuracy "
          f"{test_results(catalog, run_id).accuracy:.4f}; float ONNX parity {float_row.status} "
          f"(max |Δp| {parity['max_abs_diff']:.1e})")
    paths, refused = {"ort float": Path(float_path)}, {}
    for method in METHODS:
        try:
            row = compress_run(catalog, run_id, method, rounds=3, threads=args.threads,
                               source_export_id=float_row.id)
            paths[method] = row.path
        except CompressionError as error:
            refused[method] = str(error)
    runners = {"torch": torch_runner(model, bundle.preprocessing)}
    runners.update({name: OnnxRunner(path, args.threads) for name, path in paths.items()})
    accuracy = {"torch": test_results(catalog, run_id).accuracy}
    for name in paths:
        accuracy[name] = float(np.mean(runners[name].predict(test.inputs) == test.labels))
    times = alternated_latency(runners, test.inputs, rounds=args.rounds, warmup=5)
    torch_size = RunFolder(run_dir).weights.stat().st_size
    print(f"  {'':13} {'size B':>9} {'gzip B':>9} {'size/torch':>10} {'acc':>7} "
          f"{'Δacc pts':>8} {'b1 ms':>7} {'b1/torch':>8} {'b32 ms':>7} {'b32/torch':>9} "
          f"{'b1/float':>8} {'b32/float':>9}")
    for name in runners:
        size = torch_size if name == "torch" else size_bytes(paths[name])
        packed = "" if name == "torch" else gzip_bytes(paths[name])
        versus_float = ("" if name in ("torch", "ort float") else
                        f"{ratio_of(times, name, 'ort float', 1):8.3f} "
                        f"{ratio_of(times, name, 'ort float', 32):9.3f}")
        print(f"  {name:13} {size:9d} {packed!s:>9} {size / torch_size:10.3f} "
              f"{accuracy[name]:7.4f} {(accuracy[name] - accuracy['torch']) * 100:+8.2f} "
              f"{median_ms(times[name][1]):7.3f} {ratio_of(times, name, 'torch', 1):8.3f} "
              f"{median_ms(times[name][32]):7.3f} {ratio_of(times, name, 'torch', 32):9.3f} "
              f"{versus_float}")
    for method, reason in refused.items():
        print(f"  {method}: refused: {reason}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50, help="timed rounds (50)")
    parser.add_argument("--threads", type=int, default=1, help="torch/onnxruntime threads (1)")
    parser.add_argument("--epochs", type=int, default=6, help="training epochs per model (6)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print("compression: int8 dynamic / int8 static / pruned vs float PyTorch, and onnxruntime "
          "float vs PyTorch eager")
    print(f"  {machine_line()}; {args.threads} thread(s), {args.rounds} alternated rounds, "
          "medians; ratios are medians of per-round ratios")
    with tempfile.TemporaryDirectory(prefix="compression-") as tmp:
        for kind, architecture, dataset, extra in MODELS:
            one_model(kind, architecture, dataset, extra, args, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
