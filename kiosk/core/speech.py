"""Speech output through espeak-ng: the audio guide's voice, and ``python -m kiosk say``.

No Kivy here. ``Speaker`` speaks on a worker thread, so the UI never waits for speech: a new
utterance cuts the one being spoken (the finger moved on), ``stop`` silences it (the idle reset).
Every utterance, spoken aloud or written to a WAV file, goes through ``espeak_process``: the file
a check renders is what a person on the bench hears. A span of an utterance marked with
``in_language`` (an initiative shown in its original language to a reader of another) is read in
that language's voice.
"""
from __future__ import annotations

import html
import logging
import re
import subprocess
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PROGRAM = "espeak-ng"
# espeak-ng's voice for each of the kiosk's languages; its sr voice reads Cyrillic and Latin alike.
VOICES = {"bs": "bs", "hr": "hr", "sr": "sr", "sr-Latn": "sr", "en": "en"}
WORDS_PER_MINUTE = 160  # a little slower than espeak-ng's 175: a street, strangers, first contact
HISTORY = 200  # utterances kept for a look back (tests, diagnostics)
# A receipt code (K7QX-94MD) is read character by character, as a person would copy it down.
_RECEIPT = re.compile(r"\b([A-Z0-9]{4})-([A-Z0-9]{4})\b")
_SEPARATORS = re.compile(r"\s*(?:·|\n)+\s*")
# A span in another language: its marks are characters of Unicode's private use area, which
# texts people write do not use (one slipped into a title would only change a voice).
_SPAN = re.compile("\ue000([^\ue001]*)\ue001([^\ue002]*)\ue002")


class SpeechError(Exception):
    """espeak-ng is missing or failed; the message says which and why."""


@dataclass(frozen=True)
class Utterance:
    text: str
    language: str


def in_language(text: str, language: str) -> str:
    """``text`` marked as written in ``language``, within an utterance in another language."""
    return f"\ue000{language}\ue001{text}\ue002" if text else ""


def plain(text: str) -> str:
    """``text`` without its language marks: the words said."""
    return _SPAN.sub(r"\2", text)


def voiced_parts(utterance: Utterance) -> list[tuple[str, str]]:
    """``utterance`` as it is read: (text, espeak-ng voice) parts, in order, neighbours in the
    same voice joined. A span in a language without a voice is read in the utterance's own."""
    outer = VOICES[utterance.language]
    text = speakable(utterance.text)
    parts: list[tuple[str, str]] = []
    position = 0
    for span in _SPAN.finditer(text):
        parts += [(text[position:span.start()], outer), (span.group(2), VOICES.get(span.group(1), outer))]
        position = span.end()
    parts.append((text[position:], outer))
    joined: list[tuple[str, str]] = []
    for words, voice in parts:
        if not words.strip():
            continue
        if joined and joined[-1][1] == voice:
            joined[-1] = (joined[-1][0] + words, voice)
        else:
            joined.append((words, voice))
    return joined


def espeak_input(utterance: Utterance) -> tuple[list[str], str]:
    """espeak-ng's voice options and its input for ``utterance``: the text, or for an utterance
    in more than one voice SSML with each part in its own ``<voice>`` element (espeak-ng 1.51
    does not go back to the outer voice when an inner element ends, so no part is left outside)."""
    parts = voiced_parts(utterance)
    if len(parts) <= 1:
        return ["-v", VOICES[utterance.language]], parts[0][0].strip() if parts else ""
    ssml = " ".join(f'<voice name="{voice}">{html.escape(words.strip())}</voice>' for words, voice in parts)
    return ["-v", VOICES[utterance.language], "-m"], f"<speak>{ssml}</speak>"


def speakable(text: str) -> str:
    """``text`` as it should sound: receipt codes spelled out, line breaks and "·" as pauses."""
    spelled = _RECEIPT.sub(lambda m: " ".join(m.group(1)) + ", " + " ".join(m.group(2)), text)
    return _SEPARATORS.sub(". ", spelled).strip()


def espeak_process(utterance: Utterance, wav: Path | None = None, *,
                   keep_errors: bool = False) -> subprocess.Popen:
    """Start espeak-ng speaking ``utterance`` on the audio output, or into ``wav``. The text goes
    through stdin, so nothing in it can be taken for an option. ``keep_errors`` pipes its stderr
    (read ``process.stderr``); otherwise it is dropped (ALSA's complaints on a bench without sound)."""
    if utterance.language not in VOICES:
        raise SpeechError(f"no voice for language {utterance.language!r}; one of {', '.join(VOICES)}")
    options, text = espeak_input(utterance)
    command = [PROGRAM, *options, "-s", str(WORDS_PER_MINUTE), "-b", "1", "--stdin"]
    if wav is not None:
        command += ["-w", str(wav)]
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE if keep_errors else subprocess.DEVNULL)
    except FileNotFoundError as error:
        raise SpeechError(f"{PROGRAM} is not installed (Debian package espeak-ng)") from error
    try:
        process.stdin.write(text.encode("utf-8"))
        process.stdin.close()
    except BrokenPipeError:  # interrupted before it read everything: nothing left to say
        pass
    return process


def render(utterance: Utterance, wav: Path) -> Path:
    """Write ``utterance`` as spoken into the WAV file ``wav``; returns once it is written."""
    if not plain(utterance.text).strip():
        raise SpeechError("nothing to say: the text is empty")
    process = espeak_process(utterance, wav, keep_errors=True)
    errors = process.stderr.read()
    process.wait()
    if process.returncode != 0 or not wav.exists():
        raise SpeechError(f"{PROGRAM} failed ({process.returncode}): {errors.decode(errors='replace').strip()}")
    return wav


class Speaker:
    """One voice: ``say`` returns at once and cuts whatever is being said; ``stop`` falls silent.

    With ``record_dir`` every utterance is written there as a numbered WAV file instead of played
    (a bench without a sound card, the UI tests); ``history`` keeps what was said either way."""

    def __init__(self, record_dir: Path | None = None) -> None:
        self.record_dir = record_dir
        self.history: deque[Utterance] = deque(maxlen=HISTORY)
        self.recordings: deque[tuple[Utterance, Path]] = deque(maxlen=HISTORY)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._pending: Utterance | None = None
        self._process: subprocess.Popen | None = None
        self._closed = False
        self._generation = 0  # bumped by every say and stop: a process started for an older one is cut
        self._count = 0
        self._warned = False
        # Why the last utterance was not heard: "cannot start" (espeak-ng missing, no voice) or
        # "failed" (it exited with an error); None after one said to its end. The diagnostics'
        # speaker test shows it; the details are in the log.
        self.problem: str | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    def say(self, text: str, language: str) -> None:
        """Say ``text`` (spans marked ``in_language`` in their own voice) in ``language``'s voice."""
        if not plain(text).strip():
            return
        utterance = Utterance(text, language)
        with self._lock:
            self.history.append(utterance)
            self._generation += 1
            self._pending = utterance
            self._idle.clear()
            self._cut()
            self._wake.notify()

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
            self._pending = None
            self._cut()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._pending = None
            self._cut()
            self._wake.notify()
        self._thread.join(timeout=2)

    def wait_until_quiet(self, timeout: float = 30.0) -> bool:
        """Block until nothing is pending or being said (for checks and tests, never the UI)."""
        return self._idle.wait(timeout)

    def _cut(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()

    def _run(self) -> None:
        while True:
            with self._lock:
                while self._pending is None and not self._closed:
                    self._idle.set()
                    self._wake.wait()
                if self._closed:
                    self._idle.set()
                    return
                utterance, self._pending = self._pending, None
                generation = self._generation
                self._count += 1
                wav = self.record_dir / f"{self._count:04d}.wav" if self.record_dir is not None else None
            process = self._start(utterance, wav)  # outside the lock: say() never waits for a fork
            if process is None:
                continue
            with self._lock:
                self._process = process
                if generation != self._generation or self._closed:
                    self._cut()  # overtaken (a new utterance, a stop) while starting
            process.wait()
            with self._lock:
                overtaken = generation != self._generation or self._closed
            if process.returncode == 0:
                self.problem = None
                if wav is not None:
                    self.recordings.append((utterance, wav))
            elif not overtaken:  # a cut utterance ends with a signal: that is no fault
                self.problem = "failed"
                log.warning("no speech: %s exited with status %d", PROGRAM, process.returncode)

    def _start(self, utterance: Utterance, wav: Path | None) -> subprocess.Popen | None:
        try:
            return espeak_process(utterance, wav)
        except SpeechError as error:
            self.problem = "cannot start"
            if not self._warned:  # once: a bench without espeak-ng still works, silently
                log.warning("no speech: %s", error)
                self._warned = True
            return None
