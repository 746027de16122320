"""Every command of homs-kg (as ``homs-kg --help`` lists them) is in the README's command table,
and the table names no other."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from homs_kg.server.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def command_paths(group: click.Group, prefix: str = "") -> list[str]:
    """The commands of a group as typed after homs-kg ('link wikidata' for a subcommand)."""
    paths = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            paths += command_paths(command, f"{prefix}{name} ")
        else:
            paths.append(prefix + name)
    return paths


def documented_commands() -> list[str]:
    """The commands of the README's table: the lower-case words after homs-kg in each row."""
    rows = re.findall(r"^\| `homs-kg ((?:[a-z]+ ?)+)", README, flags=re.MULTILINE)
    return [row.strip() for row in rows]


@pytest.mark.parametrize("command", command_paths(main))
def test_command_is_documented(command: str) -> None:
    assert command in documented_commands()


def test_readme_documents_no_unknown_command() -> None:
    assert sorted(documented_commands()) == sorted(command_paths(main))
