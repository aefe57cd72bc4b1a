"""Export-friendly stand-ins for modules torch.export cannot trace with dynamic shapes.

The recurrent text model packs its sequences (``pack_padded_sequence``) so pads never enter
the recurrence; packing depends on the data's lengths, which torch.export cannot follow with
a dynamic batch. ``UnpackedBiRNN`` computes the same thing on the padded batch: the forward
direction reads each row as it is and takes its state at the last real token; the backward
direction reads each row reversed within its own length (a gather), so it too starts at the
last real token. It reuses the trained module's own parameters (nothing is copied into new
weights by hand), and the parity check compares it with the packed original on real samples.
"""

from __future__ import annotations

import torch
from torch import nn

from app.core.palette._text_models import BiRNN
from app.core.palette._text_pooling import masked_max, masked_mean


def fixed_sequence(model: nn.Module, bundle_max_length: int) -> int | None:
    """The sequence length the export fixes, or ``None`` for a dynamic axis.

    torch.export unrolls an LSTM/GRU over the traced length (its while-loop decomposition
    gave out-of-range gathers under onnxruntime), so the recurrent model is exported for
    exactly ``max_length`` tokens: ModelDesk's word encoder pads every text to that length
    anyway, so nothing a ModelDesk input can be is lost.
    """
    return bundle_max_length if isinstance(model, BiRNN) else None


def exportable(model: nn.Module) -> nn.Module:
    """``model``, or its stand-in when it holds a part torch.export cannot trace."""
    if isinstance(model, BiRNN):
        return UnpackedBiRNN(model).eval()
    return model


class UnpackedBiRNN(nn.Module):
    """``BiRNN``'s forward without packing: one single-direction RNN per layer and direction,
    sharing the original's weight tensors."""

    def __init__(self, original: BiRNN) -> None:
        super().__init__()
        rnn = original.rnn
        self.original = original
        self.pooling = original.pooling
        cell = type(rnn)
        self.layers = nn.ModuleList()
        for layer in range(rnn.num_layers):
            pair = nn.ModuleList()
            for suffix in ("", "_reverse"):
                single = cell(rnn.input_size if layer == 0 else 2 * rnn.hidden_size,
                              rnn.hidden_size, num_layers=1, batch_first=True)
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                    setattr(single, f"{name}_l0", getattr(rnn, f"{name}_l{layer}{suffix}"))
                single._init_flat_weights()
                pair.append(single)
            self.layers.append(pair)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        embedded, mask = self.original.embed(ids)
        lengths = mask.sum(dim=1).clamp(min=1)  # an all-pad row reads one pad, as packing does
        positions = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0)
        real = positions < lengths.unsqueeze(1)
        # Position t of a row read backwards within its length; pads keep their place.
        reverse = torch.where(real, lengths.unsqueeze(1) - 1 - positions, positions)
        last = (lengths - 1).view(-1, 1, 1)
        x = embedded
        finals = []
        for forward_rnn, backward_rnn in self.layers:
            ahead, _ = forward_rnn(x)
            back_reversed, _ = backward_rnn(_gather_rows(x, reverse))
            finals = [_take(ahead, last), _take(back_reversed, last)]
            x = torch.cat([ahead, _gather_rows(back_reversed, reverse)], dim=2)
        if self.pooling == "last":
            pooled = torch.cat(finals, dim=1)
        elif self.pooling == "mean":
            pooled = masked_mean(x, real)
        else:
            pooled = masked_max(x, real.unsqueeze(-1), dim=1)
        return self.original.classifier(pooled)


def _gather_rows(values: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """``values[n, index[n, t], :]`` for every row ``n`` and position ``t``."""
    return values.gather(1, index.unsqueeze(-1).expand(-1, -1, values.shape[2]))


def _take(values: torch.Tensor, last: torch.Tensor) -> torch.Tensor:
    """Each row's output at its last real position: ``N×H``."""
    return values.gather(1, last.expand(-1, 1, values.shape[2])).squeeze(1)
