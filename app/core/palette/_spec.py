"""The architecture spec: a frozen description of a model that can build it on demand.

Specs are plain data so the GUI can list them, show their options and defaults and store them
in the catalog before torch is imported; ``build`` resolves the builder function (and so
imports torch) only when a model is actually wanted.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from app.core.config import InvalidValue, Param, fmt
from app.core.errors import ConfigError

from ._pretrained import Pretrained

if TYPE_CHECKING:
    from torch import nn

Kind = Literal["image", "text"]
KINDS: tuple[str, ...] = ("image", "text")
TRAINING_KEYS: tuple[str, ...] = ("epochs", "batch_size", "optimizer", "lr")


@dataclass(frozen=True)
class BuildInfo:
    """What a model was built for; kept on the module so summaries need only the module."""

    num_classes: int
    in_channels: int | None = None
    image_size: int | None = None
    vocab_size: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class ArchitectureSpec:
    """A model in the palette.

    Attributes:
        name: Registry key, lower case ("lenet5").
        kind: "image" (takes ``float[N, C, H, W]``) or "text" (takes ``LongTensor[N, L]``,
            pad id 0).
        description: One or two sentences for the model picker.
        input_size: Default image side in pixels, or default maximum number of tokens.
        training_defaults: ``epochs``, ``batch_size``, ``optimizer`` ("adam"|"adamw"|"sgd")
            and ``lr`` that suit small data on a CPU.
        hyperparams: The options ``build`` accepts, with defaults and bounds.
        head: Parameter-name prefixes of the classifier head (matched per dotted component):
            what ``freeze_backbone`` leaves trainable and what a different class count resizes.
        builder: ``"module:function"`` path, imported on first ``build``.
        min_input_size: Smallest image side (or token count) the architecture handles.
        pretrained: The packaged weights it starts from by default, or ``None``.
        blocks: Attribute path of the ordered backbone blocks (``"_blocks"``,
            ``"encoder.encoder.layer"``): what ``train_layers = "last_blocks"`` unfreezes
            from the end. ``None`` when the model has no such sequence.
    """

    name: str
    kind: Kind
    description: str
    input_size: int
    training_defaults: Mapping[str, Any] = field(hash=False)
    hyperparams: tuple[Param, ...]
    head: tuple[str, ...]
    builder: str
    min_input_size: int = 1
    pretrained: Pretrained | None = None
    blocks: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"spec {self.name!r}: kind must be one of {KINDS}")
        missing = [k for k in TRAINING_KEYS if k not in self.training_defaults]
        if missing:
            raise ValueError(f"spec {self.name!r}: training_defaults lacks {missing}")
        # Read-only view so a caller cannot change the defaults every later run sees.
        object.__setattr__(
            self, "training_defaults", MappingProxyType(dict(self.training_defaults))
        )
        # Options are grouped under their architecture (forms, search spaces).
        object.__setattr__(self, "hyperparams", tuple(
            p if p.group else dataclasses.replace(p, group=self.name) for p in self.hyperparams))

    @property
    def option_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.hyperparams)

    def hyperparam(self, name: str) -> Param:
        """The option called ``name``; ``ConfigError`` listing the valid ones otherwise."""
        for param in self.hyperparams:
            if param.name == name:
                return param
        raise self._unknown_options([name])

    def options_with_defaults(self, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Every option of this spec: the validated given values, defaults for the rest.

        This is the dict to store with a run so it can be rebuilt exactly later.
        """
        options = dict(options or {})
        unknown = [k for k in options if k not in self.option_names]
        if unknown:
            raise self._unknown_options(unknown)
        return {p.name: self._validate_option(p, options[p.name]) if p.name in options
                else p.default for p in self.hyperparams}

    def _validate_option(self, param: Param, value: Any) -> Any:
        """``param.validate`` with the error naming ``model_options.<name>`` as its field."""
        try:
            return param.validate(value, where=f"model {self.name!r}")
        except InvalidValue as error:
            error.fields = (f"model_options.{param.name}",)
            raise

    def build(
        self,
        num_classes: int,
        *,
        in_channels: int = 3,
        image_size: int | None = None,
        vocab_size: int | None = None,
        **options: Any,
    ) -> nn.Module:
        """Build a freshly initialised model (seed with ``torch.manual_seed`` to repeat it).

        Image specs use ``in_channels`` and ``image_size`` (default ``input_size``) and ignore
        ``vocab_size``; text specs need ``vocab_size`` (ids ``0..vocab_size-1``, 0 is padding)
        and ignore the image arguments, so callers may pass all of them regardless of kind.
        Raises ``ConfigError`` for unknown options or values out of range.
        """
        resolved = self.options_with_defaults(options)
        num_classes = self._check_int("num_classes", num_classes, low=2)
        function = self._resolve_builder()
        if self.kind == "image":
            in_channels = self._check_int("in_channels", in_channels, low=1, high=16)
            size = self.input_size if image_size is None else image_size
            size = self._check_int("image_size", size, low=self.min_input_size, high=1024)
            module = function(num_classes, in_channels=in_channels, image_size=size, **resolved)
            info = BuildInfo(num_classes, in_channels=in_channels, image_size=size)
        else:
            if vocab_size is None:
                raise ConfigError(f"model {self.name!r} needs the vocabulary size to be built")
            vocab_size = self._check_int("vocab_size", vocab_size, low=2)
            module = function(num_classes, vocab_size=vocab_size, **resolved)
            max_length = resolved.get("max_length")  # only models with a position limit
            info = BuildInfo(num_classes, vocab_size=vocab_size, max_length=max_length)
        # A plain attribute: not a parameter or buffer, so state dicts are unaffected.
        module.palette_build = info
        return module

    def _resolve_builder(self) -> Callable[..., nn.Module]:
        module_name, _, function_name = self.builder.partition(":")
        return getattr(importlib.import_module(module_name), function_name)

    def _check_int(self, what: str, value: Any, *, low: int, high: int | None = None) -> int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and value >= low and (high is None or value <= high):
            return value
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(
            f"model {self.name!r}: {what} must be a whole number {bound}, got {fmt(value)}"
        )

    def _unknown_options(self, unknown: list[str]) -> ConfigError:
        valid = ", ".join(self.option_names) or "none"
        names = ", ".join(repr(k) for k in unknown)
        noun = "option" if len(unknown) == 1 else "options"
        return ConfigError(f"model {self.name!r} has no {noun} {names}; valid options: {valid}",
                           fields=tuple(f"model_options.{k}" for k in unknown))
