"""What a run ran on: library versions, Python, platform and hardware, for the catalog."""

from __future__ import annotations

import os
import platform
import socket
import sys
from importlib import metadata
from typing import Any

import app

_LIBRARIES = ("torch", "torchvision", "torchmetrics", "numpy", "pillow", "safetensors",
              "sqlite-utils")


def environment(device_label: str = "",
                distributed: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON-able snapshot; cheap enough to take at the start of every run.

    ``distributed`` (world size, backend, every process's device and the hosts) is recorded
    for a run trained by several processes; a single-process run's record has no such key.
    """
    versions = {}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    info: dict[str, Any] = {
        "modeldesk": app.__version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "hostname": socket.gethostname(),
        "cpu_count": os.cpu_count(),
        "libraries": versions,
        "device": device_label,
    }
    if distributed is not None:
        info["distributed"] = distributed
    torch = sys.modules.get("torch")
    if torch is not None:
        info["torch_threads"] = torch.get_num_threads()
        info["cuda"] = torch.version.cuda if torch.cuda.is_available() else None
        if torch.cuda.is_available():
            info["gpus"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return info
