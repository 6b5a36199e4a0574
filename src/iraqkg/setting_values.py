"""Settings by name and as text: what ``--setting NAME=VALUE`` and ``iraqkg settings`` use.

Every field of a settings class (settings.py) can be named, whether or not a command has
an option of its own for it; a value is read from text by the field's type and checked
by the class's own limits, so a value given here is held to the same rules as a default.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from types import NoneType, UnionType
from typing import Any, TypeVar

S = TypeVar("S")

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@functools.cache
def field_types(cls: type) -> dict[str, Any]:
    """Each field's type, its annotation evaluated (once per class: a CLI option per setting
    asks for it, and evaluating every annotation each time cost the command's start-up)."""
    return typing.get_type_hints(cls)


def plain(value: Any) -> Any:
    """A value as JSON holds it: tuples (and pairs inside them) as lists."""
    return [plain(v) for v in value] if isinstance(value, tuple) else value


def spelled(value: Any) -> str:
    """A value as ``--setting NAME=VALUE`` reads it back (``read_value``'s inverse)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):  # items, comma-separated; a pair of them as A=B
        return ",".join("=".join(v) if isinstance(v, tuple) else spelled(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Described:
    """One setting as ``iraqkg settings`` lists it."""

    name: str
    kind: str
    default: Any
    limits: tuple[float, float] | None
    choices: tuple[str, ...] | None
    doc: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.kind,
            "default": plain(self.default),
            "limits": list(self.limits) if self.limits else None,
            "choices": list(self.choices) if self.choices else None,
            "doc": self.doc,
        }


def describe(cls: type) -> list[Described]:
    """Each setting of ``cls`` with its type, default, limits, choices and meaning."""
    hints = field_types(cls)
    return [
        Described(
            f.name,
            _spelled(hints[f.name]),
            f.default,
            cls.LIMITS.get(f.name),
            cls.CHOICES.get(f.name),
            f.metadata.get("doc", ""),
        )
        for f in fields(cls)
    ]


def with_values(settings: S, values: Iterable[str]) -> S:
    """``settings`` with ``NAME=VALUE`` texts applied (checked as a new value would be)."""
    return replace(settings, **parse_values(type(settings), values))  # type: ignore[type-var]


def parse_values(cls: type, values: Iterable[str]) -> dict[str, Any]:
    """``NAME=VALUE`` texts as values of ``cls``'s fields; ValueError names a bad one (an
    unknown name or a value its type cannot read; limits are the class's to check)."""
    hints = field_types(cls)
    names = {f.name for f in fields(cls)}
    changes: dict[str, Any] = {}
    for text in values:
        name, sep, value = text.partition("=")
        name = name.strip().replace("-", "_")
        if not sep:
            raise ValueError(f"setting {text!r}: write NAME=VALUE")
        if name not in names:
            raise ValueError(f"no setting {name!r} in {cls.__name__}; `iraqkg settings` lists them")
        changes[name] = read_value(hints[name], value.strip(), name)
    return changes


def read_value(kind: Any, text: str, name: str = "value") -> Any:
    """``text`` as a value of type ``kind``: numbers, booleans (true/false, yes/no, on/off,
    1/0), strings, an optional one ('' or 'none' is None), and tuples as comma-separated
    items (pairs of them as ``A=B``)."""
    args = typing.get_args(kind)
    if isinstance(kind, UnionType) or typing.get_origin(kind) is typing.Union:
        inner = [a for a in args if a is not NoneType]
        if text.lower() in ("", "none"):
            return None
        return read_value(inner[0], text, name)
    if kind == tuple[str, str]:
        left, sep, right = text.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise ValueError(f"setting {name}: {text!r}: write A=B")
        return left.strip(), right.strip()
    if typing.get_origin(kind) is tuple:
        items = [item.strip() for item in text.split(",") if item.strip()]
        return tuple(read_value(args[0], item, name) for item in items)
    if kind is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(f"setting {name}={text!r}: use true or false")
    if kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            raise ValueError(f"setting {name}={text!r}: not a number ({kind.__name__})") from None
    if kind is str:
        return text
    raise TypeError(f"setting {name}: no reader for {kind!r}")


def _spelled(kind: Any) -> str:
    """The type as ``iraqkg settings`` shows it."""
    if isinstance(kind, UnionType):
        return " | ".join(_spelled(a) for a in typing.get_args(kind))
    if typing.get_origin(kind) is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"list of {_spelled(args[0])}"
        return "=".join(_spelled(a) for a in args)
    return "none" if kind is NoneType else getattr(kind, "__name__", str(kind))
