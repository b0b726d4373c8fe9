"""espeak-ng through pyttsx3: always available, robotic, very fast."""

from __future__ import annotations

import atexit
import contextlib
import gc
import glob
import io
import os
import re
import shutil
import tempfile
import wave
import weakref
from importlib import metadata
from pathlib import Path
from typing import ClassVar

from ...errors import SynthesisError
from ..engine import Audio, Engine, EngineNotInstalled, Voice

# Sentence ends: espeak is given one sentence at a time, because pyttsx3 2.99 has been
# seen to drop the first of several sentences and to return before a long file exists.
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_SAMPLE_RATE = 22050
_VARIANT_DIRS = (
    "/usr/lib/*/espeak-ng-data/voices/!v",
    "/usr/share/espeak-ng-data/voices/!v",
    "/usr/local/share/espeak-ng-data/voices/!v",
)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, keeping their punctuation."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _variants() -> set[str] | None:
    """espeak-ng's voice variants (f3, m2, klatt, ...), or None if the data folder is not found."""
    for pattern in _VARIANT_DIRS:
        for folder in glob.glob(pattern):
            return {name for name in os.listdir(folder)}
    return None


class Pyttsx3Engine(Engine):
    """pyttsx3's espeak driver, wrapped so that every file it writes is checked."""

    # bench-wer, 2026-11-30, demo episodes at 6748146 (README, "word error rate").
    WORD_ERROR_RATES: ClassVar[dict[str, float]] = {"gmw/en-us": 0.225, "gmw/en-us+f3": 0.324}

    name = "pyttsx3"

    def __init__(self) -> None:
        try:
            import pyttsx3
            from pyttsx3.drivers import _espeak
        except ImportError as exc:  # a Dask worker may lack it (papercast installed without its dependencies)
            raise EngineNotInstalled(f"pyttsx3 is not installed ({exc})") from None
        try:
            # One engine per process: pyttsx3 hangs when two are used side by side.
            self._engine = pyttsx3.init("espeak")
        except (OSError, RuntimeError, ImportError) as exc:
            raise EngineNotInstalled(
                f"pyttsx3 cannot start espeak-ng ({exc}); install it with: apt-get install libespeak-ng1 espeak-ng-data"
            ) from None
        self._espeak = _espeak
        atexit.register(self._release)
        self._folder: Path | None = None
        self._voices = {v.id: v for v in self._engine.getProperty("voices")}
        self._variant_names = _variants()
        self._counter = 0

    def _release(self) -> None:
        # pyttsx3's DriverProxy.__del__ fails during interpreter teardown (its modules are
        # gone by then); releasing the engine at exit lets it be collected while they exist.
        self._engine = None
        gc.collect()

    def voices(self) -> list[Voice]:
        return [
            Voice(id=v.id, name=v.name, language=(v.languages or [""])[0], gender=(v.gender or "").lower(),
                  word_error_rate=self.word_error_rate(v.id))
            for v in sorted(self._voices.values(), key=lambda v: v.id)
        ]

    def default_voices(self) -> tuple[str, str]:
        return ("gmw/en-us", "gmw/en-us+f3")

    def version(self) -> str:
        try:
            return f"pyttsx3-{metadata.version('pyttsx3')}"
        except metadata.PackageNotFoundError:  # pragma: no cover
            return "pyttsx3-unknown"

    def check_voice(self, voice: str) -> None:
        self.resolve_voice(voice)

    def resolve_voice(self, voice: str) -> str:
        """The canonical id of `voice` ("gmw/en-us+f3"); an unknown voice or variant is an error.

        espeak silently keeps the previous voice when asked for one it lacks, so
        the name is checked here rather than trusted to the engine.
        """
        base, plus, variant = voice.partition("+")
        match = self._voices.get(base) or next(
            (v for v in self._voices.values() if base in (v.name, v.id.rpartition("/")[2])), None
        )
        if match is None:
            raise SynthesisError(f"pyttsx3 has no voice {base!r}; see `papercast voices`")
        if plus and self._variant_names is not None and variant not in self._variant_names:
            raise SynthesisError(f"espeak-ng has no voice variant {variant!r} (try f1-f5 or m1-m8)")
        return match.id + (plus + variant if plus else "")

    @property
    def _workdir(self) -> Path:
        """The folder pyttsx3 writes each sentence to, made on first use: a process that only
        lists voices or reads versions leaves nothing behind should it be killed."""
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="papercast-espeak-"))
            weakref.finalize(self, shutil.rmtree, self._folder, True)
        return self._folder

    def _say_to_file(self, sentence: str) -> bytes:
        self._counter += 1
        target = self._workdir / f"{self._counter}.wav"
        # pyttsx3 prints "Audio saved to ..." on stdout, which must stay clean for the CLI.
        with contextlib.redirect_stdout(io.StringIO()):
            self._engine.save_to_file(sentence, str(target))
            self._engine.runAndWait()
            self._espeak.Synchronize()  # runAndWait can return before the file is complete
        try:
            with wave.open(str(target), "rb") as wav:
                if wav.getnchannels() != 1 or wav.getsampwidth() != 2 or wav.getframerate() != _SAMPLE_RATE:
                    raise SynthesisError(f"pyttsx3 wrote an unexpected WAV format to {target}")
                return wav.readframes(wav.getnframes())
        except (FileNotFoundError, wave.Error, EOFError):
            return b""
        finally:
            target.unlink(missing_ok=True)

    def synthesize(self, text: str, voice: str, rate: int) -> Audio:
        self._engine.setProperty("voice", self.resolve_voice(voice))
        self._engine.setProperty("rate", rate)
        # espeak runs asynchronously under pyttsx3: without waiting here, about a third of
        # the utterances after a voice or rate change came out with the previous settings.
        self._espeak.Synchronize()
        pieces: list[bytes] = []
        for sentence in split_sentences(text):
            pcm = self._say_to_file(sentence)
            if not pcm:  # the known pyttsx3 race: one retry, then a clear error
                pcm = self._say_to_file(sentence)
            if not pcm:
                raise SynthesisError(f"pyttsx3 wrote no audio for the sentence {sentence[:60]!r}")
            pieces.append(pcm)
        return Audio(pcm=b"".join(pieces), sample_rate=_SAMPLE_RATE)
