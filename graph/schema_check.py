"""Checking a located YAML document against a JSON Schema (validated with ``jsonschema``).

Every error becomes one ``AnnotationError`` at ``file:line: entry``: an unknown key is named on
its own line with the closest allowed key ("did you mean ...") and the allowed keys; a value
outside an enumeration gets the closest allowed value, the allowed values, and, when it is a term
of another kind (an event class given as an entity type), what it is.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.exceptions import best_match

from .errors import AnnotationError, Location
from .located_yaml import LocatedList, LocatedMap
from .terms import OntologyTerms

TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "boolean": "true or false",
    "number": "a number",
    "null": "nothing",
}
MAX_LISTED = 40


def _python_type(value: object) -> str:
    for name, kind in (("a mapping", dict), ("a list", list), ("true or false", bool)):
        if isinstance(value, kind):
            return name
    return {str: "a string", int: "an integer", float: "a number"}.get(type(value), "nothing")


# The stubs type an error's keyword value, instance and schema as possibly unset (a hand-made
# error); validation sets all three. The value and the instance are JSON data, hence Any.
def _keyword_value(error: ValidationError) -> Any:
    value: Any = error.validator_value
    return value


def _instance(error: ValidationError) -> Any:
    instance: Any = error.instance
    return instance


def _schema(error: ValidationError) -> Mapping[str, Any]:
    """The schema holding the failed keyword: a mapping for every keyword explained here."""
    return error.schema if isinstance(error.schema, Mapping) else {}


def _name(item: object, index: int) -> str:
    """How an entry of a list is named in a location: its id, its triple, its kind, or #n."""
    if isinstance(item, dict):
        if isinstance(item.get("id"), str):
            return item["id"]
        if "subject" in item:
            return " ".join(str(item.get(key, "?")) for key in ("subject", "property", "object"))
        for key in ("kind", "event"):
            if isinstance(item.get(key), str):
                return item[key]
    if isinstance(item, list) and item and isinstance(item[0], str):
        return item[0]
    return f"#{index + 1}"


def locate(file: str, document: object, path: list) -> Location:
    """The location of the value at ``path`` in a located document."""
    parts: list[str] = []
    node, line = document, getattr(document, "line", 1)
    for step in path:
        if isinstance(node, LocatedMap) and step in node:
            line = node.lines.get(step, line)
            parts.append(f".{step}" if parts else str(step))
        elif isinstance(node, LocatedList) and isinstance(step, int) and step < len(node):
            line = node.lines[step]
            parts.append(f"[{_name(node[step], step)}]")
        else:
            break
        node = node[step]
    return Location(file, line, "".join(parts))


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED])
    return shown + (f", … ({len(names)} in all)" if len(names) > MAX_LISTED else "")


def _suggestion(value: object, allowed: list[str]) -> str:
    """The closest allowed name: a near spelling, or the one name that contains the value."""
    text = str(value)
    close = difflib.get_close_matches(text, allowed, n=1, cutoff=0.6)
    if not close and len(text) >= 3:
        close = [name for name in allowed if text.lower() in name.lower()]
    return f"; did you mean {close[0]!r}?" if len(close) == 1 else ""


class SchemaChecker:
    """Checks documents against one schema; ``terms`` say what a misplaced term is."""

    def __init__(self, schema: dict, terms: OntologyTerms | None = None) -> None:
        Draft202012Validator.check_schema(schema)
        self.validator = Draft202012Validator(schema, format_checker=FormatChecker())
        self.terms = terms

    def errors(self, file: str, document: object) -> list[AnnotationError]:
        """Every schema error of ``document`` (plus keys written twice), each located."""
        found = list(self._duplicates(file, document))
        for error in self.validator.iter_errors(document):
            found.extend(self._explain(file, document, error))
        return found

    def _duplicates(self, file: str, root: object) -> Iterator[AnnotationError]:
        stack: list[tuple[object, tuple]] = [(root, ())]
        while stack:
            node, path = stack.pop()
            if isinstance(node, LocatedMap):
                entry = locate(file, root, list(path)).entry
                for key, line in node.duplicates:
                    yield AnnotationError(
                        Location(file, line, f"{entry}.{key}" if entry else str(key)),
                        "key written twice: the first value would be lost",
                    )
                stack += [(child, (*path, key)) for key, child in node.items()]
            elif isinstance(node, LocatedList):
                stack += [(child, (*path, index)) for index, child in enumerate(node)]

    def _explain(
        self, file: str, document: object, error: ValidationError
    ) -> Iterator[AnnotationError]:
        path = list(error.absolute_path)
        where = locate(file, document, path)
        if error.validator in ("anyOf", "oneOf"):
            yield from self._explain_choice(file, document, error, where)
        elif error.validator == "additionalProperties":
            yield from self._unknown_keys(file, document, error, path)
        elif error.validator == "required":
            missing = [key for key in _keyword_value(error) if key not in _instance(error)]
            for key in missing:
                yield AnnotationError(where, f"missing key {key!r}")
        elif error.validator == "enum":
            yield AnnotationError(where, self._enum_message(error))
        elif error.validator == "type":
            expected = _keyword_value(error)
            names = [TYPE_NAMES[t] for t in ([expected] if isinstance(expected, str) else expected)]
            yield AnnotationError(
                where, f"expected {' or '.join(names)}, got {_python_type(error.instance)}"
            )
        elif error.validator == "dependentRequired":
            for key, needed in _keyword_value(error).items():
                if key in _instance(error):
                    wanted = ", ".join(repr(n) for n in needed if n not in _instance(error))
                    yield AnnotationError(where.at(key), f"{key!r} needs {wanted}")
        else:
            described = error.schema.get("description") if isinstance(error.schema, dict) else None
            detail = f"expected {described}" if described else error.message
            yield AnnotationError(where, f"{detail}, got {error.instance!r}")

    def _explain_choice(
        self, file: str, document: object, error: ValidationError, where: Location
    ) -> Iterator[AnnotationError]:
        """An anyOf: explain the alternative the value was meant for, or say what is expected."""
        if all(sub.validator == "required" for sub in error.context):
            keys = ", ".join(sorted({k for sub in error.context for k in _keyword_value(sub)}))
            yield AnnotationError(where, f"give one of {keys}")
            return
        in_list = isinstance(error.instance, list)
        meant = [s for s in error.context if s.validator != "type" and bool(s.path) == in_list]
        for sub in meant if in_list else [best_match(meant)] if meant else []:
            yield from self._explain(file, document, sub)
        if meant:
            return
        yield AnnotationError(
            where,
            f"expected {_schema(error).get('description', 'another value')}, "
            f"got {_python_type(error.instance)}",
        )

    def _unknown_keys(
        self, file: str, document: object, error: ValidationError, path: list
    ) -> Iterator[AnnotationError]:
        allowed = sorted(_schema(error).get("properties", {}))
        for key in _instance(error):
            if key in allowed:
                continue
            where = locate(file, document, [*path, key])
            yield AnnotationError(
                where,
                f"unknown key {key!r}{_suggestion(key, allowed)} "
                f"(allowed here: {_listed(allowed)})",
            )

    def _enum_message(self, error: ValidationError) -> str:
        value, allowed = error.instance, list(_keyword_value(error))
        what = _schema(error).get("description", "an allowed value")
        kind = self.terms.kind_of(value) if self.terms and isinstance(value, str) else None
        because = f" ({value!r} is {kind})" if kind else ""
        return (
            f"{value!r} is not {what}{because}{_suggestion(value, allowed)} "
            f"(allowed: {_listed(allowed)})"
        )
