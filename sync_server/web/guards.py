"""Server-side scope checks and service errors as web errors, shared by the moderation pages."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from ..db import municipality_slugs
from ..i18n import N_
from ..services.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from ..services.logins import User
from ..services.moderation import get_suggestion
from .context import database
from .sessions import WebError, require_role

T = TypeVar("T")
# Who may use the moderation pages, as a handler's parameter type.
Moderator = Annotated[User, Depends(require_role("admin", "moderator"))]
NOT_FOUND = N_("There is nothing here, or it is outside your municipalities.")


def scope(request: Request, user: User) -> list[str]:
    """The municipalities this user moderates (an administrator: all of them)."""
    return sorted(municipality_slugs(database(request))) if user.role == "admin" else list(user.municipalities)


def in_scope(user: User, municipality: str | None) -> None:
    """404 rather than 403: a moderator of Mostar does not learn what exists in Trebinje."""
    if not user.may_moderate(municipality):
        raise WebError(404, NOT_FOUND)


def suggestion_in_scope(request: Request, user: User, suggestion_id: str) -> dict[str, Any]:
    suggestion = get_suggestion(database(request), suggestion_id[:64])
    in_scope(user, suggestion["municipality"] if suggestion else None)
    return suggestion


@contextmanager
def service_errors() -> Iterator[None]:
    """The service layer's refusals as pages in the user's language."""
    try:
        yield
    except NotFound:
        raise WebError(404, NOT_FOUND) from None
    except Forbidden:
        raise WebError(403, N_("You may not make this change.")) from None
    except InvalidTransition:
        raise WebError(409, N_("This change is not possible in the current state.")) from None
    except InvalidInput:
        raise WebError(422, N_("Some fields are missing or invalid. Please go back and check the form.")) from None


def run(action: Callable[[], T]) -> T:
    with service_errors():
        return action()
