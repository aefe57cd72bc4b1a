"""Looking at a run's test predictions: per-sample results, confusion cells, error diffs.

Reads the run folder's ``predictions.safetensors`` with numpy (torch is never imported) and
maps sample indices back to the dataset's files and texts.
"""

from app.core.analysis._diff import ErrorDiff, error_diff
from app.core.analysis._results import SampleResult, TestResults, test_results

__all__ = ["ErrorDiff", "SampleResult", "TestResults", "error_diff", "test_results"]
