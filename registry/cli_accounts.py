"""``registry users ...`` and ``registry tokens ...``: accounts, from the command line only."""

from __future__ import annotations

from typing import Annotated

import typer

from registry.cli_session import cli_session
from schemas import Role

users_app = typer.Typer(
    help="People who may edit records (editor) or run the registry (admin).", no_args_is_help=True
)
tokens_app = typer.Typer(
    help="API tokens: shown once, stored only as a hash.", no_args_is_help=True
)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user's name, e.g. a.smith")],
    role: Annotated[
        Role, typer.Option(help="editor: curate records; admin: also sources")
    ] = Role.editor,
) -> None:
    """Add a user."""
    from registry.auth import add_user

    with cli_session() as session:
        user = add_user(session=session, name=name, role=role)
        typer.echo(
            f"user {user.name} ({user.role}) added; "
            f"make a token: registry tokens create {user.name}"
        )


@users_app.command("list")
def users_list() -> None:
    """List users."""
    from registry.auth import list_users

    with cli_session() as session:
        for user in list_users(session=session):
            state = " disabled" if user.disabled else ""
            typer.echo(f"{user.name}\t{user.role}{state}\tsince {user.created_at:%Y-%m-%d}")


@users_app.command("disable")
def users_disable(
    name: str,
    enable: Annotated[bool, typer.Option("--enable", help="Enable again instead.")] = False,
) -> None:
    """Disable a user (their tokens stop working; their history stays)."""
    from registry.auth import set_disabled

    with cli_session() as session:
        user = set_disabled(session=session, name=name, disabled=not enable)
        typer.echo(f"user {user.name} {'disabled' if user.disabled else 'enabled'}")


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(help="Whose token")],
    expires_in: Annotated[
        float | None,
        typer.Option("--expires-in", help="Days until it stops working (default: never)"),
    ] = None,
    note: Annotated[str | None, typer.Option(help="What it is for")] = None,
) -> None:
    """Make a token and print it once: it cannot be shown again."""
    from registry.auth import create_token

    with cli_session() as session:
        issued = create_token(
            session=session, user_name=name, expires_in_days=expires_in, note=note
        )
    expiry = (
        f"expires {issued.token.expires_at:%Y-%m-%d %H:%M} UTC"
        if issued.token.expires_at
        else "never expires"
    )
    typer.echo(f"token {issued.token.id} for {name} ({expiry}); it is shown only now:", err=True)
    typer.echo(issued.secret)


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (tokens list)")],
) -> None:
    """Revoke a token: it stops working at once."""
    from registry.auth import revoke_token

    with cli_session() as session:
        token = revoke_token(session=session, token_id=token_id)
    typer.echo(f"token {token.id} ({token.prefix}..., {token.user}) revoked")


@tokens_app.command("list")
def tokens_list(user: Annotated[str | None, typer.Option(help="Only this user's")] = None) -> None:
    """List tokens (never their secrets): id, user, first characters, state, last use."""
    from registry.auth import list_tokens

    with cli_session() as session:
        for t in list_tokens(session=session, user_name=user):
            state = (
                "revoked"
                if t.revoked_at
                else (f"expires {t.expires_at:%Y-%m-%d}" if t.expires_at else "no expiry")
            )
            used = f"last used {t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
            typer.echo(f"{t.id}\t{t.user}\t{t.prefix}...\t{state}\t{used}\t{t.note or ''}")
