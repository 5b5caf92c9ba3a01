"""Users: a name and a role; disabled users keep their history but cannot sign in."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import Session

from registry.errors import BadRequest, Conflict, NotFound
from schemas import Role, User

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")


def may(user: User, role: Role) -> bool:
    """Whether ``user`` has ``role`` (an admin has every role)."""
    return not user.disabled and (user.role == Role.admin.value or user.role == role.value)


def add_user(*, session: Session, name: str, role: Role) -> User:
    if not NAME.match(name):
        raise BadRequest(
            "a user name is 1-100 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    if session.execute(select(User.id).where(User.name == name)).first():
        raise Conflict(f"there is already a user named {name!r}")
    user = User(name=name, role=role.value)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def get_user(*, session: Session, name: str) -> User:
    user = session.execute(select(User).where(User.name == name)).scalar()
    if user is None:
        raise NotFound(f"no user named {name!r}")
    return user


def list_users(*, session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.name)).scalars())


def set_disabled(*, session: Session, name: str, disabled: bool = True) -> User:
    user = get_user(session=session, name=name)
    user.disabled = disabled
    session.add(user)
    session.commit()
    session.refresh(user)
    return user
