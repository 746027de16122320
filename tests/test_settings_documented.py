"""Every declared setting is in the README's settings table, with its variable and default."""

from __future__ import annotations

from pathlib import Path

import pytest

from homs_kg.server.settings import FLAGS, SETTINGS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_setting_is_documented(name: str) -> None:
    setting = SETTINGS[name]
    default = setting.default
    default = f"`{' '.join(default) if isinstance(default, tuple) else default}`"
    default = "(none)" if default == "``" else default
    flag = f"`{setting.flag}`" if setting.flag else "(environment only)"
    row = f"| {flag} | `{setting.envvar}` | {default} | {setting.help} |"
    assert row in README


def test_readme_documents_no_unknown_setting() -> None:
    documented = [line for line in README.splitlines() if line.startswith("| `--")]
    assert len(documented) == len(FLAGS)
