"""``python -m kiosk say --language LANG TEXT --out FILE.wav``: the kiosk's speech written to a
file, through the audio guide's own code path (kiosk.core.speech), to check what a bench says."""
from __future__ import annotations

import argparse
import sys
import wave
from pathlib import Path

from kiosk.core.speech import VOICES, SpeechError, Utterance, render


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--language", required=True, choices=list(VOICES), help="the language of TEXT")
    parser.add_argument("--out", required=True, type=Path, help="the WAV file to write")
    parser.add_argument("text", metavar="TEXT", help="what to say")


def main(args: argparse.Namespace) -> int:
    if not args.out.parent.is_dir():
        print(f"cannot write {args.out}: the folder {args.out.parent} does not exist", file=sys.stderr)
        return 2
    try:
        render(Utterance(args.text, args.language), args.out)
    except SpeechError as error:
        print(f"cannot say it: {error}", file=sys.stderr)
        return 2
    with wave.open(str(args.out), "rb") as audio:
        seconds = audio.getnframes() / audio.getframerate()
    print(f"{args.out}: {seconds:.2f} s of speech in {args.language}")
    return 0
