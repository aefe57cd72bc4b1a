"""predict.py's pure-Python tokenizers give exactly ModelDesk's ids: the word tokenizer equals
``encode_texts``, the WordPiece one equals ``SubwordPreprocessing.encode`` (the ``tokenizers``
library) on real corpora, on tricky hand-made texts and on every Unicode code point."""

from __future__ import annotations

import json
import unicodedata

import numpy as np
import pytest

from app.core.datasets import SubwordPreprocessing, Vocabulary, verified_file
from app.core.datasets._tensors import encode_texts
from app.core.datasets._vocab import _TOKEN, tokenize
from app.core.export import _standalone_predict as predict
from tests.conftest import SAMPLES, SHARED_DATASETS
from tests.core.export.standalone.standalone_helpers import needs_minilm

TRICKY = [
    "", " ", "   \t\n\r ", "\u3000\u2028\u00a0", "Café naïve résumé façade", "ÀÉÎÕÜ Ångström",
    "e\u0301 combining accents a\u0308", "北京欢迎你", "日本語のテキストです。", "한국어 텍스트",
    "emoji 😀🎉👍🏽 family 👨‍👩‍👧 flag 🇫🇷", "!!!???...,,,;;;---___", "a--b__c//d\\\\e",
    "don't can't 'quoted' “curly” ‘single’", "x" * 5000, " ".join(["word"] * 600), "a" * 100,
    "a" * 101, "\x00\x01\x07 bell \x1b[31m escape", "zero\u200bwidth soft\u00adhyphen",
    "[CLS] [SEP] [MASK] written [PAD] in [UNK]", "foo[MASK]bar", "İstanbul ΣΊΣΥΦΟΣ straße ǅ",
    "ﬁ ligature ①② Ⅻ ｆｕｌｌｗｉｄｔｈ", "\ufeffbom \ufffd replacement", "nel\u0085line tab\tsep",
    "url http://example.com/a?b=c&d=%20 mail@x.org", "3.14 1,000 -5 1e10 $9.99 100%",
    "arabic مرحبا بالعالم hebrew שלום", "thai สวัสดีครับ devanagari नमस्ते", "Ωmega ΣΣ σς",
    "\U0001d400\U0001d401 math \U00020000 ext-b", "C1 controls \u0092 \u0094 I\u2018m",
    "mixed123numbers ABC123abc", "tab\t\tdouble  space   triple",
]


def corpus() -> list[str]:
    """topics.csv always; SMS spam and the sentiment sentences where ../shared is here."""
    texts = [line.rsplit(",", 1)[0] for line in
             (SAMPLES / "topics.csv").read_text(encoding="utf-8").split("\n")[1:] if line]
    sms = SHARED_DATASETS / "sms-spam-collection" / "SMSSpamCollection"
    if sms.exists():
        texts += [line.split("\t", 1)[1] for line in
                  sms.read_text(encoding="utf-8").split("\n") if "\t" in line]
        for name in ("amazon_cells_labelled", "imdb_labelled", "yelp_labelled"):
            path = SHARED_DATASETS / "sentiment-labelled-sentences" / f"{name}.txt"
            texts += [line.rsplit("\t", 1)[0] for line in
                      path.read_text(encoding="utf-8").split("\n") if line]
    return texts


def shared_corpus() -> list[str]:
    texts = corpus()
    if len(texts) < 1000:
        pytest.skip(f"{SHARED_DATASETS} is not here (it exists only beside the team's checkout)")
    return texts


def batches(texts: list[str], size: int = 32):
    for start in range(0, len(texts), size):
        yield texts[start:start + size]


def word_spec(vocab: Vocabulary, max_length: int) -> dict:
    return {"type": "words", "pattern": _TOKEN.pattern, "lowercase": True,
            "vocabulary": list(vocab.tokens), "pad_id": 0, "unknown_id": 1,
            "max_length": max_length}


def assert_words_match(texts: list[str], vocab: Vocabulary, max_length: int) -> None:
    mine = predict.WordTokenizer(word_spec(vocab, max_length))
    for batch in batches(texts):
        np.testing.assert_array_equal(mine.encode(batch),
                                      encode_texts(vocab, batch, max_length).numpy())


@pytest.mark.parametrize("max_length", [12, 64])
def test_word_tokenizer_equals_encode_texts_on_tricky_texts(max_length: int) -> None:
    texts = TRICKY + corpus()[:200]
    vocab = Vocabulary.build((tokenize(t) for t in texts[::2]), max_size=500)  # unknowns too
    assert_words_match(texts, vocab, max_length)


def test_word_tokenizer_equals_encode_texts_on_the_shared_corpora() -> None:
    texts = shared_corpus()
    vocab = Vocabulary.build((tokenize(t) for t in texts[::3]), min_freq=2, max_size=3000)
    assert_words_match(texts, vocab, 40)
    print(f"word tokenizer: {len(texts)} texts identical")


@pytest.fixture(scope="module")
def minilm_pair():
    from app.core.palette._packaged import MINILM_TOKENIZER, MINILM_VOCAB

    def pair(max_length: int):
        ours = SubwordPreprocessing(*MINILM_TOKENIZER, vocab_size=MINILM_VOCAB,
                                    max_length=max_length)
        data = json.loads(verified_file(*MINILM_TOKENIZER).read_text(encoding="utf-8"))
        return ours, predict.WordPieceTokenizer(data, max_length)

    return pair


def assert_wordpiece_matches(texts: list[str], ours, mine) -> None:
    for batch in batches(texts):
        np.testing.assert_array_equal(mine.encode(batch), ours.encode(batch).numpy(),
                                      err_msg=repr(batch))


@needs_minilm
@pytest.mark.parametrize("max_length", [1, 6, 128])
def test_wordpiece_equals_the_tokenizers_library_on_tricky_texts(minilm_pair, max_length) -> None:
    ours, mine = minilm_pair(max_length)
    assert_wordpiece_matches(TRICKY + corpus()[:100], ours, mine)
    for text in TRICKY:  # one at a time too: a batch's width hides nothing
        assert_wordpiece_matches([text], ours, mine)


@needs_minilm
def test_wordpiece_equals_the_tokenizers_library_on_the_shared_corpora(minilm_pair) -> None:
    texts = shared_corpus()
    ours, mine = minilm_pair(64)  # long SMS get cut, keeping their [SEP]
    assert_wordpiece_matches(texts, ours, mine)
    print(f"WordPiece: {len(texts)} texts identical")


@needs_minilm
def test_wordpiece_equals_the_tokenizers_library_on_every_code_point(minilm_pair) -> None:
    """Every assigned character (and every 61st unassigned one) alone, inside a word and after
    one: where Python's Unicode tables are newer than the library's, predict.py follows the
    library."""
    from tokenizers import Tokenizer

    from app.core.palette._packaged import MINILM_TOKENIZER

    library = Tokenizer.from_file(str(verified_file(*MINILM_TOKENIZER)))
    library.no_truncation()
    library.no_padding()
    _, mine = minilm_pair(128)
    codes = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF
             and (unicodedata.category(chr(c)) != "Cn" or c % 61 == 0)]
    texts = [f"a{chr(c)}b x{chr(c)} {chr(c)}" for c in codes]
    wrong = [hex(code) for code, text, want in zip(codes, texts, library.encode_batch(texts),
                                                   strict=True) if mine.ids(text) != want.ids]
    assert not wrong, f"{len(wrong)} code points differ, the first {wrong[:20]}"
