"""Runtime hook of the lean flavour: run on the CPU even where an NVIDIA GPU is present.

The lean bundle drops the cuDNN kernels and cuSOLVER (packaging/flavours.py), so a GPU run
would fail at its first convolution. Hiding the GPUs makes torch report no CUDA device and the
app picks the CPU; workstations with a GPU install the GPU flavour instead. Set
MODELDESK_LEAN_ALLOW_GPU=1 to skip this (for experiments with a partial CUDA stack only).
"""

import os

if not os.environ.get("MODELDESK_LEAN_ALLOW_GPU"):
    os.environ["CUDA_VISIBLE_DEVICES"] = ""
