"""City accounts: the city's 督查室, its viewers and its administrators, who follow every town on the platform.

They are kept in a store of their own, the tenant of the city's code (``config.city_code()``, 442000): its users,
logins, failed-login counts and audit, and no items. Inside it an account has a town role (viewer, supervisor,
admin); served to a town it is a city role, with a name no town account can have:

- ``city-viewer``: reads every town (also where anonymous viewing is off);
- ``city-supervisor``: reads every town and does a 督查室's work in any of them (review, lock, 督办事项);
- ``city-admin``: reads every town, adds towns and manages the city's accounts; it writes no town's data.

No city role writes a town's figures, progress or targets (``auth.require_writer`` is an allow-list). What a city
account does in a town is audited in that town's store under its qualified name, "中山市·张三" ("·" is not allowed
in a user name, so it can never be a town account's).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tracker import auth, config, store
from tracker.auth import User

SEPARATOR = "·"
_ROLE_IN_CITY = {"city-viewer": "viewer", "city-supervisor": "supervisor", "city-admin": "admin"}
_CITY_ROLE = {v: k for k, v in _ROLE_IN_CITY.items()}


@contextmanager
def serving() -> Iterator[None]:
    """Serve the city's accounts store inside the block (its users, logins and audit)."""
    with config.use_town(config.city_code()):
        yield


def exists() -> bool:
    """Whether this platform has city accounts at all (their store is made with the first one)."""
    with serving():
        return config.db_path().exists() or bool(config.database_url())


def qualified(name: str) -> str:
    """The name a city account acts under in a town: "中山市·张三"."""
    return f"{config.city_name()}{SEPARATOR}{name}"


def raw_name(name: str) -> str | None:
    """The account name inside the city's store of a qualified name, or None when ``name`` is not a city account's."""
    prefix = config.city_name() + SEPARATOR
    return name[len(prefix) :] if name.startswith(prefix) else None


def served_as(user: User) -> User:
    """A user of the city's store as a town sees it: qualified name, city role, no department."""
    return User(qualified(user.name), _CITY_ROLE[user.role], None)


def town_role(city_role: str) -> str:
    """The role a city role is stored under in the city's store."""
    if city_role not in _ROLE_IN_CITY:
        raise auth.UserError(f"市级角色必须是 {' / '.join(_ROLE_IN_CITY)} 之一。")
    return _ROLE_IN_CITY[city_role]


def load(name: str) -> User | None:
    """The enabled city account of a qualified name, as a town sees it; None when unknown or disabled."""
    raw = raw_name(name)
    if raw is None or not exists():
        return None
    with serving(), store.connect() as con:
        found = auth.get_user(con, raw)
    return served_as(found) if found else None


def create(name: str, city_role: str, password: str, actor: str = "cli") -> User:
    """Add a city account (the city's store is made with the first one), as a town sees it."""
    role = town_role(city_role)
    with serving(), store.connect() as con:
        return served_as(auth.create_user(con, name, role, password, None, actor=actor))


def login(name: str, password: str, address: str | None = None) -> User:
    """Check a city account's password in the city's store (its own failed-login counts), as a town sees it."""
    with serving():
        return served_as(auth.login(name, password, address))


def can_view_city(user: User | None) -> bool:
    """全市总览 compares every town: city accounts see it; anyone else only where every town lets anyone view
    (then nothing on it is hidden from them anyway)."""
    if user is not None and user.is_city:
        return True
    from tracker import towns  # imports auth

    for town in towns.installed():
        with config.use_town(town.code):
            if not config.settings().anonymous_view:
                return False
    return True
