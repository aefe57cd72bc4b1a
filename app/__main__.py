"""``python -m app``: the same as ``python main.py`` (how torchrun starts a launched run's
processes, wherever ModelDesk is installed)."""

import sys

from app.cli import main

sys.exit(main())
