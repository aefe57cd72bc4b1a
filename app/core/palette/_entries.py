"""The architectures ModelDesk offers, as data: names, defaults, options and builder paths.

Training defaults are picked for a few thousand samples on a laptop CPU: Adam(W) at 1e-3
converges without tuning for everything here; the pretrained-size torchvision models and the
recurrent model take smaller batches to keep a step short.
"""

from __future__ import annotations

from app.core.config import Param

from ._pretrained_entries import EFFICIENTNET_LITE0, MINILM
from ._spec import ArchitectureSpec

_IMAGE = "app.core.palette._image_models"
_TORCHVISION = "app.core.palette._torchvision_models"
_TEXT = "app.core.palette._text_models"


def _dropout(default: float) -> Param:
    return Param(
        "dropout", default, float, "Fraction of features dropped while training.", min=0.0, max=0.9
    )


def _embed_dim(default: int) -> Param:
    return Param(
        "embed_dim", default, int, "Size of each token's embedding vector.", min=8, max=1024
    )


def _training(epochs: int, batch_size: int, optimizer: str, lr: float) -> dict[str, object]:
    return {"epochs": epochs, "batch_size": batch_size, "optimizer": optimizer, "lr": lr}


IMAGE_SPECS: tuple[ArchitectureSpec, ...] = (
    ArchitectureSpec(
        name="mlp",
        kind="image",
        description="Fully connected layers on the flattened pixels. A baseline for tiny "
        "images such as digits; ignores spatial structure.",
        input_size=28,
        training_defaults=_training(20, 64, "adam", 1e-3),
        hyperparams=(
            Param(
                "hidden_sizes", (256, 128), tuple, "Width of each hidden layer.", min=1, max=4096
            ),
            _dropout(0.2),
        ),
        head=("classifier",),
        builder=f"{_IMAGE}:build_mlp",
    ),
    ArchitectureSpec(
        name="lenet5",
        kind="image",
        description="LeNet-5: two convolutions and three dense layers (about 62 k "
        "parameters). Fast; made for small grey images like handwritten digits.",
        input_size=28,
        training_defaults=_training(15, 64, "adam", 1e-3),
        hyperparams=(
            Param(
                "activation",
                "relu",
                str,
                "Nonlinearity; 'tanh' is the 1998 original.",
                choices=("relu", "tanh"),
            ),
            _dropout(0.0),
        ),
        head=("classifier",),
        builder=f"{_IMAGE}:build_lenet5",
        min_input_size=16,
    ),
    ArchitectureSpec(
        name="small_cnn",
        kind="image",
        description="Three convolution blocks with batch normalisation and global pooling. "
        "A good first choice for small photo datasets.",
        input_size=32,
        training_defaults=_training(20, 64, "adam", 1e-3),
        hyperparams=(
            Param(
                "width",
                32,
                int,
                "Channels of the first block; later blocks double it.",
                min=8,
                max=256,
            ),
            _dropout(0.3),
        ),
        head=("classifier",),
        builder=f"{_IMAGE}:build_small_cnn",
        min_input_size=8,
    ),
    ArchitectureSpec(
        name="resnet18",
        kind="image",
        description="ResNet-18 (11 M parameters). Strong but slow on a CPU; starts from "
        "random weights unless you load a local weights file.",
        input_size=64,
        training_defaults=_training(15, 32, "adamw", 1e-3),
        hyperparams=(
            Param(
                "stem",
                "auto",
                str,
                "First layer: 'cifar' (3×3, no pooling) keeps "
                "detail in small images, 'imagenet' (7×7 stride 2 + pooling) suits "
                "large ones and ImageNet weights; 'auto' picks cifar up to 64 px.",
                choices=("auto", "cifar", "imagenet"),
            ),
        ),
        head=("fc",),
        builder=f"{_TORCHVISION}:build_resnet18",
        min_input_size=8,
    ),
    ArchitectureSpec(
        name="mobilenet_v3_small",
        kind="image",
        description="MobileNetV3-Small (1.5 M parameters). Built for phones: quick on a CPU "
        "at larger image sizes.",
        input_size=64,
        training_defaults=_training(15, 32, "adamw", 1e-3),
        hyperparams=(
            _dropout(0.2),
            Param(
                "width_mult", 1.0, float, "Scales every layer's channels.", min=0.25, max=2.0
            ),
        ),
        head=("classifier",),
        builder=f"{_TORCHVISION}:build_mobilenet_v3_small",
        min_input_size=16,
    ),
)

TEXT_SPECS: tuple[ArchitectureSpec, ...] = (
    ArchitectureSpec(
        name="bag_of_embeddings",
        kind="text",
        description="fastText-style: averages word embeddings. Trains in seconds and is "
        "hard to beat on topic-like labels; ignores word order.",
        input_size=64,
        training_defaults=_training(20, 64, "adam", 5e-3),
        hyperparams=(_embed_dim(64), _dropout(0.2)),
        head=("classifier",),
        builder=f"{_TEXT}:build_bag_of_embeddings",
    ),
    ArchitectureSpec(
        name="textcnn",
        kind="text",
        description="Kim's CNN: convolutions over 3-5 word windows, max over the text. "
        "Picks up key phrases; a strong default for short texts.",
        input_size=64,
        training_defaults=_training(10, 64, "adam", 1e-3),
        hyperparams=(
            _embed_dim(128),
            Param("kernel_sizes", (3, 4, 5), tuple, "Window widths in tokens.", min=1, max=15),
            Param("num_filters", 100, int, "Filters per window width.", min=1, max=1024),
            _dropout(0.5),
        ),
        head=("classifier",),
        builder=f"{_TEXT}:build_textcnn",
    ),
    ArchitectureSpec(
        name="bilstm",
        kind="text",
        description="A bidirectional LSTM (or GRU) reading the text both ways. Models word "
        "order; slower than the CNN.",
        input_size=64,
        training_defaults=_training(10, 32, "adam", 1e-3),
        hyperparams=(
            _embed_dim(64),
            Param("cell", "lstm", str, "Recurrent cell type.", choices=("lstm", "gru")),
            Param("hidden_size", 128, int, "State size per direction.", min=8, max=1024),
            Param("num_layers", 1, int, "Stacked recurrent layers.", min=1, max=4),
            Param(
                "pooling",
                "last",
                str,
                "'last' joins the final states of both "
                "directions; 'max'/'mean' pool every token's output.",
                choices=("last", "max", "mean"),
            ),
            _dropout(0.3),
        ),
        head=("classifier",),
        builder=f"{_TEXT}:build_bilstm",
    ),
    ArchitectureSpec(
        name="transformer",
        kind="text",
        description="A small Transformer encoder (2 layers, 4 heads). Needs more data than "
        "the CNN to shine; texts are cut to max_length tokens.",
        input_size=64,
        training_defaults=_training(20, 32, "adamw", 5e-4),
        hyperparams=(
            Param("d_model", 64, int, "Width of token representations.", min=8, max=1024),
            Param("num_heads", 4, int, "Attention heads; must divide d_model.", min=1, max=16),
            Param("num_layers", 2, int, "Encoder layers.", min=1, max=12),
            Param(
                "ff_dim", 128, int, "Hidden width of each feed-forward block.", min=8, max=4096
            ),
            _dropout(0.1),
            Param(
                "max_length",
                64,
                int,
                "Longest input in tokens (size of the position table).",
                min=1,
                max=4096,
            ),
        ),
        head=("classifier",),
        builder=f"{_TEXT}:build_transformer",
    ),
)

ALL_SPECS: tuple[ArchitectureSpec, ...] = (
    *IMAGE_SPECS, EFFICIENTNET_LITE0, *TEXT_SPECS, MINILM)
DEFAULT_MODELS: dict[str, str] = {"image": "small_cnn", "text": "textcnn"}
