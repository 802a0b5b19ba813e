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
    "edge": "#555C66",        # the outline of chips, cards, fields and quiet buttons: 3:1 on the page
    "bar_edge": "#8FA9C4",    # the outline of the top bar's tabs: 3:1 on the bar
    "calm": "#E7EEF6",
    "caution": "#8A5300",     # a diagnostics lamp that asks for a look soon (with white sign)        # the idle prompt: a question, not an alarm
}
COLORS = {name: hex_rgba(value) for name, value in PALETTE.items()}

TEXT_PAIRS = (
    ("text", "page"), ("muted", "page"), ("text", "card"), ("muted", "card"), ("primary", "card"),
    ("primary", "page"), ("on_primary", "primary"), ("on_support", "support"), ("on_warn", "warn"),
    ("warn", "card"), ("warn", "page"), ("support", "card"), ("on_key", "key"), ("on_chip", "chip"),
    ("on_bar", "bar"), ("on_primary", "bar"), ("text", "keyboard"), ("on_key", "keyboard"),
    ("text", "calm"), ("muted", "chip"), ("muted", "calm"), ("on_primary", "caution"),
)
# Every (outline, what is around it) pair: WCAG 1.4.11 asks 3:1 for the edge of a control.
EDGE_PAIRS = (
    ("edge", "page"), ("edge", "card"), ("edge", "keyboard"), ("bar_edge", "bar"), ("primary", "page"),
    ("primary", "card"), ("support", "page"), ("support", "card"), ("page", "bar"), ("edge", "calm"),
)

# A button's look by its tone: (face, ink, outline). One primary action per screen; the top bar's
# sections are tabs, the current one drawn in the page's colour as if the page continued into it.
BUTTON_TONES = {
    "primary": ("primary", "on_primary", "primary"),
    "support": ("support", "on_support", "support"),
    "quiet": ("chip", "on_chip", "edge"),
    "tab": ("bar", "on_bar", "bar_edge"),
    "current": ("page", "text", "page"),
}
PRESSED_FACE = {"primary": "bar", "support": "bar", "quiet": "key", "tab": "primary", "current": "chip"}


def button_colors(tone: str, pressed: bool, disabled: bool) -> tuple[tuple[float, ...], ...]:
    """(face, ink, outline) of a button of ``tone``; a disabled one is quiet with muted ink."""
    if disabled:
        return COLORS["chip"], COLORS["muted"], COLORS["edge"]
    tone = tone if tone in BUTTON_TONES else "primary"  # None while kv is still building the button
    face, ink, outline = BUTTON_TONES[tone]
    return COLORS[PRESSED_FACE[tone] if pressed else face], COLORS[ink], COLORS[outline]


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
