"""The registry of personal-data categories (P01, P20).

Every kind of personal data Mosaic keeps belongs to exactly one category, declared in the
``privacy.py`` module of the app that owns it. A category says what it holds and where (models and
fields), why, on what legal basis, for how long (from settings, so the policy page and the code
cannot disagree), and it can export and erase its data for one user. A test walks every model and
fails when a field that can hold personal data belongs to no category and is not declared exempt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any, ClassVar, TypeVar

from django.apps import apps
from django.db.models import Model
from django.utils.functional import Promise

from mosaic.accounts.models import User
from mosaic.lib import keys  # noqa: F401  (registers the ``__any`` lookup erasers use)

Text = str | Promise


@dataclass(frozen=True)
class Holding:
    """Fields of one model (``"app_label.ModelName"``) that hold a category's data."""

    model: str
    fields: tuple[str, ...]

    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)


class Category:
    """One category of personal data. Subclass, fill the class attributes, and ``@register``."""

    key: ClassVar[str]
    #: Erasure runs in ascending order; the account itself goes last.
    order: ClassVar[int] = 50
    title: ClassVar[Text]
    description: ClassVar[Text]
    purpose: ClassVar[Text]
    legal_basis: ClassVar[Text]
    holdings: ClassVar[tuple[Holding, ...]]

    def retention(self) -> Text:
        """How long the data is kept, in words, computed from the live settings."""
        raise NotImplementedError

    def export(self, user: User) -> Any:
        """Everything this category holds about ``user``, as JSON-serialisable data."""
        raise NotImplementedError

    def export_all(self, users: Sequence[User]) -> dict[int, Any]:
        """``export`` for each of ``users`` (by id): sealing a batch of accounts (P09). The
        default exports them one by one; override with a few queries for the whole batch."""
        return {user.pk: self.export(user) for user in users}

    def erase(self, user: User) -> int:
        """Delete or anonymise this category's data about ``user``; returns rows affected."""
        raise NotImplementedError

    def erase_all(self, users: Sequence[User]) -> int:
        """Erase this category's data about each of ``users``, a batch of accounts erased
        together (P08): override with a few queries for the whole batch; the default erases
        them one by one."""
        return sum(self.erase(user) for user in users)

    def files(self, user: User) -> Iterable[tuple[str, Callable[[], IO[bytes]]]]:
        """Files to include in the user's export: (name inside the category folder, opener)."""
        return ()

    def quarantine(self, user: User) -> None:
        """Take this category's data offline when the account is deleted (P08). Optional."""

    def restore(self, user: User) -> None:
        """Bring it back when the owner restores the account during quarantine. Optional."""


@dataclass(frozen=True)
class Exemption:
    """Fields that look personal to the coverage test but are not, with the reason why."""

    model: str
    fields: tuple[str, ...] | None  # None: the whole model
    reason: str


_categories: dict[str, Category] = {}
_exemptions: list[Exemption] = []

C = TypeVar("C", bound=type[Category])


def register(cls: C) -> C:
    if cls.key in _categories:
        raise ValueError(f"personal-data category {cls.key!r} is registered twice")
    _categories[cls.key] = cls()
    return cls


def exempt(model: str, fields: tuple[str, ...] | None, *, reason: str) -> None:
    _exemptions.append(Exemption(model=model, fields=fields, reason=reason))


def categories() -> list[Category]:
    return sorted(_categories.values(), key=lambda item: (item.order, item.key))


def category(key: str) -> Category:
    return _categories[key]


def exemptions() -> list[Exemption]:
    return list(_exemptions)
