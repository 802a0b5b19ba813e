"""The kiosk's colours, chosen for a screen read in sunlight, and the WCAG contrast they must meet.

Every (text, background) pair the screens use is listed in ``TEXT_PAIRS`` so a test can hold
each of them to 4.5:1."""
from __future__ import annotations


def hex_rgba(value: str) -> tuple[float, float, float, float]:
    value = value.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)) + (1.0,)


PALETTE = {
    "page": "#F4F1EA",        # warm white: less glare than pure white
    "card": "#FFFFFF",
    "text": "#17191C",
    "muted": "#4A4F57",       # secondary text, still 7:1 on the page
    "primary": "#0B4F8A",     # buttons, links
    "on_primary": "#FFFFFF",
    "support": "#1D6631",     # "I support this", success
    "on_support": "#FFFFFF",
    "warn": "#8E1B1B",        # refusals, the idle warning
    "on_warn": "#FFFFFF",
    "key": "#DDE3EA",         # keyboard keys
    "on_key": "#111418",
    "keyboard": "#B9C3CE",
    "chip": "#E2E8EF",        # unselected filters and tags
    "on_chip": "#17191C",
    "bar": "#17324D",         # the top bar
    "on_bar": "#FFFFFF",
}
COLORS = {name: hex_rgba(value) for name, value in PALETTE.items()}

TEXT_PAIRS = (
    ("text", "page"), ("muted", "page"), ("text", "card"), ("muted", "card"), ("primary", "card"),
    ("primary", "page"), ("on_primary", "primary"), ("on_support", "support"), ("on_warn", "warn"),
    ("warn", "card"), ("warn", "page"), ("support", "card"), ("on_key", "key"), ("on_chip", "chip"),
    ("on_bar", "bar"), ("on_primary", "bar"), ("text", "keyboard"), ("on_key", "keyboard"),
)


def _luminance(color: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in color[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG 2 contrast ratio of two RGB(A) colours, channels 0 to 1 (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two palette colours (1 to 21)."""
    return ratio(COLORS[foreground], COLORS[background])
