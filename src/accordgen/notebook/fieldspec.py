"""The shape of a form field: what editor a type annotation calls for, and how values compare.

:func:`analyse` turns a field's annotation into a :class:`Spec` (model, list, dict, union,
choice, bool, int, number, date, party, text; anything else is edited as YAML text). A party
key (:data:`accordgen.models.base.Cle`) is chosen among the accord's parties by name. Values are
compared as ``read_yaml`` gives them (:func:`same_value`), an empty optional value counting as
an absent one (:data:`ABSENT`).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ..models.base import Cle

CLE_CONSTRAINTS: tuple[Any, ...] = tuple(typing.get_args(Cle)[1:])
"""The metadata that marks a party key (pydantic moves it to ``FieldInfo.metadata``)."""


class _Absent:
    """A field left out of the YAML (the model's default applies)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass
class Spec:
    """What editor a type calls for: ``kind`` is model, list, dict, union, choice, bool, int,
    number, date, party (a party key), text or yaml (anything else, edited as YAML text);
    ``party_keys``: a dict keyed by party keys."""

    kind: str
    model: type[BaseModel] | None = None
    item: Spec | None = None
    branches: list[Spec] = field(default_factory=list)
    options: list[Any] = field(default_factory=list)
    party_keys: bool = False


def is_party_key(tp: Any) -> bool:
    """Whether ``tp`` is the party key type (``Cle``)."""
    return typing.get_origin(tp) is typing.Annotated and any(
        m in CLE_CONSTRAINTS for m in typing.get_args(tp)[1:])


def analyse(tp: Any) -> tuple[Spec, bool]:
    """The editor spec of a type annotation, and whether ``None`` is allowed."""
    optional = False
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            if is_party_key(tp):
                return Spec("party"), optional
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(tp))
            if len(args) != 1:
                return Spec("union", branches=[analyse(a)[0] for a in args]), optional
            tp = args[0]
        else:
            break
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is list:
        return Spec("list", item=analyse(args[0] if args else Any)[0]), optional
    if origin is dict:  # keyed by a short name; the spec of the values
        return Spec("dict", item=analyse(args[1] if len(args) > 1 else Any)[0],
                    party_keys=bool(args) and is_party_key(args[0])), optional
    if origin is typing.Literal:
        return Spec("choice", options=list(args)), optional
    if isinstance(tp, type):
        for base, kind in ((Enum, "choice"), (BaseModel, "model"), (bool, "bool"), (int, "int"),
                           (float, "number"), (Decimal, "number"), (dt.date, "date"), (str, "text")):
            if issubclass(tp, base):
                if kind == "choice":
                    return Spec(kind, options=[m.value for m in tp]), optional
                return Spec(kind, model=tp if kind == "model" else None), optional
    return Spec("yaml"), optional


def fits_shape(spec: Spec, value: Any) -> bool:
    """Whether ``value`` has a shape the editor of ``spec`` can show. A model may accept other
    shapes through its validators (a paragraph where a list is expected): a lone value in a
    list field is shown as one item; any other mismatch is edited as YAML text, never lost."""
    if value is ABSENT or value is None or spec.kind == "yaml":
        return True
    if spec.kind in ("model", "dict"):
        return isinstance(value, dict)
    if spec.kind == "list":
        return not isinstance(value, dict)
    if spec.kind == "union":
        return any(fits_shape(b, value) for b in spec.branches)
    return not isinstance(value, (dict, list))


class KeyOrdered(dict):  # type: ignore[type-arg]
    """A mapping whose key order is the drafter's (a dict field), unlike a model's fields."""


def is_empty(value: Any) -> bool:
    return value is None or value is ABSENT or value == [] or value == {}


def same_value(a: Any, b: Any) -> bool:
    """Equality that tells ``True`` from ``1`` and ``"1"`` from ``1``, and takes an empty
    optional value (``null``, ``[]``) for an absent one."""
    if isinstance(a, dict) and isinstance(b, dict):
        a2 = {k: v for k, v in a.items() if not is_empty(v)}
        b2 = {k: v for k, v in b.items() if not is_empty(v)}
        if (isinstance(a, KeyOrdered) or isinstance(b, KeyOrdered)) and list(a2) != list(b2):
            return False
        return a2.keys() == b2.keys() and all(same_value(a2[k], b2[k]) for k in a2)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b
