"""What a WAV file of speech holds, for the tests that check the kiosk's voice: its length and
loudness (RMS of 16-bit samples), read with the standard ``wave`` module."""
from __future__ import annotations

import array
import math
import wave
from pathlib import Path

from kiosk.core.speech import plain

SILENCE_RMS = 100  # of 32 767: below this a file is silence or hiss, not a voice


def duration_and_rms(path: Path) -> tuple[float, float]:
    with wave.open(str(path), "rb") as audio:
        assert audio.getsampwidth() == 2 and audio.getnchannels() == 1, "espeak-ng writes 16-bit mono"
        frames = audio.readframes(audio.getnframes())
        seconds = audio.getnframes() / audio.getframerate()
    samples = array.array("h", frames)
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0
    return seconds, rms


def assert_spoken(path: Path, text: str) -> tuple[float, float]:
    """``path`` holds a voice saying about ``text``: not silent, and as long as speech of that text
    takes (espeak-ng at 160 words a minute says 10-20 characters a second; allow 4-40)."""
    seconds, rms = duration_and_rms(path)
    text = plain(text)  # language marks are not said
    assert rms > SILENCE_RMS, f"{path.name} is silent (RMS {rms:.0f}) for {text!r}"
    assert len(text) / 40 <= seconds <= len(text) / 4 + 1.0, f"{path.name}: {seconds:.2f} s for {len(text)} characters"
    return seconds, rms
