"""Why a model decides: saliency maps for image models, token attributions for text models.

Computed with Captum (Grad-CAM, integrated gradients), never with hand-written gradients.
Importing this package does not import torch or captum; explaining does.
"""

from app.core.explain._explainer import Explainer, clear_explainer_cache, load_explainer
from app.core.explain._image import explain_image
from app.core.explain._layers import last_spatial_conv, token_embedding
from app.core.explain._records import Saliency, TokenAttributions
from app.core.explain._targets import Target
from app.core.explain._text import explain_text

__all__ = [
    "Explainer", "Saliency", "Target", "TokenAttributions", "clear_explainer_cache",
    "explain_image", "explain_text", "last_spatial_conv", "load_explainer", "token_embedding",
]
