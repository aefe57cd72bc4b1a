"""Which labels are wrong: out-of-sample probabilities ranked by cleanlab's label quality.

``check_labels(dataset)`` returns a ``LabelCheck`` of ``LabelIssue``s (sample id, given and
suggested label, score). The analyst's decisions go into the catalog
(``Catalog.set_label_change``) and from there into the next run's ``label_changes``, which
``app.core.datasets.apply_label_changes`` applies before splitting; the user's files are never
edited. No Qt; torch, scikit-learn and cleanlab are imported only when a check runs.
"""

from app.core.labels._check import LabelCheck, LabelCheckCancelled, LabelIssue, check_labels
from app.core.labels._features import Features, pretrained_backbone, sample_features
from app.core.labels._folds import DEFAULT_FOLDS, out_of_sample_probabilities

__all__ = ["DEFAULT_FOLDS", "Features", "LabelCheck", "LabelCheckCancelled", "LabelIssue",
           "check_labels", "out_of_sample_probabilities", "pretrained_backbone",
           "sample_features"]
