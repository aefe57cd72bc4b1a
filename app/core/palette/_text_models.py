"""Text classifiers over ``LongTensor[N, L]`` token ids (pad id 0, unk 1).

All of them zero the embeddings of pad positions and pool over real tokens only, so
trailing padding does not change a row's output and a row of a single token stays finite.
Each names its final ``nn.Linear`` ``classifier`` (the spec's head). Imported only on build.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from app.core.errors import ConfigError

from ._text_pooling import PAD_ID, masked_max, masked_mean, token_mask


class _TextModel(nn.Module):
    """Embedding shared by the text models; pad rows are zeroed even if loaded weights aren't."""

    def __init__(self, vocab_size: int, embed_dim: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD_ID)

    def embed(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mask = token_mask(ids)
        return self.embedding(ids) * mask.unsqueeze(-1).to(self.embedding.weight.dtype), mask


class BagOfEmbeddings(_TextModel):
    """fastText-style (Joulin et al. 2017): the mean token embedding, then a linear layer."""

    def __init__(self, num_classes: int, vocab_size: int, embed_dim: int, dropout: float) -> None:
        super().__init__(vocab_size, embed_dim)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(embed_dim, num_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        embedded, mask = self.embed(ids)
        return self.classifier(self.dropout(masked_mean(embedded, mask)))


class TextCNN(_TextModel):
    """Kim (2014): parallel convolutions of several widths, max over time, then linear.

    Convolutions pad by ``width - 1`` on both sides so a row shorter than the widest filter
    still has windows; windows that hold no real token are excluded from the max, which keeps
    the output independent of how much padding follows the text.
    """

    def __init__(
        self,
        num_classes: int,
        vocab_size: int,
        embed_dim: int,
        kernel_sizes: Sequence[int],
        num_filters: int,
        dropout: float,
    ) -> None:
        super().__init__(vocab_size, embed_dim)
        self.convs = nn.ModuleList(
            nn.Conv1d(embed_dim, num_filters, kernel_size=k, padding=k - 1) for k in kernel_sizes
        )
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(num_filters * len(kernel_sizes), num_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        embedded, mask = self.embed(ids)
        x = embedded.transpose(1, 2)  # N, D, L
        real = mask.unsqueeze(1).to(x.dtype)  # N, 1, L
        pooled = []
        for conv in self.convs:
            width = conv.kernel_size[0]
            features = F.relu(conv(x))  # N, F, L + width - 1
            # Window t covers padded positions t..t+width-1: valid if any of them is real.
            # Counted with a convolution of ones rather than max_pool1d, which torch.export
            # specialises to the traced length (the exported graph needs a dynamic one).
            ones = torch.ones((1, 1, width), dtype=x.dtype, device=x.device)
            valid = F.conv1d(real, ones, padding=width - 1) > 0
            pooled.append(masked_max(features, valid, dim=2))
        return self.classifier(self.dropout(torch.cat(pooled, dim=1)))


class BiRNN(_TextModel):
    """A bidirectional LSTM or GRU over packed sequences (pads never enter the recurrence).

    ``pooling="last"`` concatenates the final forward and backward states of the top layer;
    "max"/"mean" pool the per-token outputs over real tokens.
    """

    def __init__(
        self,
        num_classes: int,
        vocab_size: int,
        embed_dim: int,
        cell: str,
        hidden_size: int,
        num_layers: int,
        pooling: str,
        dropout: float,
    ) -> None:
        super().__init__(vocab_size, embed_dim)
        rnn_type = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn_type(
            embed_dim,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            bidirectional=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.pooling = pooling
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(2 * hidden_size, num_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        embedded, mask = self.embed(ids)
        # An all-pad row is read as one (zero) pad token: packing refuses zero lengths.
        lengths = mask.sum(dim=1).clamp(min=1)
        packed = pack_padded_sequence(
            embedded, lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        outputs, state = self.rnn(packed)
        if self.pooling == "last":
            hidden = state[0] if isinstance(state, tuple) else state  # LSTM gives (h, c)
            pooled = torch.cat([hidden[-2], hidden[-1]], dim=1)  # top layer, both directions
        else:
            padded, _ = pad_packed_sequence(outputs, batch_first=True, total_length=ids.shape[1])
            positions = torch.arange(ids.shape[1], device=ids.device)
            real = positions.unsqueeze(0) < lengths.unsqueeze(1)
            if self.pooling == "mean":
                pooled = masked_mean(padded, real)
            else:
                pooled = masked_max(padded, real.unsqueeze(-1), dim=1)
        return self.classifier(self.dropout(pooled))


class TransformerClassifier(_TextModel):
    """A small pre-norm Transformer encoder with learned positions and masked mean pooling."""

    def __init__(
        self,
        num_classes: int,
        vocab_size: int,
        d_model: int,
        num_heads: int,
        num_layers: int,
        ff_dim: int,
        dropout: float,
        max_length: int,
    ) -> None:
        super().__init__(vocab_size, d_model)
        self.max_length = max_length
        self.positions = nn.Embedding(max_length, d_model)
        layer = nn.TransformerEncoderLayer(
            d_model,
            num_heads,
            dim_feedforward=ff_dim,
            dropout=dropout,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        # Nested tensors only speed up inference and warn with norm_first; keep one code path.
        self.encoder = nn.TransformerEncoder(
            layer, num_layers, norm=nn.LayerNorm(d_model), enable_nested_tensor=False
        )
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(d_model, num_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        length = ids.shape[1]
        if length > self.max_length:
            raise ConfigError(
                f"the transformer was built for at most {self.max_length} tokens but got "
                f"{length}; build it with max_length={length} or shorten the texts",
                fields=("model_options.max_length",),
            )
        embedded, mask = self.embed(ids)
        positions = torch.arange(length, device=ids.device)
        x = embedded + self.positions(positions).unsqueeze(0)
        # A row with no real token would have every key masked and attention would give NaN;
        # let such rows attend to their pads instead (their pooled output is zero anyway).
        has_tokens = mask.any(dim=1, keepdim=True)
        padding_mask = ~mask & has_tokens
        encoded = self.encoder(x, src_key_padding_mask=padding_mask)
        return self.classifier(self.dropout(masked_mean(encoded, mask)))


def build_bag_of_embeddings(
    num_classes: int, *, vocab_size: int, embed_dim: int, dropout: float
) -> nn.Module:
    return BagOfEmbeddings(num_classes, vocab_size, embed_dim, dropout)


def build_textcnn(
    num_classes: int,
    *,
    vocab_size: int,
    embed_dim: int,
    kernel_sizes: Sequence[int],
    num_filters: int,
    dropout: float,
) -> nn.Module:
    return TextCNN(num_classes, vocab_size, embed_dim, kernel_sizes, num_filters, dropout)


def build_bilstm(
    num_classes: int,
    *,
    vocab_size: int,
    embed_dim: int,
    cell: str,
    hidden_size: int,
    num_layers: int,
    pooling: str,
    dropout: float,
) -> nn.Module:
    return BiRNN(
        num_classes, vocab_size, embed_dim, cell, hidden_size, num_layers, pooling, dropout
    )


def build_transformer(
    num_classes: int,
    *,
    vocab_size: int,
    d_model: int,
    num_heads: int,
    num_layers: int,
    ff_dim: int,
    dropout: float,
    max_length: int,
) -> nn.Module:
    if d_model % num_heads:
        raise ConfigError(
            f"model 'transformer': 'd_model' ({d_model}) must be divisible by "
            f"'num_heads' ({num_heads})",
            fields=("model_options.d_model", "model_options.num_heads"),
        )
    return TransformerClassifier(
        num_classes, vocab_size, d_model, num_heads, num_layers, ff_dim, dropout, max_length
    )
