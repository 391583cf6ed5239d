"""What every page view needs: the logged-in user, role checks, the page number and filters from the query
string, the viewer's time zone, and where to go back to after a form."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import abort, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import UserMixin

from webapp import context, core, settle
from webapp.readmodel import accounts as stored
from webapp.readmodel.base import Listing, Page

PER_PAGE = 50
F = TypeVar("F", bound=Callable[..., Any])


class User(UserMixin):  # type: ignore[misc]
    """A logged-in account, as Flask-Login keeps it: its id carries the fingerprint of its password hash."""

    def __init__(self, username: str, role: str, time_zone: str, password_hash: str) -> None:
        self.username, self.role, self.time_zone = username, role, time_zone
        self._fingerprint = settle.fingerprint(password_hash)

    def get_id(self) -> str:
        return f"{self.username}|{self._fingerprint}"


def load_user(user_id: str) -> User | None:
    username, _, given = user_id.rpartition("|")
    found = stored.stored_account(context.engine(), username)
    if found is None or not hmac.compare_digest(settle.fingerprint(found.password_hash), given):
        return None  # removed, or its password changed since: the session is over
    return User(found.username, found.role, found.time_zone, found.password_hash)


def requires(role: core.Role) -> Callable[[F], F]:
    """Refuse (403) a view to accounts below ``role``."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not may(role):
                abort(403, description=f"This needs the {role.value} role; your account has "
                                       f"{who().role.value}. Ask an administrator.")
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate


def who() -> context.Principal:
    found = context.principal()
    if found is None:
        abort(401)
    return found


def may(role: core.Role | str) -> bool:
    found = context.principal()
    return found is not None and found.may(core.Role(role))


def zone() -> ZoneInfo:
    found = context.principal()
    return found.zone if found is not None else ZoneInfo("UTC")


def page(size: int = PER_PAGE) -> Page:
    """The page asked for; anything that is not a page number is page 1 (a form, not an API: no error)."""
    raw = request.args.get("page", "1")
    number = int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1
    return Page(number, size)


def text(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    return value or None


def flag(name: str) -> bool | None:
    return {"true": True, "yes": True, "false": False, "no": False}.get(request.args.get(name, "").lower())


def pages(listing: Listing[Any], current: Page) -> dict[str, Any]:
    """What the pager shows: this page and the last (or the last counted, when counting stopped early)."""
    last = max(1, -(-listing.total // current.size))
    return {"number": current.number, "last": last, "total": listing.total, "exact": listing.total_exact}


def back(default: str) -> ResponseReturnValue:
    """Back where the button was (a path on this site, never another one), or ``default``."""
    target = request.form.get("back", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return redirect(target)
    return redirect(default)


def station_url(charge_box_id: str) -> str:
    return url_for("ui.stations.show", charge_box_id=charge_box_id)
