"""One measured training of a bundled sample, for ``ddp_scaling.py``; run plainly or by torchrun.

Trains through the engine with the strategy the environment gives (``SingleDevice`` alone,
``DistributedDataParallel`` under torchrun) and no catalog, so only the training itself is
timed. Global rank zero prints one ``RESULT {json}`` line: each epoch's training seconds
(validation excluded), training samples, world size, device, peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.core.config import RunConfig  # noqa: E402
from app.core.engine import (  # noqa: E402
    Callback,
    DistributedDataParallel,
    EpochEnd,
    RunStarted,
    Trainer,
    from_environment,
)
from app.core.runs import plan_run  # noqa: E402
from app.core.runs._execute import build_for  # noqa: E402

SAMPLES = {
    "shapes": {"dataset": str(REPO / "resources" / "samples" / "shapes"), "model": "small_cnn",
               "model_options": {"width": 16}},
    "topics": {"dataset": str(REPO / "resources" / "samples" / "topics.csv"),
               "model": "bag_of_embeddings"},
}


class EpochTimes(Callback):
    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.device = ""

    def on_run_start(self, event: RunStarted) -> None:
        self.device = event.device

    def on_epoch_end(self, event: EpochEnd) -> None:
        self.seconds.append(event.seconds)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", choices=sorted(SAMPLES), default="shapes")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--mixed-precision", action="store_true")
    args = parser.parse_args()
    import torch

    values = {**SAMPLES[args.sample], "epochs": args.epochs, "batch_size": args.batch_size,
              "device": args.device, "mixed_precision": args.mixed_precision, "threads": 1,
              "seed": 0, "val_fraction": 0.15, "test_fraction": 0.2, "optimizer": "adam",
              "early_stopping_patience": 0}
    config = RunConfig.from_mapping(values)
    strategy = from_environment()
    if isinstance(strategy, DistributedDataParallel):
        strategy.start()
    try:
        planned = plan_run(config)
        data, _, model = build_for(planned)
        times = EpochTimes()
        result = Trainer(config.training, config.runtime, data, model, callbacks=[times],
                         strategy=strategy).fit()
    finally:
        if isinstance(strategy, DistributedDataParallel):
            strategy.close()
    if strategy.is_global_zero:
        gpu = (torch.cuda.max_memory_allocated() if torch.cuda.is_available()
               and times.device.startswith(("cuda", f"{strategy.world_size} × cuda")) else None)
        print("RESULT " + json.dumps({
            "status": result.status, "epoch_seconds": times.seconds,
            "train_samples": len(data.train), "world_size": strategy.world_size,
            "device": times.device, "test_accuracy": (result.test_metrics or {}).get("accuracy"),
            "gpu_peak_bytes": gpu,
            "rss_peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        }), flush=True)
    return 0 if result.status == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
