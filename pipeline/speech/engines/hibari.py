"""hibari: a small neural voice (Kokoro-82M distilled) that runs many times faster than real time.

The `heart` voice ships inside the `hibari-tts` wheel. hibari's other voices are downloads,
and papercast never downloads: they are used only when their model file is already on disk,
in HIBARI_HOME (or hibari's cache folder) or at a path given as the voice.
"""

from __future__ import annotations

import hashlib
import os
import re
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

from ... import offline
from ...errors import SynthesisError
from ..engine import (
    NEURAL_INSTALL,
    Audio,
    Engine,
    EngineNotInstalled,
    Voice,
    join_sentences,
    rate_factor,
)

SAMPLE_RATE = 24000
SEED = 0  # hibari's vocoder adds noise; a fixed seed makes a turn's audio identical on every build
SENTENCE_PAUSE = 0.32  # seconds between sentences at the natural pace: hibari's own edges make 0.8 s
BUNDLED = "heart"

# Phonemes as espeak-ng writes them (see speech.normalise_ipa) -> hibari's alphabet (misaki's):
# diphthongs and affricates are single letters, American vowels carry no length mark.
_MISAKI = [("eɪ", "A"), ("aɪ", "I"), ("ɔɪ", "Y"), ("aʊ", "W"), ("oʊ", "O"), ("əʊ", "O"), ("dʒ", "ʤ"),
           ("tʃ", "ʧ"), ("ɝ", "ɜɹ"), ("ɚ", "əɹ"), ("ɾ", "T"), ("ʔ", "t"), ("ɐ", "ə"), ("ʲ", "")]


def to_misaki(ipa: str, british: bool = False) -> str:
    """Convert espeak-style IPA to the phoneme alphabet hibari's model reads."""
    for ipa_form, letter in _MISAKI:
        ipa = ipa.replace(ipa_form, "Q" if british and ipa_form == "əʊ" else letter)
    # American voices write the NURSE vowel as "ɜɹ" and no length marks.
    return ipa if british else re.sub(r"ɜːɹ?", "ɜɹ", ipa).replace("ː", "")


class HibariEngine(Engine):
    """hibari-tts voices: the packaged `heart` and any local model file, loaded once per process."""

    # bench-wer, 2026-11-30, demo episodes at 6748146 (README, "word error rate").
    WORD_ERROR_RATES: ClassVar[dict[str, float]] = {"heart": 0.068}

    name = "hibari"
    supports_pitch = True

    def __init__(self) -> None:
        offline.require_quiet_onnxruntime()  # it would send telemetry: never load it that way
        try:
            import hibari
            import hibari.dsp
            import hibari.voices
            import numpy
        except ImportError as exc:
            raise EngineNotInstalled(
                f"hibari-tts is not installed ({exc}); install it with: {NEURAL_INSTALL}") from None
        self._hibari, self._np = hibari, numpy
        self._registry: dict[str, dict[str, Any]] = hibari.voices.VOICES
        self._models: dict[str, Any] = {}
        self._digests: dict[str, str] = {}

    # --- voices ----------------------------------------------------------------------------

    def _home(self) -> Path:
        return Path(self._hibari.voices.cache_dir())

    def _registered(self, name: str) -> Path | None:
        """The model file of a registry voice if it is on this machine (never downloaded)."""
        entry = self._registry[name]
        if entry.get("bundled"):
            return Path(self._hibari.voices.voice_path(name, download_missing=False))
        path = self._home() / entry["file"]
        return path if path.is_file() else None

    def _g2p_voice(self, model: Path) -> str:
        """The registry voice whose spelling rules suit a model file: by file name, else Kokoro's prefix."""
        for name, entry in self._registry.items():
            if entry["file"] == model.name:
                return name
        british = re.match(r"b[fm]_", model.name) is not None  # Kokoro names British voices bf_/bm_
        return next(n for n, e in self._registry.items() if e["british"] == british)

    def resolve(self, voice: str) -> tuple[Path, str]:
        """The model file for `voice` and the registry voice whose G2P it uses; SynthesisError if not local."""
        if voice in self._registry:
            path = self._registered(voice)
            if path is None:
                file = self._registry[voice]["file"]
                raise SynthesisError(
                    f"hibari voice {voice!r} is not installed locally (only {BUNDLED!r} ships in the package, and "
                    f"papercast never downloads); copy {file} into {self._home()} (set HIBARI_HOME to choose "
                    f"the folder) or give the model file's path as the voice"
                )
            return path, voice
        if voice.endswith(".onnx") or os.sep in voice:
            path = Path(voice).expanduser()
            if not path.is_file():
                raise SynthesisError(f"hibari model file {voice!r} does not exist")
            return path.resolve(), self._g2p_voice(path)
        raise SynthesisError(
            f"hibari has no voice {voice!r}; local voices: {', '.join(v.id for v in self.voices())} "
            f"(or give an .onnx model file's path)"
        )

    def check_voice(self, voice: str) -> None:
        self.resolve(voice)

    def voices(self) -> list[Voice]:
        found: list[Voice] = []
        for name, entry in self._registry.items():
            if self._registered(name) is not None:
                found.append(Voice(id=name, name=f"{name} ({entry['accent']})", language=entry["language"],
                                   gender=entry["gender"], word_error_rate=self.word_error_rate(name)))
        home = self._home()
        known = {entry["file"] for entry in self._registry.values()}
        if home.is_dir():
            for path in sorted(home.glob("*.onnx")):
                if path.name not in known:
                    found.append(Voice(id=str(path), name=path.stem, language="en"))
        return found

    def default_voices(self) -> tuple[str, str]:
        local = self.voices()
        male = next((v.id for v in local if v.gender == "male" and v.id in self._registry), BUNDLED)
        return male, BUNDLED

    def version(self) -> str:
        return f"hibari-tts-{metadata.version('hibari-tts')}"

    def voice_version(self, voice: str) -> str:
        path, g2p = self.resolve(voice)
        key = str(path)
        if key not in self._digests:  # a local file may be replaced: its content, not its name, counts
            self._digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        return f"{self.version()}+{voice}+{g2p}+{self._digests[key]}"

    def phonemes_markup(self, word: str, ipa: str) -> str | None:
        return f"[{word}](/{to_misaki(ipa)}/)"

    # --- speech ----------------------------------------------------------------------------

    def _model(self, voice: str) -> Any:
        path, g2p = self.resolve(voice)
        key = f"{path}|{g2p}"
        model = self._models.get(key)
        if model is None:
            try:
                # One thread: the build runs one worker process per core.
                model = self._hibari.Hibari(voice=g2p, model=str(path), threads=1)
            except Exception as exc:  # onnxruntime raises its own types for a corrupt model
                raise SynthesisError(f"hibari cannot load {path}: {exc}") from None
            self._models[key] = model
        return model

    def phonemes(self, text: str, voice: str) -> list[str]:
        """The phonemes hibari will speak for `text`, one string per sentence (to check a pronunciation)."""
        return list(self._model(voice).phonemize(text))

    def synthesize(self, text: str, voice: str, rate: int, pitch: float = 0.0) -> Audio:
        np = self._np
        model = self._model(voice)
        speed = rate_factor(rate)
        rng = np.random.default_rng(SEED)
        pieces: list[bytes] = []
        for phonemes in model.phonemize(text):
            ids = model.ids(phonemes)
            if len(ids) < 3:
                continue
            if pitch:
                wav = self._pitched(model, ids, speed, pitch, rng)
            else:
                wav = model.from_ids(ids, speed, rng)
            pieces.append((np.clip(wav, -1.0, 1.0) * 32767.0).astype("<i2").tobytes())
        if not pieces:
            raise SynthesisError(f"hibari found nothing to say in {text[:60]!r}")
        # A slower host pauses longer too.
        return Audio(pcm=join_sentences(pieces, SAMPLE_RATE, SENTENCE_PAUSE / speed), sample_rate=SAMPLE_RATE)

    def _pitched(self, model: Any, ids: list[int], speed: float, pitch: float, rng: Any) -> Any:
        """One sentence with its pitch curve moved by `pitch` semitones.

        hibari's network predicts a pitch curve and a spectral envelope separately and a
        vocoder in Python joins them, so scaling the curve changes pitch, not timbre or pace.
        """
        np = self._np
        out = model.sess.run(None, {"ids": np.asarray([ids], np.int64), "speed": np.asarray([speed], np.float32)})
        lh, th, ln, lr, phi, f0 = (o[0] for o in out)
        return self._hibari.dsp.synth(lh, th, ln, lr, phi, f0 * 2.0 ** (pitch / 12.0), rng)
