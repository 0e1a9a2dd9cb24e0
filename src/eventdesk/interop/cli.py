"""The ``import`` and ``export`` commands (registered by :func:`eventdesk.cli.build_parser`)."""
from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    """Add this room's commands to the ``eventdesk`` parser's subparsers."""
