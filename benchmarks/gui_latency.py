"""GUI latency: does the window stay responsive while it trains, and does it slow training?

What it measures
    1. Event-loop delay during training. The real ``MainWindow`` (offscreen unless a display
       is set) shows the Training page while a real run trains through its ``TrainingQueue``;
       a probe ``QTimer`` (precise, every 10 ms) records how late each tick fires. Lateness is
       what a user feels as lag: a click or a repaint waits at least that long. Printed as
       p50/p99/max in ms; target p99 < 50 ms.
    2. Training throughput under the GUI vs headless. The same ``RunConfig`` runs through
       ``app.core.runs.execute`` on the main thread with no event loop (what batch mode does)
       and through the window's queue in its worker thread while the page plots it live.
       Throughput is training samples per second of training time, from the engine's own
       ``EpochEnd.seconds`` (the training part of each epoch, without validation, test or
       data preparation), so both sides count the same work. Sides alternate A B A B ... in
       one process after a warm-up pair (see ``benchmarks/_common.py`` for why); the result is
       the median per-pair ratio GUI/headless with its range; target >= 0.95.
    3. One redraw of a ``LivePlot`` holding 1,000,000 points: append a point (marks the curve
       dirty), ``redraw_now()`` (``setData``) and ``grab()`` (forces a full paint), median of
       ``--repeats``; target < 16 ms (one 60 Hz frame). Peak downsampling and clip-to-view are
       what make this possible; the same redraw without them is printed for contrast.

Why
    The Training page promises that training never blocks the GUI thread and that live plots
    cost next to nothing, however fast steps come (the worker coalesces step events to at most
    ~20 signals a second; plots repaint on a 50 ms timer). These figures check that promise on
    a real window. Timings are never asserted in tests: the machines are shared and noisy.

Run
    python benchmarks/gui_latency.py                     # small_cnn on the shapes sample
    python benchmarks/gui_latency.py --epochs 5 --pairs 5 --threads 2
    python benchmarks/gui_latency.py --dataset /path/to/folder --model resnet18
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import REPO, Spread, alternate, machine_line  # noqa: E402

PROBE_MS = 10


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default=str(REPO / "resources" / "samples" / "shapes"))
    parser.add_argument("--model", default="small_cnn")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--log-every", type=int, default=1,
                        help="steps between progress events (1 = the most GUI traffic)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads for both sides (default 1: on a shared 2-core "
                             "box a 2-thread run collapses when another process takes a core)")
    parser.add_argument("--pairs", type=int, default=3, help="recorded A/B pairs after warm-up")
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--skip-training", action="store_true",
                        help="only the plot redraw benchmark")
    return parser.parse_args(argv)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


# ------------------------------------------------------------------------------ probing
class LatencyProbe:
    """A 10 ms precise timer recording how late each tick fires, in milliseconds."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.late_ms: list[float] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(PROBE_MS)
        self._timer.timeout.connect(self._on_tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _on_tick(self) -> None:
        now = time.perf_counter()
        self.late_ms.append(max(0.0, (now - self._last) * 1000 - PROBE_MS))
        self._last = now


# ---------------------------------------------------------------------------- plot redraw
def plot_redraw(points: int, repeats: int) -> tuple[Spread, Spread, Spread]:
    """Time of append + redraw_now + grab: ``points`` points as shipped; 1,000 points (the
    floor: axes, grid and frame cost the same at any size); ``points`` with LivePlot's and
    pyqtgraph's reductions switched off (for contrast)."""
    import numpy as np

    from app.gui.plots import LivePlot

    rng = np.random.default_rng(0)
    xs = np.arange(points, dtype=np.float64)
    ys = np.cumsum(rng.standard_normal(points))

    def measure(optimised: bool, count: int, size: int = points) -> Spread:
        plot = LivePlot("benchmark", "step", "loss")
        plot.add_curve("loss", "#0072B2")
        if not optimised:
            plot.decimate_above = size + count + 1
            plot.getPlotItem().setDownsampling(auto=False, ds=1)
            plot.getPlotItem().setClipToView(False)
        plot.resize(800, 400)
        plot.show()
        plot.set_points("loss", xs[:size], ys[:size])
        plot.redraw_now()
        plot.grab()  # first paint: fonts, caches
        times = []
        for i in range(count):
            plot.append("loss", size + i, float(ys[size - 1]))
            started = time.perf_counter()
            plot.redraw_now()
            plot.grab()
            times.append((time.perf_counter() - started) * 1000)
        plot.close()
        plot.deleteLater()
        return Spread.of(times)

    return (measure(True, repeats), measure(True, repeats, 1000),
            measure(False, max(3, repeats // 5)))


# ------------------------------------------------------------------------------ training
def _throughput_meter():  # noqa: ANN202 - torch-heavy import kept out of module import
    from app.core.engine import Callback

    class Throughput(Callback):
        """Engine callback for the headless side: train samples and training seconds."""

        def __init__(self) -> None:
            self.samples = 0
            self.seconds = 0.0

        def on_run_start(self, event) -> None:  # noqa: ANN001
            self.samples = event.train_samples

        def on_epoch_end(self, event) -> None:  # noqa: ANN001
            self.seconds += event.seconds

    return Throughput()


def samples_per_second(train_samples: int, epoch_seconds: list[float]) -> float:
    return train_samples * len(epoch_seconds) / max(sum(epoch_seconds), 1e-9)


def make_window(folder: Path):  # noqa: ANN201
    from PySide6.QtCore import QSettings

    from app.gui.main_window import MainWindow
    from app.gui.settings import Settings
    from app.gui.state import AppState

    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    state = AppState(settings, catalog_path=folder / "catalog.sqlite")
    window = MainWindow(state)
    window.resize(1280, 800)
    window.show()
    window.show_page("Training")
    return window


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop

    from app.gui import create_application

    application = create_application()
    print(machine_line())
    print(f"Qt platform: {application.platformName()}")

    best, floor, plain = plot_redraw(args.points, args.repeats)
    print("\nLivePlot redraw (append + setData + full paint of an 800x400 plot):")
    print(f"  {args.points:,} points, clip + peak decimation  {best.format('.1f', ' ms')}"
          "   target < 16 ms")
    print(f"  1,000 points (floor: axes, grid, frame)    {floor.format('.1f', ' ms')}")
    print(f"  {args.points:,} points, no reduction         {plain.format('.1f', ' ms')}")
    if args.skip_training:
        return 0

    from app.core.catalog import Catalog
    from app.core.engine import EpochEnd, RunStarted
    from app.core.jobs import TrainJob
    from app.core.runs import execute, make_config, plan_run

    folder = Path(tempfile.mkdtemp(prefix="modeldesk-gui-latency-"))
    window = make_window(folder)
    queue = window.queue
    catalog = Catalog(folder / "headless.sqlite")
    config = make_config({"dataset": args.dataset, "model": args.model, "epochs": args.epochs,
                          "batch_size": args.batch_size, "log_every": args.log_every,
                          "threads": args.threads, "seed": 0})
    planned = plan_run(config)  # loads the dataset once; both sides reuse it (memoised)
    print(f"\nrun: {args.model} on {Path(args.dataset).name}, {args.epochs} epochs, batch "
          f"{args.batch_size}, log_every {args.log_every}, torch threads {args.threads}")

    latencies: list[float] = []

    def headless() -> float:
        meter = _throughput_meter()
        execute(planned, catalog, callbacks=(meter,))
        return meter.samples * args.epochs / max(meter.seconds, 1e-9)

    def gui() -> float:
        seconds: list[float] = []
        samples: list[int] = []
        probe = LatencyProbe()
        loop = QEventLoop()
        def on_event(event: object) -> None:
            if isinstance(event, RunStarted):
                samples.append(event.train_samples)
            elif isinstance(event, EpochEnd):
                seconds.append(event.seconds)

        queue.event.connect(on_event)
        queue.idle.connect(loop.quit)
        probe.start()
        queue.enqueue(TrainJob(config), window.state.catalog.path)
        loop.exec()
        probe.stop()
        queue.event.disconnect(on_event)
        queue.idle.disconnect(loop.quit)
        latencies.extend(probe.late_ms)
        return samples_per_second(samples[0], seconds)

    def report(number: int, a: float, b: float) -> None:
        print(f"  pair {number}: headless {a:8.1f} samples/s   GUI {b:8.1f} samples/s   "
              f"ratio {b / a:.3f}", flush=True)

    # Warm-up pair: decodes and caches the images, loads torch kernels; its latencies count
    # too (a user's first run is a run), but not its throughput.
    pairs = alternate(headless, gui, args.pairs, warmup=1, report=report)
    ratio = Spread.of([b / a for a, b in pairs])
    print(f"\nthroughput GUI/headless: {ratio.format('.3f')}   target >= 0.95")
    print(f"event-loop delay while training (10 ms probe, {len(latencies):,} ticks): "
          f"p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, "
          f"max {max(latencies):.1f} ms   target p99 < 50 ms")
    page = window.pages["Training"]
    print(f"plot redraws during the last GUI run: {page.plots.redraws} in all "
          f"(timer-driven, two plots)")
    window.close()
    queue.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
