"""Looking at a run's test predictions: per-sample results, confusion cells, error diffs,
ROC and precision-recall curves per class, calibration.

Reads the run folder's ``predictions.safetensors`` with numpy and maps sample indices back to
the dataset's files and texts. Torch (for torchmetrics' curves and calibration error) is
imported only inside the functions that compute them.
"""

from app.core.analysis._calibration import DEFAULT_BINS, Calibration, CalibrationBin, calibration
from app.core.analysis._curves import ClassCurves, Curve, RocPr, roc_pr_curves
from app.core.analysis._diff import ErrorDiff, error_diff
from app.core.analysis._evaluation import Evaluation, evaluate_run
from app.core.analysis._results import SampleResult, TestResults, test_results

__all__ = [
    "DEFAULT_BINS", "Calibration", "CalibrationBin", "ClassCurves", "Curve", "ErrorDiff",
    "Evaluation", "RocPr", "SampleResult", "TestResults", "calibration", "error_diff",
    "evaluate_run", "roc_pr_curves", "test_results",
]  # fmt: skip
