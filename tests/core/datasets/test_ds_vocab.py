"""Tokenizer and vocabulary: deterministic ids, specials, truncation, round trip."""

from __future__ import annotations

import json

import pytest

from app.core.datasets import PAD_ID, UNK_ID, Vocabulary, tokenize


def test_tokenize_lowercases_words_and_punctuation() -> None:
    assert tokenize("Don't STOP, me now!") == ["don't", "stop", ",", "me", "now", "!"]
    assert tokenize("Café naïve Straße 42") == ["café", "naïve", "straße", "42"]
    assert tokenize("   ") == []


def test_build_orders_by_frequency_then_token() -> None:
    vocab = Vocabulary.build([["b", "a", "c"], ["b", "a"], ["b", "d"]])
    assert vocab.tokens == ("<pad>", "<unk>", "b", "a", "c", "d")
    assert vocab.id_of("<pad>") == PAD_ID == 0 and vocab.id_of("<unk>") == UNK_ID == 1


def test_min_freq_and_max_size() -> None:
    lists = [["x", "y", "z"], ["x", "y"], ["x"]]
    assert Vocabulary.build(lists, min_freq=2).tokens == ("<pad>", "<unk>", "x", "y")
    assert Vocabulary.build(lists, max_size=3).tokens == ("<pad>", "<unk>", "x")
    with pytest.raises(ValueError, match="min_freq"):
        Vocabulary.build(lists, min_freq=0)


def test_encode_truncates_and_maps_unknown_tokens() -> None:
    vocab = Vocabulary.build([tokenize("the cat sat")])
    assert vocab.encode("The dog sat on the cat", max_length=4) == [
        vocab.id_of("the"), UNK_ID, vocab.id_of("sat"), UNK_ID,
    ]
    assert vocab.encode("", max_length=4) == []


def test_round_trip_through_json() -> None:
    vocab = Vocabulary.build([tokenize("one two two three three three")])
    restored = Vocabulary.from_dict(json.loads(json.dumps(vocab.to_dict())))
    assert restored == vocab and restored.encode("three one", 5) == vocab.encode("three one", 5)


def test_invalid_vocabulary_rejected() -> None:
    with pytest.raises(ValueError, match="must start with"):
        Vocabulary(["a", "b"])
