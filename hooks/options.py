"""Declarative options of a block, validated with messages that name the fix."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hooks.errors import BlockError

__all__ = ["Option", "parse_options", "type_name"]

_TYPE_NAMES = {
    bool: "true or false",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "a mapping",
}


@dataclass(frozen=True)
class Option:
    """One option of a block: its type, default, allowed values and check."""

    name: str
    type: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    choices: Sequence[Any] | None = None
    minimum: float | None = None
    maximum: float | None = None
    # Extra validation and conversion; raises ValueError with the reason.
    convert: Callable[[Any], Any] | None = None
    help: str = field(default="", compare=False)
    # A list of values is accepted too, each checked against ``choices``.
    many: bool = False


def type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)


def _matches(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        return False
    if float in kinds and isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, kinds)


def _suggest(word: Any, candidates) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_choice(prefix: str, option: Option, value: Any, path: str) -> None:
    values = value if option.many and isinstance(value, list) else [value]
    if option.many and isinstance(value, list) and not value:
        raise BlockError(f"{prefix} must not be an empty list", option=path)
    for item in values:
        if item not in option.choices:
            either = " (or a list of them)" if option.many else ""
            raise BlockError(
                f"{prefix} must be one of {', '.join(map(str, option.choices))}"
                f"{either}; got {item!r}{_suggest(item, option.choices)}",
                option=path,
            )


def parse_options(
    raw: Any, spec: Sequence[Option], block: str, path: str = ""
) -> dict[str, Any]:
    """Validate ``raw`` against ``spec`` and fill in defaults.

    ``path`` prefixes the option names of a nested mapping, such as
    ``configs[1]``, in messages and in ``BlockError.option``.

    Raises
    ------
    BlockError
        On an unknown option, a missing required option, a wrong type, a value
        outside the allowed choices or range, or a failed ``convert``.
    """
    where = f" {path}" if path else ""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise BlockError(
            f"{block}:{where} expected options as a YAML mapping (name: value "
            f"lines); got {type(raw).__name__} {raw!r}",
            option=path,
        )
    known = {option.name: option for option in spec}
    unknown = sorted(set(raw) - set(known), key=str)
    if unknown:
        raise BlockError(
            f"{block}: unknown option {unknown[0]!r}{where}; valid options are "
            f"{', '.join(known)}{_suggest(unknown[0], known)}",
            option=_join(path, unknown[0]),
        )
    values: dict[str, Any] = {}
    for option in spec:
        name = _join(path, option.name)
        if option.name not in raw or raw[option.name] is None:
            if option.required:
                raise BlockError(
                    f"{block}: option {name!r} is required; {option.help}",
                    option=path,
                )
            values[option.name] = option.default
            continue
        value = raw[option.name]
        prefix = f"{block}: option {name!r}"
        if not _matches(value, option.type):
            raise BlockError(
                f"{prefix} must be {type_name(option.type)}; "
                f"got {type(value).__name__} {value!r}",
                option=name,
            )
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and float
            in (option.type if isinstance(option.type, tuple) else (option.type,))
        ):
            value = float(value)
        if option.choices is not None:
            _check_choice(prefix, option, value, name)
        if option.minimum is not None and value < option.minimum:
            raise BlockError(
                f"{prefix} must be at least {option.minimum}; got {value!r}",
                option=name,
            )
        if option.maximum is not None and value > option.maximum:
            raise BlockError(
                f"{prefix} must be at most {option.maximum}; got {value!r}",
                option=name,
            )
        if option.convert is not None:
            try:
                value = option.convert(value)
            except (TypeError, ValueError) as err:
                raise BlockError(f"{prefix}: {err}", option=name) from err
        values[option.name] = value
    return values


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else str(name)
