"""Parameter counts, summary lines and describe() without real weights."""

import pytest
import torch

from app.core.palette import (
    ArchitectureSpec,
    count_parameters,
    describe,
    get_spec,
    list_specs,
    summarize,
)


def test_lenet5_summary_line() -> None:
    spec = get_spec("lenet5")
    summary = summarize(spec, spec.build(10, in_channels=1))
    assert summary.name == "lenet5"
    assert (summary.parameters, summary.trainable) == (61_706, 61_706)
    assert summary.line == (
        "lenet5 · image · 61,706 parameters (61,706 trainable) · input 1×28×28 → 10 classes"
    )


def test_text_summary_line() -> None:
    spec = get_spec("transformer")
    line = summarize(spec, spec.build(4, vocab_size=5000, max_length=32)).line
    assert line.endswith("· input up to 32 tokens, vocabulary 5,000 → 4 classes")
    line = summarize(get_spec("textcnn"), get_spec("textcnn").build(3, vocab_size=900)).line
    assert line.endswith("· vocabulary 900 → 3 classes")


def test_summary_of_a_foreign_module_uses_the_given_facts() -> None:
    module = torch.nn.Linear(4, 2)
    summary = summarize(get_spec("mlp"), module, num_classes=2, in_channels=1, image_size=2)
    assert summary.line == "mlp · image · 10 parameters (10 trainable) · input 1×2×2 → 2 classes"
    assert summarize(get_spec("mlp"), module).line == "mlp · image · 10 parameters (10 trainable)"


def test_count_parameters_counts_trainable_separately() -> None:
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    model[0].requires_grad_(False)
    assert count_parameters(model) == (26, 10)


@pytest.mark.parametrize("spec", list_specs(), ids=lambda s: s.name)
def test_describe_matches_a_real_build(spec: ArchitectureSpec) -> None:
    kwargs = {"in_channels": 1, "image_size": spec.input_size, "vocab_size": 300}
    described = describe(spec, 5, **kwargs)
    built = summarize(spec, spec.build(5, **kwargs))
    assert described == built


def test_describe_passes_options_and_does_not_allocate_weights(monkeypatch) -> None:
    spec = get_spec("small_cnn")
    assert describe(spec, 2, width=8).parameters < describe(spec, 2).parameters
    built = []
    original = spec.build

    def spy(*args, **kwargs):
        module = original(*args, **kwargs)
        built.append(next(module.parameters()).device.type)
        return module

    monkeypatch.setattr(type(spec), "build", lambda self, *a, **k: spy(*a, **k))
    describe(spec, 2)
    assert built == ["meta"]
