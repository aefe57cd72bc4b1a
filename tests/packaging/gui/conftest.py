"""The GUI suite's fixtures (real window, isolated settings and catalog, loud failures)."""

from tests.gui.conftest import (  # noqa: F401 - re-exported for pytest
    _isolated_qsettings,
    _no_background_work_left,
    queue,
    settings,
    state,
    window,
)
