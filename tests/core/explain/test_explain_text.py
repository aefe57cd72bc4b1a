"""Token attributions name the word that decides the class, for trained word-level models."""

from __future__ import annotations

import pytest
from factories import DECISIVE_TOKENS, write_decisive_token_table

from app.core.analysis import test_results
from app.core.catalog import Catalog
from app.core.errors import ConfigError
from app.core.explain import Explainer, TokenAttributions
from tests.core.inference.inference_runs import train


@pytest.fixture(scope="module")
def text_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, dict[str, int]]:
    root = tmp_path_factory.mktemp("explain-text")
    table = write_decisive_token_table(root / "decisive.csv", rows_per_class=40)
    catalog = Catalog(root / "catalog.sqlite")
    runs = {model: train(catalog, table, model, epochs=4, lr=0.02)
            for model in ("bag_of_embeddings", "textcnn")}
    return catalog, runs


@pytest.mark.parametrize("model", ["bag_of_embeddings", "textcnn"])
def test_the_deciding_token_gets_the_top_attribution(text_runs, model: str) -> None:  # noqa: ANN001
    catalog, runs = text_runs
    results = test_results(catalog, runs[model])
    assert results.accuracy == 1.0
    explainer = Explainer.from_run(catalog, runs[model])
    for sample in results.samples:
        explained = explainer.explain(sample.text)
        assert isinstance(explained, TokenAttributions)
        assert explained.tokens == tuple(sample.text.split())
        assert explained.target == sample.predicted_label
        assert explained.top() == DECISIVE_TOKENS[sample.true_label], (
            sample.text, explained.scores)


def test_explaining_the_other_class_turns_the_deciding_token_against_it(text_runs) -> None:  # noqa: ANN001
    catalog, runs = text_runs
    explainer = Explainer.from_run(catalog, runs["bag_of_embeddings"])
    text = "we really zorp was quite"  # north's word
    for_north = explainer.explain(text)
    for_south = explainer.explain(text, target="south")
    assert (for_north.target, for_south.target) == ("north", "south")
    assert for_south.predicted == "north"
    zorp = for_north.tokens.index("zorp")
    assert for_north.scores[zorp] > 0 > for_south.scores[zorp]
    assert max(abs(s) for s in for_north.normalised()) == pytest.approx(1.0)


def test_unknown_words_are_marked_and_a_bad_class_is_named(text_runs) -> None:  # noqa: ANN001
    catalog, runs = text_runs
    explainer = Explainer.from_run(catalog, runs["bag_of_embeddings"])
    explained = explainer.explain("zorp blorfle")
    assert explained.known == (True, False)
    with pytest.raises(ConfigError, match="no class 'east'.*north, south"):
        explainer.explain("zorp", target="east")
