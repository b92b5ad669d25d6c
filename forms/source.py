"""YAML and JSON sources turned into plain data plus a map from paths to lines."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from forms.errors import FormError

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """Render ("fields", 3, "choices") as ``fields[3].choices``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


class LineMap:
    """Remembers the line of every mapping key and list item of a YAML document."""

    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}

    def line(self, path: Path) -> int | None:
        """Line of the longest known prefix of ``path`` (None for JSON sources)."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return None


def _scalar(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    value = loader.construct_object(node, deep=True)
    if isinstance(value, dt.datetime | dt.date):
        # YAML would turn 2024-03-05 into a date object; forms want ISO text.
        return value.isoformat()
    if isinstance(value, bytes | set):
        raise TypeError("binary and set values are not allowed")
    return value


def _walk(loader: yaml.SafeLoader, node: yaml.Node, path: Path, lines: LineMap, source: str) -> Any:
    lines.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise FormError(
                    "keys must be plain text", file=source, path=format_path(path), line=key_line
                )
            key = str(loader.construct_object(key_node))
            here = (*path, key)
            if key in out:
                raise FormError(
                    f"duplicate key '{key}' (each key may appear once)",
                    file=source,
                    path=format_path(here),
                    line=key_line,
                )
            lines.lines[here] = key_line
            out[key] = _walk(loader, value_node, here, lines, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _walk(loader, item, (*path, index), lines, source)
            for index, item in enumerate(node.value)
        ]
    assert isinstance(node, yaml.ScalarNode)
    try:
        return _scalar(loader, node)
    except (TypeError, yaml.YAMLError) as exc:
        raise FormError(
            f"unsupported value ({exc})",
            file=source,
            path=format_path(path),
            line=node.start_mark.line + 1,
        ) from None


def parse_yaml(text: str, source: str) -> tuple[Any, LineMap]:
    """Parse YAML with the safe loader, keeping lines; aliases and tags stay inert."""
    lines = LineMap()
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise FormError("the file is empty (expected a YAML mapping)", file=source, line=1)
        data = _walk(loader, node, (), lines, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or "syntax error"
        raise FormError(
            f"not valid YAML: {problem} (expected a YAML mapping)", file=source, line=line
        ) from None
    except yaml.YAMLError:
        raise FormError("not valid YAML (expected a YAML mapping)", file=source) from None
    finally:
        loader.dispose()
    return data, lines


def parse_json(data: bytes | str, source: str) -> tuple[Any, LineMap]:
    """Parse JSON; positions are not tracked, so errors carry no line."""
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise FormError("not valid JSON (expected a JSON object)", file=source, line=line) from None
    return value, LineMap()


_UNION_TAGS = frozenset({"str", "int", "bool", "float", "list", "dict", "none"})


def _is_union_tag(part: str | int) -> bool:
    return isinstance(part, str) and ("[" in part or part in _UNION_TAGS)


def _allowed_keys(model: type[BaseModel], loc: Path) -> list[str]:
    """Keys allowed at ``loc`` (the mapping that holds an unknown key)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or _is_union_tag(part):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            if info is None:
                return []
            current = _model_in(info.annotation)
        else:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def schema_error(
    exc: ValidationError, model: type[BaseModel], source: str, lines: LineMap
) -> FormError:
    """Turn the most telling pydantic error into a FormError with file, path and line."""
    errors = exc.errors(include_url=False)
    first = errors[0]

    def clean(loc: tuple[Any, ...]) -> Path:
        return tuple(part for part in loc if not _is_union_tag(part))

    tagged = next((i for i, p in enumerate(first["loc"]) if _is_union_tag(p)), None)
    if tagged is not None:
        prefix = first["loc"][:tagged]
        siblings = [e for e in errors if e["loc"][:tagged] == prefix]
        first = max(siblings, key=lambda e: len(e["loc"]))
    loc = clean(first["loc"])
    kind = first["type"]
    if kind == "extra_forbidden":
        key = loc[-1]
        allowed = _allowed_keys(model, loc[:-1])
        expected = f" (expected one of: {', '.join(allowed)})" if allowed else ""
        message = f"unknown key '{key}'{expected}"
    elif kind == "missing":
        message = f"missing required key '{loc[-1]}'"
    elif kind == "literal_error":
        message = f"'{first['input']}' is not allowed ({_lower(first['msg'])})"
    elif kind == "string_pattern_mismatch":
        message = f"'{first['input']}' is not allowed ({_lower(first['msg'])})"
    else:
        message = f"{_lower(first['msg'])}"
    if first["type"] == "bool_type" and isinstance(first.get("input"), str):
        message += " (quote nothing: write true or false)"
    return FormError(message, file=source, path=format_path(loc), line=lines.line(loc))


def _lower(text: str) -> str:
    text = text.replace("Input should be", "expected")
    return text[:1].lower() + text[1:]
