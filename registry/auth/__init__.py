"""Accounts and API tokens: who may write, and how a request proves it.

Roles: anyone may read. An ``editor`` curates records: creates, edits and withdraws datasets
and their distributions, adds and removes coverage statements, restores earlier versions. An
``admin`` may do all that, and manages harvest sources (create, edit, preview, disable: they
make the registry fetch URLs) and, from the command line, users and tokens.

A token is ``ldr_`` and 43 URL-safe characters (256 random bits); only its SHA-256 is stored,
so a copy of the database gives no one a working token. :func:`resolve_token` turns a secret
into its user (or None), for the API's ``Authorization: Bearer`` header and for any other way
of presenting it (a page's signed-in session).
"""

from registry.auth.tokens import (
    create_token,
    list_tokens,
    resolve_token,
    revoke_token,
)
from registry.auth.users import add_user, get_user, list_users, may, set_disabled

__all__ = [
    "add_user",
    "create_token",
    "get_user",
    "list_tokens",
    "list_users",
    "may",
    "resolve_token",
    "revoke_token",
    "set_disabled",
]
