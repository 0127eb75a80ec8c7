"""A cheap stand-in for a plain (mutable, eq=True) @dataclass on the start-up
path: creating a dataclass costs about a millisecond (it compiles its methods
with exec), and importing dataclasses ~14 ms (inspect, ast, dis...).

A subclass lists its fields in ``_fields`` (``_norepr``: those the repr
leaves out) and writes its own ``__init__``; repr and == behave as the
dataclass's (== compares the fields of objects of the same class; unhashable).

Also stand-ins for enum.Enum (Members) and weakref.WeakKeyDictionary
(WeakKeyTable).
"""
from _weakref import ref


class Record:
    __slots__ = ()
    _fields: tuple = ()
    _norepr: tuple = ()
    __hash__ = None

    def __repr__(self) -> str:
        return (self.__class__.__qualname__ + "("
                + ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields
                            if n not in self._norepr) + ")")

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (tuple(getattr(self, n) for n in self._fields)
                    == tuple(getattr(other, n) for n in self._fields))
        return NotImplemented


def _frozen_error(what: str, name: str):
    from dataclasses import FrozenInstanceError     # only when a frozen record is misused
    return FrozenInstanceError(f"cannot {what} field {name!r}")


class Frozen:
    """The frozen part of @dataclass(frozen=True): attributes cannot be set or
    deleted (dataclasses.FrozenInstanceError); __init__ sets them with
    object.__setattr__.  Alone it is @dataclass(frozen=True, eq=False):
    identity ==, hashable, the class's own repr."""
    __slots__ = ()

    def __setattr__(self, name, value):
        raise _frozen_error("assign to", name)

    def __delattr__(self, name):
        raise _frozen_error("delete", name)


class FrozenRecord(Frozen, Record):
    """@dataclass(frozen=True): Record's repr and ==, hashed by its fields."""
    __slots__ = ()

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, n) for n in self._fields))


class _MembersMeta(type):
    def __iter__(cls):
        return iter(cls._members)

    def __len__(cls) -> int:
        return len(cls._members)


class Members(metaclass=_MembersMeta):
    """A cheap stand-in for enum.Enum (importing enum costs ~3 ms of start-up,
    and reading a member's attributes through enum's descriptors is slow in
    the translator's inner loops): unique named constants with .name and
    .value, iterable on the class, compared by identity, their own copies.

        class Color(Members): ...
        Color.define(RED=1, GREEN=2)      # Color.RED.name == "RED", list(Color)
    """
    __slots__ = ("name", "value")
    _members: tuple = ()

    def __init__(self, name: str, value):
        self.name, self.value = name, value

    @classmethod
    def define(cls, **members) -> None:
        for name, value in members.items():
            m = cls(name, value)
            setattr(cls, name, m)
            cls._members += (m,)

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}.{self.name}: {self.value!r}>"

    def __str__(self) -> str:
        return f"{self.__class__.__name__}.{self.name}"

    def __reduce__(self):
        return getattr, (self.__class__, self.name)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class WeakKeyTable:
    """A cheap stand-in for weakref.WeakKeyDictionary (importing weakref costs
    ~1.5 ms) for keys compared by identity: get() and [key] = value; an
    entry goes when its key is collected."""
    __slots__ = ("_entries",)

    def __init__(self):
        self._entries = {}                  # id(key) -> (weak reference to key, value)

    def get(self, key, default=None):
        e = self._entries.get(id(key))
        return e[1] if e is not None and e[0]() is key else default

    def __setitem__(self, key, value) -> None:
        entries, k = self._entries, id(key)
        entries[k] = (ref(key, lambda _, k=k: entries.pop(k, None)), value)
