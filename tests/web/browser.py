"""A headless Chromium page that records everything a hostile text could make happen."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.web.conftest import DESKTOP, PASSWORD, PHONE


@dataclass
class Watch:
    """Dialogs (alert, confirm, prompt) and console errors seen by one page."""
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def open_page(browser: Any, phone: bool = True, locale: str = "bs") -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(viewport=PHONE if phone else DESKTOP, locale=locale,
                                  device_scale_factor=1, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    watch = Watch()
    page.on("dialog", lambda dialog: (watch.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: watch.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    try:
        yield page, watch
    finally:
        context.close()


def assert_clean(page: Any, watch: Watch, where: str, error_page: bool = False) -> None:
    """No script ran, nothing complained, nothing wider than the screen. On an error page
    Chromium logs the document's own 4xx status, which is expected there."""
    assert page.evaluate("typeof window.__pwned") == "undefined", where
    assert not watch.dialogs, (where, watch.dialogs)
    errors = [e for e in watch.errors if not (error_page and e.startswith("Failed to load resource: the server "
                                                                          "responded with a status of 4"))]
    assert not errors, (where, errors)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where}: {overflow}px of horizontal overflow"


def login(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def top_shot(page: Any, folder: Path, name: str) -> None:
    """What the screen shows first (a long list's full page is too tall to look at)."""
    page.screenshot(path=str(folder / f"{name}.png"))
