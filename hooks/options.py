"""Declarative options of a block, validated with messages that name the fix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hooks.errors import BlockError

__all__ = ["Option", "parse_options"]

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


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)


def _matches(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        return False
    if float in kinds and isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, kinds)


def parse_options(raw: Any, spec: Sequence[Option], block: str) -> dict[str, Any]:
    """Validate ``raw`` against ``spec`` and fill in defaults.

    Raises
    ------
    BlockError
        On an unknown option, a missing required option, a wrong type, a value
        outside the allowed choices or range, or a failed ``convert``.
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise BlockError(
            f"{block}: expected options as a YAML mapping (name: value lines); "
            f"got {type(raw).__name__} {raw!r}"
        )
    known = {option.name: option for option in spec}
    unknown = sorted(set(raw) - set(known), key=str)
    if unknown:
        raise BlockError(
            f"{block}: unknown option {unknown[0]!r}; valid options are "
            f"{', '.join(known)}"
        )
    values: dict[str, Any] = {}
    for option in spec:
        if option.name not in raw or raw[option.name] is None:
            if option.required:
                raise BlockError(
                    f"{block}: option {option.name!r} is required; {option.help}"
                )
            values[option.name] = option.default
            continue
        value = raw[option.name]
        prefix = f"{block}: option {option.name!r}"
        if not _matches(value, option.type):
            raise BlockError(
                f"{prefix} must be {_type_name(option.type)}; "
                f"got {type(value).__name__} "
                f"{value!r}"
            )
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and float
            in (option.type if isinstance(option.type, tuple) else (option.type,))
        ):
            value = float(value)
        if option.choices is not None and value not in option.choices:
            raise BlockError(
                f"{prefix} must be one of {', '.join(map(str, option.choices))}; "
                f"got {value!r}"
            )
        if option.minimum is not None and value < option.minimum:
            raise BlockError(
                f"{prefix} must be at least {option.minimum}; got {value!r}"
            )
        if option.maximum is not None and value > option.maximum:
            raise BlockError(
                f"{prefix} must be at most {option.maximum}; got {value!r}"
            )
        if option.convert is not None:
            try:
                value = option.convert(value)
            except (TypeError, ValueError) as err:
                raise BlockError(f"{prefix}: {err}; got {value!r}") from err
        values[option.name] = value
    return values
