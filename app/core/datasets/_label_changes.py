"""A run's label changes: samples left out or relabelled, without touching the user's files.

"Check labels" finds likely mislabeled samples; the analyst excludes them or records a
corrected label. Those decisions travel in the run's config (``label_changes``: sample id →
the corrected class name, or ``false`` to leave the sample out), so the config stays the
whole recipe and Reproduce replays them. They are applied here, right after loading and
before splitting. The changed dataset gets the fingerprint of what it now holds (content and
label pairs, as every dataset's), so the feature and image caches, resume and reproduce never
mistake it for the unchanged files.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING

from app.core.datasets._hashing import fingerprint
from app.core.datasets._load import load_dataset
from app.core.datasets._names import shown
from app.core.datasets._records import Dataset, DuplicateGroup, SkippedSample, TableOptions
from app.core.errors import ConfigError

if TYPE_CHECKING:
    from app.core.config import DataConfig

EXCLUDED = False
"""The ``label_changes`` value that leaves a sample out of the run."""

_KEY = "label_changes"


def load_for_run(data: DataConfig, *, where: str = "") -> Dataset:
    """The dataset a run's data section describes: its files read with its table options,
    then its ``label_changes`` applied."""
    dataset = load_dataset(data.dataset, TableOptions.from_config(data))
    return apply_label_changes(dataset, data.label_changes, where=where)


def apply_label_changes(dataset: Dataset, changes: Mapping[str, object] | None, *,
                        where: str = "") -> Dataset:
    """``dataset`` with ``changes`` applied (the same object when there are none).

    Raises:
        ConfigError: a sample id is not in the dataset any more, or a new label is not one
            of its classes; the message names the sample id.
    """
    if not changes:
        return dataset
    prefix = f"{where}: " if where else ""
    position = {sample_id: i for i, sample_id in enumerate(dataset.sample_ids)}
    names = dataset.class_names
    labels = list(dataset.labels)
    dropped: set[int] = set()
    for sample_id, value in changes.items():
        index = position.get(str(sample_id))
        if index is None:
            raise ConfigError(
                f"{prefix}{_KEY}: sample {sample_id!r} is not in {shown(dataset.path)} any "
                "more (the file changed or was read with other table options); remove it "
                "from label_changes or check the labels again", fields=(_KEY,))
        if value is EXCLUDED:
            dropped.add(index)
            continue
        label = str(value) if isinstance(value, str | int) and value is not True else None
        if label not in names:
            raise ConfigError(
                f"{prefix}{_KEY}: sample {sample_id!r} is given the label {value!r}, which is "
                f"not a class of {shown(dataset.path)} ({', '.join(names)}); use one of "
                "them, or false to leave the sample out", fields=(_KEY,))
        labels[index] = names.index(label)
    return _rebuilt(dataset, [i for i in range(len(labels)) if i not in dropped], labels)


def _rebuilt(dataset: Dataset, kept: list[int], labels: list[int]) -> Dataset:
    names = dataset.class_names
    hashes = tuple(dataset.content_hashes[i] for i in kept)
    ids = tuple(dataset.sample_ids[i] for i in kept)
    new_labels = tuple(labels[i] for i in kept)
    print_ = fingerprint((h, names[label]) for h, label in zip(hashes, new_labels, strict=True))
    counts = dict.fromkeys(names, 0)
    for label in new_labels:
        counts[names[label]] += 1
    left_out = sorted(set(range(len(labels))) - set(kept))
    skipped = dataset.report.skipped + tuple(
        SkippedSample(dataset.sample_ids[i], "left out by the run's label_changes")
        for i in left_out)
    report = dataclasses.replace(
        dataset.report, kept=len(kept), skipped=skipped, class_counts=counts,
        fingerprint=print_,
        duplicates=_duplicates(hashes, ids, tuple(names[label] for label in new_labels)))
    return dataclasses.replace(
        dataset, labels=new_labels, sample_ids=ids, content_hashes=hashes,
        texts=tuple(dataset.texts[i] for i in kept) if dataset.texts is not None else None,
        files=tuple(dataset.files[i] for i in kept) if dataset.files is not None else None,
        fingerprint=print_, report=report)


def _duplicates(hashes: tuple[str, ...], ids: tuple[str, ...],
                labels: tuple[str, ...]) -> tuple[DuplicateGroup, ...]:
    members: dict[str, list[int]] = defaultdict(list)
    for i, content_hash in enumerate(hashes):
        members[content_hash].append(i)
    return tuple(DuplicateGroup(content_hash, tuple(ids[i] for i in group),
                                tuple(labels[i] for i in group))
                 for content_hash, group in members.items() if len(group) > 1)
