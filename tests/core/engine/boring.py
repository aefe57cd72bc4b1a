"""A boring, fast dataset for loop tests (Lightning's demos/boring_classes.py habit).

Token ids drawn mostly from a per-class range, so a bag-of-embeddings model learns it in a
few epochs in milliseconds; only end-to-end tests train real architectures on real files.
"""

from __future__ import annotations

import torch

from app.core.config import RunConfig
from app.core.datasets import PreparedData, TensorSplit, TextPreprocessing, Vocabulary
from app.core.engine import Trainer
from app.core.palette import get_spec

VOCAB, LENGTH, CLASSES = 40, 12, ("a", "b", "c")


def _split(count: int, generator: torch.Generator, offset: int) -> TensorSplit:
    labels = torch.randint(0, len(CLASSES), (count,), generator=generator)
    base = 2 + labels.unsqueeze(1) * 12  # class c owns ids [2 + 12c, 14 + 12c)
    tokens = base + torch.randint(0, 12, (count, LENGTH), generator=generator)
    noise = torch.rand(count, LENGTH, generator=generator) < 0.3
    tokens = torch.where(noise, torch.randint(2, VOCAB, (count, LENGTH), generator=generator),
                         tokens)
    return TensorSplit(inputs=tokens.long(), labels=labels.long(),
                       indices=torch.arange(offset, offset + count))


def make_boring_data(train: int = 240, val: int = 60, test: int = 60,
                     seed: int = 0) -> PreparedData:
    generator = torch.Generator().manual_seed(seed)
    vocabulary = Vocabulary(["<pad>", "<unk>", *(f"w{i}" for i in range(2, VOCAB))])
    return PreparedData(
        kind="text", class_names=CLASSES, train=_split(train, generator, 0),
        val=_split(val, generator, train), test=_split(test, generator, train + val),
        preprocessing=TextPreprocessing(vocabulary, LENGTH))


def make_model(seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return get_spec("bag_of_embeddings").build(len(CLASSES), vocab_size=VOCAB, embed_dim=16)


def make_config(**changes: object) -> RunConfig:
    values = {"dataset": "boring", "model": "bag_of_embeddings", "epochs": 3, "batch_size": 16,
              "lr": 0.02, "device": "cpu", "log_every": 5, **changes}
    return RunConfig.from_mapping(values)


def make_trainer(config: RunConfig, data: PreparedData, model: torch.nn.Module,
                 **kwargs: object) -> Trainer:
    """A ``Trainer`` with the sections of ``config`` the engine takes."""
    return Trainer(config.training, config.runtime, data, model, **kwargs)
