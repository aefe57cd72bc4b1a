"""Saliency for image models: Grad-CAM on the deepest spatial convolution (Captum's
``LayerGradCam``), integrated gradients on the pixels where there is no convolution (an MLP).

Grad-CAM (Selvaraju et al. 2017) weights the layer's channels by their mean gradient and keeps
the positive part: where the features that raised the class's score sit. It is coarse (the
layer's resolution, upsampled bilinearly) but cheap (one backward pass) and stable, unlike raw
pixel gradients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageOps

from app.core.datasets import ImagePreprocessing, encode_for_inference
from app.core.errors import ConfigError, DatasetError
from app.core.explain._layers import last_spatial_conv
from app.core.explain._records import Saliency
from app.core.explain._targets import Target, forward_scores, gradients_on, resolve_target
from app.core.models import ModelBundle

if TYPE_CHECKING:
    from pathlib import Path

    import torch
    from torch import nn

IG_STEPS = 32


def explain_image(model: nn.Module, bundle: ModelBundle, image: str | Path | Image.Image,
                  target: Target = None) -> Saliency:
    """Where ``model`` looked in ``image`` to score ``target`` (the predicted class by default).

    The model must be in eval mode; it is not changed (hooks are removed afterwards), but it
    must not run elsewhere meanwhile (``Explainer`` holds a lock for that).

    Raises:
        DatasetError: the image cannot be read.
        ConfigError: a text model, or an unknown target class.
    """
    import torch
    from captum.attr import IntegratedGradients, LayerAttribution, LayerGradCam

    if not isinstance(bundle.preprocessing, ImagePreprocessing):
        raise ConfigError(f"{bundle.architecture} is a text model; explain_text explains it")
    with gradients_on():
        inputs = encode_for_inference(bundle.preprocessing, [image])  # names a bad file
        height, width = _shown_size(image)
        probabilities = forward_scores(model, inputs)
        index = resolve_target(target, bundle.class_names, probabilities)
        predicted = resolve_target(None, bundle.class_names, probabilities)
        layer = last_spatial_conv(model, inputs)
        if layer is not None:
            name, module = layer
            maps = LayerGradCam(model, module).attribute(inputs, target=index,
                                                         relu_attributions=True)
            method = f"Grad-CAM on {name} ({maps.shape[-2]}×{maps.shape[-1]} map)"
        else:
            pixels = IntegratedGradients(model).attribute(
                inputs, baselines=torch.zeros_like(inputs), target=index, n_steps=IG_STEPS)
            maps = pixels.abs().sum(dim=1, keepdim=True)
            method = "integrated gradients on the pixels (the model has no convolution)"
        upsampled = LayerAttribution.interpolate(maps.detach(), (height, width),
                                                 interpolate_mode="bilinear")
    return Saliency(heatmap=_unit(upsampled[0, 0]), target=bundle.class_names[index],
                    target_index=index, probability=float(probabilities[index]),
                    predicted=bundle.class_names[predicted], method=method)


def _unit(values: torch.Tensor) -> np.ndarray:
    """Scaled so the largest value is 1 (bilinear upsampling may undershoot 0: clipped)."""
    array = values.float().clamp(min=0).numpy().astype(np.float32)
    peak = float(array.max()) if array.size else 0.0
    return array / peak if peak > 0 else np.zeros_like(array)


def _shown_size(image: str | Path | Image.Image) -> tuple[int, int]:
    """``(height, width)`` of the image as a viewer shows it (EXIF orientation applied)."""
    if isinstance(image, Image.Image):
        return image.height, image.width
    try:
        with Image.open(image) as img:
            img = ImageOps.exif_transpose(img) or img
            return img.height, img.width
    except Exception as error:  # encode_for_inference read it; this is only its size
        raise DatasetError(f"cannot read {image} as an image ({error})") from None
