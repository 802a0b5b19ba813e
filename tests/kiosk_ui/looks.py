"""What the eye gets from the real window: every visible text read against the pixels behind it,
every control's outline against what surrounds it, every text's size and fit.

The colours behind a text and around a control are taken from a screenshot of the window (the
commonest colour of the area), so a background drawn by any canvas, a parent's or the widget's own,
counts exactly as it is drawn."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from kivy.core.window import Window
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput
from PIL import Image

from kiosk.ui.palette import ratio
from tests.kiosk_ui.conftest import visible

TEXT_MIN = 4.5
EDGE_MIN = 3.0
MIN_FONT_PX = 24
CARDS = ("InitiativeRow", "StateRow", "Card", "Chip", "PortChip")


def window_box(widget) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) in image pixels (y down)."""
    x0, y0 = widget.to_window(widget.x, widget.y)
    x1, y1 = widget.to_window(widget.right, widget.top)
    return round(x0), round(Window.height - y1), round(x1), round(Window.height - y0)


def unclipped(widget) -> bool:
    """Wholly on the window and inside every scrolling view around it."""
    left, top, right, bottom = window_box(widget)
    if left < 0 or top < 0 or right > Window.width or bottom > Window.height or right <= left or bottom <= top:
        return False
    parent = widget.parent
    while parent is not None and parent is not Window:
        if isinstance(parent, ScrollView):
            pl, pt, pr, pb = window_box(parent)
            if left < pl or top < pt or right > pr or bottom > pb:
                return False
        parent = parent.parent
    return True


def commonest(image: Image.Image, boxes) -> tuple[float, float, float]:
    counts: Counter = Counter()
    for box in boxes:
        region = image.crop(box)
        counts.update(dict((pixel, n) for n, pixel in region.getcolors(region.width * region.height)))
    pixel = counts.most_common(1)[0][0]
    return tuple(c / 255 for c in pixel[:3])


def ring(box, inset: int) -> list[tuple[int, int, int, int]]:
    """A one-pixel frame ``inset`` pixels inside (positive) or outside (negative) the box."""
    left, top, right, bottom = (box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset)
    return [(left, top, right, top + 1), (left, bottom - 1, right, bottom),
            (left, top, left + 1, bottom), (right - 1, top, right, bottom)]


def in_image(boxes, image):
    return [b for b in boxes if 0 <= b[0] < b[2] <= image.width and 0 <= b[1] < b[3] <= image.height]


def problems(image_path: Path, root, *, scale: float = 1.0) -> list[str]:
    """Every legibility fault under ``root`` in this screenshot of the window."""
    image = Image.open(image_path).convert("RGB")
    found = []
    for widget in root.walk(restrict=True):
        if not visible(widget) or not unclipped(widget) or widget.width < 2 or widget.height < 2:
            continue
        name = type(widget).__name__
        where = f"{name} {getattr(widget, 'text', '')[:40]!r}"
        box = window_box(widget)
        if isinstance(widget, Label) and widget.text.strip() and widget.texture is not None:
            if widget.font_size < MIN_FONT_PX * scale - 0.01:
                found.append(f"{where}: {widget.font_size:.0f} px text")
            behind = commonest(image, [box])
            if ratio(widget.color, behind) < TEXT_MIN:
                found.append(f"{where}: text {ratio(widget.color, behind):.2f}:1")
            if broken_words(widget):
                found.append(f"{where}: words broken across lines: {broken_words(widget)}")
            width, height = widget.texture_size
            if not widget.shorten and (width > widget.width + 2 or height > widget.height + 2):
                found.append(f"{where}: text {width:.0f}x{height:.0f} overflows {widget.width:.0f}x{widget.height:.0f}")
        if isinstance(widget, TextInput):
            face = widget.background_color
            if ratio(widget.foreground_color, face) < TEXT_MIN or ratio(widget.hint_text_color, face) < TEXT_MIN:
                found.append(f"{where}: text or placeholder below {TEXT_MIN}:1")
        if isinstance(widget, (Button, TextInput)) or name in CARDS:
            edge = in_image(ring(box, 1), image)
            around = in_image(ring(box, -3), image)
            if edge and around and ratio(commonest(image, edge), commonest(image, around)) < EDGE_MIN:
                found.append(f"{where}: edge {ratio(commonest(image, edge), commonest(image, around)):.2f}:1")
    return found


def broken_words(label: Label) -> list[str]:
    """Line pieces that are not whole words of the text: a word Kivy had to cut to wrap it."""
    lines = getattr(label._label, "_cached_lines", None) or []
    words = set(label.text.split())
    pieces = [piece for line in lines for word in line.words for piece in word.text.split()]
    return [piece for piece in pieces if piece not in words and not piece.endswith("…")]


def primary_buttons(root) -> list:
    """The enabled primary-looking buttons outside the top bar and keyboard."""
    def in_bar_or_keys(widget) -> bool:
        while widget is not None and widget is not Window:
            if type(widget).__name__ in ("TopBar", "OnScreenKeyboard"):
                return True
            widget = widget.parent
        return False
    return [w for w in root.walk(restrict=True) if getattr(w, "tone", "") in ("primary", "support")
            and visible(w) and not w.disabled and not in_bar_or_keys(w)]
