"""Subcommands that read reports: parse, map, eval."""

from __future__ import annotations

import argparse

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pass
