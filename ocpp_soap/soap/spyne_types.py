"""Helpers to declare OCPP message types with Spyne so that the generated schema matches the official one.

Spyne turns every customisation of a named simple type into a new anonymous type (``Foo_barType``); passing
the type's own name back keeps the reference to the named type. Every element is non-nillable, as in OCPP.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from types import ModuleType
from typing import Any

from spyne import ComplexModel, Unicode
from spyne.model import ModelBase
from spyne.model.complex import XmlModifier


def simple_string(name: str, namespace: str, *, max_len: int | None = None, values: Iterable[str] | None = None) -> Any:
    facets: dict[str, Any] = {}
    if max_len is not None:
        facets["max_len"] = max_len
    if values is not None:
        facets["values"] = list(values)
    return Unicode(type_name=name, __namespace__=namespace, nillable=False, **facets)


def enum_string(name: str, enum: type[Enum], members: Iterable[Enum | str] | None = None, *, namespace: str) -> Any:
    """A named string enumeration from a domain enum: all its members in the enum's order, or the chosen ones
    (members or their values) in the order given, which is the order of the version's official schema."""
    chosen = [enum(member) for member in (enum if members is None else members)]
    return simple_string(name, namespace, values=[member.value for member in chosen])


def element(cls: Any, *, min_occurs: int = 0, max_occurs: int | str = 1) -> Any:
    """The same type with element-level occurrence; named simple types stay named."""
    kwargs: dict[str, Any] = {"min_occurs": min_occurs, "max_occurs": max_occurs, "nillable": False}
    if not issubclass(cls, ComplexModel) and not cls.is_default(cls) and cls.__type_name__ is not ModelBase.Empty:
        kwargs["type_name"] = cls.get_type_name()
        kwargs["__namespace__"] = cls.get_namespace()
    return cls.customize(**kwargs)


def required(cls: Any) -> Any:
    return element(cls, min_occurs=1)


def optional(cls: Any) -> Any:
    return element(cls, min_occurs=0)


def repeated(cls: Any, *, min_occurs: int = 0) -> Any:
    return element(cls, min_occurs=min_occurs, max_occurs="unbounded")


def declared_types(types: ModuleType, namespace: str) -> tuple[Any, ...]:
    """Every named type a types module declares in ``namespace``, used by a message or not: an official schema
    declares some it never uses (1.6's ``CiString500Type`` in the central-system schema), and ours does too."""
    return tuple(value for value in vars(types).values() if _named_in(value, namespace))


def _named_in(value: Any, namespace: str) -> bool:
    if not isinstance(value, type) or not issubclass(value, ModelBase) or issubclass(value, XmlModifier):
        return False
    model: Any = value
    name = model.get_type_name()
    return bool(model.get_namespace() == namespace and name is not ModelBase.Empty and not name.startswith("_"))
