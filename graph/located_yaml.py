"""YAML read with the line of every key and item, so that each error can name its line.

Mappings become ``LocatedMap`` (a dict) and sequences ``LocatedList`` (a list); both keep the
1-based line of the node and of each key or item. Anchors, aliases and merge keys (``<<``) work as
in PyYAML's safe loader; a key written twice in one mapping is kept as a problem instead of
silently dropping the first value. Dates stay strings (``2017-05-21``): the schema checks them.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import AnnotationError, BuildError, Location

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
MERGE_TAG = "tag:yaml.org,2002:merge"


class LocatedMap(dict):
    """A YAML mapping with ``line`` (its own), ``lines`` (each key's) and ``duplicates``."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[object, int] = {}
        self.duplicates: list[tuple[object, int]] = []


class LocatedList(list):
    """A YAML sequence with ``line`` (its own) and ``lines`` (each item's)."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(loader: _Loader, node: yaml.MappingNode):
    data = LocatedMap()
    data.line = _line(node)
    yield data
    own = [key.value for key, _ in node.value if key.tag != MERGE_TAG]
    loader.flatten_mapping(node)
    merged = len(node.value) - len(own)
    seen: set = set()
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        if index >= merged and key in seen:
            data.duplicates.append((key, _line(key_node)))
        if index >= merged:
            seen.add(key)
        data[key] = loader.construct_object(value_node, deep=True)
        data.lines[key] = _line(key_node)


def _sequence(loader: _Loader, node: yaml.SequenceNode):
    data = LocatedList()
    data.line = _line(node)
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.lines.append(_line(item))


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)


def load_located(text: str) -> object:
    """Parse YAML text into located mappings and sequences (and plain scalars)."""
    return yaml.load(text, Loader=_Loader)


def read_located(path: Path) -> object:
    """Read a YAML file; an unreadable or malformed file is one error naming its line."""
    try:
        return load_located(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 0
        where = Location(str(path), line)
        raise AnnotationError(where, f"malformed YAML: {error.problem}") from error
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise BuildError(f"{path}: cannot read: {error}") from error
