"""prepare_data and encode_for_inference: tensors, statistics, caching, train-only vocab."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from ds_files import image_bytes, write
from PIL import Image

from app.core.datasets import (
    UNK_ID,
    ImagePreprocessing,
    Split,
    TextPreprocessing,
    Vocabulary,
    decode_count,
    encode_for_inference,
    load_dataset,
    prepare_data,
    preprocessing_from_json,
    split_dataset,
)
from app.core.errors import ConfigError


def test_image_tensors_shapes_and_types(make_images) -> None:
    dataset = load_dataset(make_images({"a": 6, "b": 4}))
    split = split_dataset(dataset, 0.2, 0.2, seed=0)
    data = prepare_data(dataset, split, image_size=12)
    assert data.kind == "image" and data.class_names == ("a", "b")
    assert data.train.inputs.dtype == torch.uint8
    assert data.train.inputs.shape == (len(split.train), 3, 12, 12)
    assert data.train.labels.dtype == data.train.indices.dtype == torch.int64
    assert data.test.indices.tolist() == list(split.test)
    assert data.test.labels.tolist() == [dataset.labels[i] for i in split.test]
    assert (data.in_channels, data.image_size, data.vocab_size) == (3, 12, None)
    assert data.preprocessing.kind == "image" and data.preprocessing.channels == 3


def test_grayscale_dataset_gets_one_channel(make_images) -> None:
    dataset = load_dataset(make_images({"a": 3, "b": 3}, mode="L"))
    split = split_dataset(dataset, 0.0, 0.0, seed=0)
    assert prepare_data(dataset, split, image_size=8).in_channels == 1
    assert prepare_data(dataset, split, image_size=8, channels=3).train.inputs.shape[1] == 3


def test_mixed_modes_get_three_channels(image_folder: Path) -> None:
    dataset = load_dataset(image_folder)
    data = prepare_data(dataset, split_dataset(dataset, 0.0, 0.0, 0), image_size=8)
    assert data.in_channels == 3


def test_rgba_is_composited_on_white(tmp_path: Path) -> None:
    root = tmp_path / "alpha"
    write(root / "a" / "clear.png", image_bytes("RGBA", (255, 0, 0, 0)))
    write(root / "a" / "half.png", image_bytes("RGBA", (0, 0, 0, 128)))
    write(root / "b" / "gray.png", image_bytes("L", 50))
    write(root / "b" / "gray2.png", image_bytes("L", 60))
    dataset = load_dataset(root)
    data = prepare_data(dataset, split_dataset(dataset, 0.0, 0.0, 0), image_size=4)
    by_id = dict(zip(dataset.sample_ids, data.train.inputs, strict=True))
    assert by_id["a/clear.png"].unique().tolist() == [255]
    assert by_id["a/half.png"].unique().tolist() == [127]
    assert by_id["b/gray.png"].unique().tolist() == [50]


def test_second_prepare_decodes_nothing(make_images) -> None:
    dataset = load_dataset(make_images({"a": 5, "b": 5}, name="cached"))
    before = decode_count()
    first = prepare_data(dataset, split_dataset(dataset, 0.2, 0.2, seed=0), image_size=10)
    assert decode_count() - before == 10
    second = prepare_data(dataset, split_dataset(dataset, 0.3, 0.2, seed=7), image_size=10)
    assert decode_count() - before == 10
    assert first.preprocessing.image_size == second.preprocessing.image_size
    prepare_data(dataset, split_dataset(dataset, 0.2, 0.2, seed=0), image_size=11)
    assert decode_count() - before == 20  # another size is another decode


def test_mean_and_std_come_from_train_only(tmp_path: Path) -> None:
    root = tmp_path / "levels"
    for i, value in enumerate((10, 20, 30)):
        write(root / "a" / f"{i}.png", image_bytes("RGB", (value,) * 3))
        write(root / "b" / f"{i}.png", image_bytes("RGB", (value + 100,) * 3))
    dataset = load_dataset(root)
    brightest = dataset.sample_ids.index("b/2.png")
    train = tuple(i for i in range(len(dataset)) if i != brightest)
    data = prepare_data(dataset, Split(train, (brightest,), ()), image_size=4)
    pixels = data.train.inputs.double() / 255
    assert data.preprocessing.mean == pytest.approx([pixels.mean().item()] * 3)
    assert data.preprocessing.std == pytest.approx([pixels.std(unbiased=False).item()] * 3)
    assert data.preprocessing.mean[0] == pytest.approx((10 + 20 + 30 + 110 + 120) / 5 / 255)


def test_to_model_input_normalises(make_images) -> None:
    dataset = load_dataset(make_images({"a": 4, "b": 4}))
    data = prepare_data(dataset, split_dataset(dataset, 0.0, 0.0, 0), image_size=8)
    batch = data.to_model_input(data.train.inputs)
    assert batch.dtype == torch.float32
    assert batch.mean(dim=(0, 2, 3)).abs().max() < 1e-4
    assert (batch.std(dim=(0, 2, 3), unbiased=False) - 1).abs().max() < 1e-3


def test_inference_matches_training(image_folder: Path) -> None:
    dataset = load_dataset(image_folder)
    data = prepare_data(dataset, split_dataset(dataset, 0.0, 0.0, 0), image_size=8)
    files = list(dataset.files or ())
    expected = data.to_model_input(data.train.inputs)
    assert torch.allclose(encode_for_inference(data.preprocessing, files), expected)
    with Image.open(files[2]) as img:
        as_image = encode_for_inference(data.preprocessing, [img, str(files[3])])
    assert torch.allclose(as_image, expected[2:4])


def _texts(tmp_path: Path):
    rows = ["good fine\tpos", "nice good\tpos", "bad awful\tneg", "worse bad\tneg",
            "zebra unicorn\tpos", "!!!\tneg"]
    dataset = load_dataset(write(tmp_path / "t.tsv", "\n".join(rows)))
    return dataset, Split(train=(0, 1, 2, 3), val=(5,), test=(4,))


def test_text_vocab_from_train_only(tmp_path: Path) -> None:
    dataset, split = _texts(tmp_path)
    data = prepare_data(dataset, split, image_size=0, max_length=5)
    vocab = data.preprocessing.vocabulary
    assert "zebra" not in vocab and "good" in vocab
    assert data.test.inputs.tolist() == [[UNK_ID, UNK_ID, 0, 0, 0]]
    assert data.vocab_size == len(vocab) and data.in_channels is None
    assert data.train.inputs.dtype == torch.int64 and data.train.inputs.shape == (4, 5)
    assert data.preprocessing.to_json() == {
        "kind": "text", "max_length": 5, "vocab": vocab.to_dict(), "lowercase": True,
    }
    assert preprocessing_from_json(data.preprocessing.to_json()) == data.preprocessing


def test_text_rows_are_never_all_padding(tmp_path: Path) -> None:
    dataset, split = _texts(tmp_path)
    data = prepare_data(dataset, split, image_size=0, max_length=3)
    assert data.val.inputs.tolist() == [[UNK_ID] * 3]  # "!!!" never occurs in train
    for part in (data.train, data.val, data.test):
        assert bool((part.inputs != 0).any(dim=1).all())
    assert data.to_model_input(data.train.inputs) is data.train.inputs


def test_text_inference_uses_saved_vocab(tmp_path: Path) -> None:
    dataset, split = _texts(tmp_path)
    data = prepare_data(dataset, split, image_size=0, max_length=4)
    encoded = encode_for_inference(data.preprocessing, ["GOOD fine", "", "bad bad bad bad bad"])
    assert torch.equal(encoded[0], data.train.inputs[0])
    assert encoded[1].tolist() == [UNK_ID, 0, 0, 0]
    assert encoded.shape == (3, 4)


def test_invalid_arguments(make_images, tmp_path: Path) -> None:
    dataset = load_dataset(make_images({"a": 2, "b": 2}))
    split = split_dataset(dataset, 0.0, 0.0, 0)
    with pytest.raises(ConfigError, match="image_size"):
        prepare_data(dataset, split, image_size=0)
    with pytest.raises(ConfigError, match="channels"):
        prepare_data(dataset, split, image_size=4, channels=2)
    with pytest.raises(ConfigError, match="does not belong"):
        prepare_data(dataset, Split((0, 99), (), ()), image_size=4)
    texts, text_split = _texts(tmp_path)
    with pytest.raises(ConfigError, match="max_length"):
        prepare_data(texts, text_split, image_size=0, max_length=0)
    with pytest.raises(ValueError, match="unknown preprocessing kind"):
        preprocessing_from_json({"kind": "audio"})
    with pytest.raises(ValueError, match="mean/std"):
        preprocessing_from_json({"kind": "image", "image_size": 8, "channels": 3,
                                 "mean": [0.5], "std": [0.5]})


def test_a_fitted_preprocessing_is_reused_not_refitted(make_images, tmp_path: Path) -> None:
    """Fine-tuning encodes new data as the parent run did: its statistics, its vocabulary."""
    images = load_dataset(make_images({"a": 4, "b": 4}))
    parent = ImagePreprocessing(image_size=6, channels=1, mean=(0.5,), std=(0.25,))
    data = prepare_data(images, split_dataset(images, 0.0, 0.0, 0), image_size=99,
                        preprocessing=parent)
    assert data.preprocessing is parent and data.train.inputs.shape[1:] == (1, 6, 6)
    expected = (data.train.inputs[:1].float() / 255 - 0.5) / 0.25
    assert torch.allclose(data.to_model_input(data.train.inputs[:1]), expected)

    texts, split = _texts(tmp_path)
    vocabulary = Vocabulary(["<pad>", "<unk>", "zebra", "good"])
    reused = prepare_data(texts, split, max_length=3,
                          preprocessing=TextPreprocessing(vocabulary, 2))
    assert reused.vocab_size == 4 and reused.train.inputs.shape == (4, 2)
    assert reused.test.inputs.tolist() == [[2, UNK_ID]]  # "zebra" is known to the parent
    with pytest.raises(ConfigError, match="cannot encode"):
        prepare_data(texts, split, preprocessing=parent)
