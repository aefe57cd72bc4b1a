"""Token attributions for text models: integrated gradients through the token embedding
(Captum's ``LayerIntegratedGradients``).

Why the embedding layer: token ids are integers and have no gradient, but their embeddings
do. The path runs from the padding embedding (what the models read as "no token") to each
token's own, with the real ids still deciding the models' masks, so summing a token's
attribution over the embedding says how much that token moved the class's score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.datasets import (
    PAD_ID,
    UNK_ID,
    SubwordPreprocessing,
    TextPreprocessing,
    encode_for_inference,
    tokenize,
)
from app.core.errors import ConfigError
from app.core.explain._layers import token_embedding
from app.core.explain._records import TokenAttributions
from app.core.explain._targets import Target, forward_scores, gradients_on, resolve_target
from app.core.models import ModelBundle

if TYPE_CHECKING:
    import torch
    from torch import nn

IG_STEPS = 50
_SUBWORD_UNKNOWN = "[UNK]"


def explain_text(model: nn.Module, bundle: ModelBundle, text: str,
                 target: Target = None) -> TokenAttributions:
    """How much each token of ``text`` pushed ``model`` towards ``target`` (default: the
    predicted class). Texts are cut to the model's length as in training.

    Raises:
        ConfigError: an image model, or an unknown target class.
    """
    from captum.attr import LayerIntegratedGradients

    pre = bundle.preprocessing
    if not isinstance(pre, TextPreprocessing | SubwordPreprocessing):
        raise ConfigError(f"{bundle.architecture} is an image model; explain_image explains it")
    tokens, known = _tokens(pre, text)
    name, layer = token_embedding(model, bundle.build_arguments()["vocab_size"])
    with gradients_on():
        ids = encode_for_inference(pre, [text])[:, :len(tokens)]  # trailing pads: no change
        probabilities = forward_scores(model, ids)
        index = resolve_target(target, bundle.class_names, probabilities)
        predicted = resolve_target(None, bundle.class_names, probabilities)
        attributions = LayerIntegratedGradients(model, layer).attribute(
            ids, baselines=_baseline(pre, ids), target=index, n_steps=IG_STEPS)
    scores = attributions.detach().float().sum(dim=-1)[0].tolist()
    return TokenAttributions(
        tokens=tuple(tokens), scores=tuple(scores), known=tuple(known),
        target=bundle.class_names[index], target_index=index,
        probability=float(probabilities[index]), predicted=bundle.class_names[predicted],
        method=f"integrated gradients through {name}")


def _tokens(pre: TextPreprocessing | SubwordPreprocessing,
            text: str) -> tuple[list[str], list[bool]]:
    if isinstance(pre, SubwordPreprocessing):
        tokens = pre.tokens(text) or [_SUBWORD_UNKNOWN]
        return tokens, [token != _SUBWORD_UNKNOWN for token in tokens]
    tokens = tokenize(text)[:pre.max_length]
    if not tokens:  # encoded as one unknown token (see encode_texts)
        return ["<unk>"], [False]
    return tokens, [pre.vocabulary.id_of(token) != UNK_ID for token in tokens]


def _baseline(pre: TextPreprocessing | SubwordPreprocessing, ids: torch.Tensor) -> torch.Tensor:
    """Padding in place of every token; a subword encoder keeps its [CLS] and [SEP], which
    frame every input it has seen."""
    import torch

    baseline = torch.full_like(ids, PAD_ID)
    if isinstance(pre, SubwordPreprocessing) and ids.shape[1] >= 2:
        baseline[:, 0], baseline[:, -1] = ids[:, 0], ids[:, -1]
    return baseline
