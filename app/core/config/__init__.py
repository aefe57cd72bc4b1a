"""Settings and their schema: ``Param`` (one parameter type) and ``RunConfig`` (a run).

The lowest layer above ``app.core.errors``: the engine, the palette, datasets and the window
all read these records. No torch, no Qt.
"""

from app.core.config._param import ColumnRef, InvalidValue, Param, fmt
from app.core.config._run_config import RunConfig, run_param, run_params
from app.core.config._sections import (
    DEVICE_PATTERN,
    MONITORS,
    OPTIMIZERS,
    SCHEDULERS,
    SECTIONS,
    DataConfig,
    ModelConfig,
    RuntimeConfig,
    TrainingConfig,
    params,
)
from app.core.config._upgrade import CONFIG_VERSION, VERSION_KEY, stored_version, upgrade_config

__all__ = [
    "CONFIG_VERSION", "DEVICE_PATTERN", "MONITORS", "OPTIMIZERS", "SCHEDULERS", "SECTIONS",
    "VERSION_KEY", "ColumnRef", "DataConfig", "InvalidValue", "ModelConfig", "Param",
    "RunConfig", "RuntimeConfig", "TrainingConfig", "fmt", "params", "run_param",
    "run_params", "stored_version", "upgrade_config",
]
