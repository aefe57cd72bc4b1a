"""The architecture palette: a registry of model specs that build ``nn.Module``s.

Importing this package, listing specs and reading their options never imports torch (the GUI
shows the palette before torch has loaded); ``ArchitectureSpec.build``, ``describe``,
``load_local_weights`` and ``freeze_backbone`` import it when called.
"""

from ._packaged import load_packaged_weights, packaged_preprocessing
from ._pretrained import Pretrained
from ._registry import SMALL_DATASET, default_model, get_spec, list_specs, recommended_model
from ._spec import ArchitectureSpec, BuildInfo
from ._summary import ModelSummary, count_parameters, describe, summarize
from ._weights import WeightsReport, apply_train_layers, freeze_backbone, load_local_weights

__all__ = [
    "SMALL_DATASET",
    "ArchitectureSpec",
    "BuildInfo",
    "ModelSummary",
    "Pretrained",
    "WeightsReport",
    "apply_train_layers",
    "count_parameters",
    "default_model",
    "describe",
    "freeze_backbone",
    "get_spec",
    "list_specs",
    "load_local_weights",
    "load_packaged_weights",
    "packaged_preprocessing",
    "recommended_model",
    "summarize",
]
