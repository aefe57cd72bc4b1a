"""Text architectures: shapes, heavy padding, padding invariance and one training step."""

import pytest
import torch
from torch import nn

from app.core.errors import ConfigError
from app.core.palette import ArchitectureSpec, get_spec, list_specs

TEXT_SPECS = list_specs("text")
VOCAB = 50


def _batch(length: int = 64) -> torch.Tensor:
    """A full row, a one-token row, a row of five tokens and an all-pad row."""
    ids = torch.zeros(4, length, dtype=torch.long)
    ids[0] = torch.randint(1, VOCAB, (length,))
    ids[1, 0] = 7
    ids[2, :5] = torch.tensor([3, 9, 1, 4, 12])
    return ids


@pytest.mark.parametrize("classes", [2, 10])
@pytest.mark.parametrize("spec", TEXT_SPECS, ids=lambda s: s.name)
def test_heavily_padded_rows_give_finite_outputs(spec: ArchitectureSpec, classes: int) -> None:
    torch.manual_seed(0)
    model = spec.build(classes, vocab_size=VOCAB)
    for mode in (model.train, model.eval):
        mode()
        out = model(_batch(spec.input_size))
        assert out.shape == (4, classes)
        assert torch.isfinite(out).all(), f"{spec.name} produced NaN/inf in {mode.__name__}"


@pytest.mark.parametrize("spec", TEXT_SPECS, ids=lambda s: s.name)
def test_appending_padding_does_not_change_the_output(spec: ArchitectureSpec) -> None:
    torch.manual_seed(0)
    model = spec.build(3, vocab_size=VOCAB).eval()
    short = _batch(20)
    longer = torch.cat([short, torch.zeros(4, 30, dtype=torch.long)], dim=1)
    with torch.no_grad():
        torch.testing.assert_close(model(short), model(longer), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("spec", TEXT_SPECS, ids=lambda s: s.name)
def test_one_training_step_updates_the_weights(spec: ArchitectureSpec) -> None:
    torch.manual_seed(0)
    model = spec.build(3, vocab_size=VOCAB).train()
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    logits = model(_batch(spec.input_size))
    nn.functional.cross_entropy(logits, torch.tensor([0, 1, 2, 0])).backward()
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)
    torch.optim.Adam(model.parameters(), lr=1e-2).step()
    changed = {name for name, p in model.named_parameters() if not torch.equal(p, before[name])}
    if spec.pretrained is not None:  # a new head on a pretrained encoder: both learn
        embedding = "backbone.encoder.embeddings.word_embeddings.weight"
        assert {"head.1.weight", embedding} <= changed
        return
    assert {"classifier.weight", "embedding.weight"} <= changed
    # The pad embedding never learns: it stays the zero vector.
    assert torch.equal(model.embedding.weight[0], torch.zeros_like(model.embedding.weight[0]))


@pytest.mark.parametrize(
    "options",
    [
        {"cell": "gru"},
        {"pooling": "max"},
        {"pooling": "mean", "num_layers": 2},
        {"cell": "gru", "pooling": "last", "num_layers": 2},
    ],
)
def test_bilstm_variants(options: dict) -> None:
    model = get_spec("bilstm").build(4, vocab_size=VOCAB, hidden_size=16, **options).eval()
    with torch.no_grad():
        out = model(_batch(12))
    assert out.shape == (4, 4) and torch.isfinite(out).all()


def test_textcnn_handles_rows_shorter_than_its_widest_filter() -> None:
    model = get_spec("textcnn").build(2, vocab_size=VOCAB, kernel_sizes=(2, 7)).eval()
    with torch.no_grad():
        out = model(torch.tensor([[5, 0, 0], [5, 6, 7]]))
    assert torch.isfinite(out).all()


def test_transformer_position_table_and_length_limit() -> None:
    spec = get_spec("transformer")
    model = spec.build(2, vocab_size=VOCAB, max_length=16)
    assert model.positions.num_embeddings == 16
    assert spec.build(2, vocab_size=VOCAB).positions.num_embeddings == spec.input_size
    with pytest.raises(ConfigError, match="at most 16 tokens but got 17"):
        model(torch.ones(1, 17, dtype=torch.long))


def test_transformer_heads_must_divide_width() -> None:
    with pytest.raises(ConfigError, match="'d_model' \\(30\\) must be divisible by 'num_heads'"):
        get_spec("transformer").build(2, vocab_size=VOCAB, d_model=30, num_heads=4)


def test_text_specs_ignore_image_arguments() -> None:
    model = get_spec("bag_of_embeddings").build(2, in_channels=1, image_size=28, vocab_size=VOCAB)
    assert model.embedding.num_embeddings == VOCAB
