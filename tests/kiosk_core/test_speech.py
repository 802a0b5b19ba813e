"""The kiosk's voice: espeak-ng in every language, a worker that never makes the caller wait and
lets a new utterance cut the old one, and ``python -m kiosk say`` writing it to a file."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.core.speech import (PROGRAM, VOICES, Speaker, SpeechError, Utterance, espeak_input, in_language, plain,
                                render, speakable)
from tests.speech_audio import assert_spoken, duration_and_rms

ROOT = Path(__file__).resolve().parents[2]
GREETINGS = {"bs": "Dobar dan, ovo je pametna klupa u Mostaru.", "hr": "Dobar dan, ovo je pametna klupa u Žepču.",
             "sr": "Добар дан, ово је паметна клупа у Требињу.", "sr-Latn": "Dobar dan, ovo je pametna klupa u Trebinju.",
             "en": "Good morning, this is the smart bench of Mostar."}


@pytest.mark.parametrize("language", VOICES)
def test_every_language_is_spoken(tmp_path: Path, language: str) -> None:
    wav = render(Utterance(GREETINGS[language], language), tmp_path / "out.wav")
    assert_spoken(wav, GREETINGS[language])


def test_serbian_sounds_the_same_in_both_scripts(tmp_path: Path) -> None:
    cyrillic = duration_and_rms(render(Utterance(GREETINGS["sr"], "sr"), tmp_path / "c.wav"))[0]
    latin = duration_and_rms(render(Utterance(GREETINGS["sr-Latn"], "sr-Latn"), tmp_path / "l.wav"))[0]
    assert abs(cyrillic - latin) < 0.15 * cyrillic


def test_receipt_codes_are_spelled_and_breaks_are_pauses() -> None:
    assert speakable("Vaš kod: K7QX-94MD") == "Vaš kod: K 7 Q X, 9 4 M D"
    assert speakable("Objavljeno  ·  Mostar\nOkoliš") == "Objavljeno. Mostar. Okoliš"


def phonemes(options: list[str], text: str) -> str:
    """What espeak-ng says for ``text`` with ``options``, as IPA: which voice read it shows."""
    spoken = subprocess.run([PROGRAM, *options, "-q", "--ipa", "--stdin"], input=text, capture_output=True,
                            text=True, check=True).stdout
    return " ".join(spoken.split())


@pytest.mark.parametrize(("reader", "span"), [("en", "sr"), ("en", "bs"), ("bs", "en"), ("sr", "hr")])
def test_a_span_in_another_language_is_read_in_that_language_s_voice(tmp_path: Path, reader: str, span: str) -> None:
    """An English reader hears a title shown in its original Serbian read by the Serbian voice,
    and the words around it by the English one, also after it (espeak-ng does not switch back
    by itself)."""
    around = {"en": ("Initiative.", "Support, button."), "bs": ("Inicijativa.", "Podržavam, dugme."),
              "sr": ("Иницијатива.", "Подржавам, дугме.")}[reader]
    title = {"sr": "Бициклистичка стаза до Старог моста", "bs": "Više kanti za smeće uz Neretvu",
             "en": "More litter bins along the Neretva", "hr": "Otvorena čitaonica za mlade"}[span]
    utterance = Utterance(f"{around[0]} {in_language(title, span)} {around[1]}", reader)
    options, text = espeak_input(utterance)
    heard = phonemes(options, text)
    each_in_its_voice = [phonemes(["-v", VOICES[language]], words)
                         for words, language in ((around[0], reader), (title, span), (around[1], reader))]
    assert heard == " ".join(each_in_its_voice)
    assert heard != phonemes(["-v", VOICES[reader]], plain(utterance.text)), "the title sounds as in its own language"
    assert_spoken(render(utterance, tmp_path / "mixed.wav"), utterance.text)


def test_a_span_in_the_same_voice_or_without_one_is_read_as_the_rest() -> None:
    same = Utterance(f"Инцијатива. {in_language('Biciklistička staza', 'sr-Latn')}.", "sr")
    assert espeak_input(same) == (["-v", "sr"], "Инцијатива. Biciklistička staza.")
    unknown = Utterance(f"Initiative. {in_language('Hallo Welt', 'de')}.", "en")
    assert espeak_input(unknown) == (["-v", "en"], "Initiative. Hallo Welt.")


def test_marked_text_is_escaped_for_the_speech_engine(tmp_path: Path) -> None:
    """A title with "<", "&" or quotes (SSML's markup characters) is said, not taken for markup."""
    title = 'Park <i> & klupe "Mostar"'
    utterance = Utterance(f"Initiative. {in_language(title, 'bs')} Support.", "en")
    options, text = espeak_input(utterance)
    assert "&lt;i&gt; &amp; klupe" in text and "<i>" not in text
    assert phonemes(["-v", "bs"], "klupe Mostar") in phonemes(options, text)  # the words after "&" are said
    assert_spoken(render(utterance, tmp_path / "escaped.wav"), utterance.text)


def test_bad_input_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="empty"):
        render(Utterance("   ", "bs"), tmp_path / "empty.wav")
    with pytest.raises(SpeechError, match="no voice"):
        render(Utterance("Hallo", "de"), tmp_path / "de.wav")
    assert list(tmp_path.iterdir()) == []


def test_the_speaker_returns_at_once_and_a_new_utterance_cuts_the_old(tmp_path: Path) -> None:
    speaker = Speaker(record_dir=tmp_path)
    long_text = "Ovo je dugačak tekst koji klupa čita polako, rečenicu po rečenicu. " * 200
    try:
        started = time.monotonic()
        speaker.say(long_text, "bs")
        speaker.say("Podržavam", "bs")  # the finger moved on
        assert time.monotonic() - started < 0.05  # the caller (the UI) never waits for speech
        assert speaker.wait_until_quiet(30)
        assert [u.text for u in speaker.history] == [long_text, "Podržavam"]
        said = [utterance.text for utterance, _ in speaker.recordings]
        assert said[-1] == "Podržavam" and long_text not in said  # cut short or never started
        assert_spoken(speaker.recordings[-1][1], "Podržavam")
    finally:
        speaker.close()


def test_stop_silences_the_speaker(tmp_path: Path) -> None:
    speaker = Speaker(record_dir=tmp_path)
    try:
        speaker.say("Jedan dugačak tekst koji nitko neće čuti do kraja. " * 200, "hr")  # ~1 s to render
        time.sleep(0.05)
        speaker.stop()
        assert speaker.wait_until_quiet(5)
        assert list(speaker.recordings) == []  # the cut file is not counted as said
    finally:
        speaker.close()


def run_say(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "kiosk", "say", *args], capture_output=True, text=True,
                          env=env, timeout=60, cwd=ROOT)


def test_the_say_command_writes_the_speech_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "hello.wav"
    done = run_say("--language", "sr", "Здраво, ово је аудио водич.", "--out", str(out))
    assert done.returncode == 0, done.stderr
    seconds, _ = assert_spoken(out, "Здраво, ово је аудио водич.")
    assert done.stdout.strip() == f"{out}: {seconds:.2f} s of speech in sr"


def test_the_say_command_refuses_bad_input(tmp_path: Path) -> None:
    done = run_say("--language", "de", "Hallo", "--out", str(tmp_path / "x.wav"))
    assert done.returncode == 2 and "invalid choice: 'de'" in done.stderr
    done = run_say("--language", "bs", " ", "--out", str(tmp_path / "x.wav"))
    assert done.returncode == 2 and "nothing to say" in done.stderr
    done = run_say("--language", "bs", "Zdravo", "--out", str(tmp_path / "missing" / "x.wav"))
    assert done.returncode == 2 and "does not exist" in done.stderr
    assert list(tmp_path.iterdir()) == []
