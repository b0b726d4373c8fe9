"""The engine contract, the registry, and the real pyttsx3 engine's checks."""

from __future__ import annotations

import pytest

from pipeline.speech.engines.espeak import split_sentences
from pipeline.errors import SynthesisError
from pipeline.speech import Audio, Engine, check_audio, engine_names, get_engine, speak


def test_registry_lists_pyttsx3_and_rejects_unknown_engines():
    assert "pyttsx3" in engine_names()
    with pytest.raises(SynthesisError, match="unknown speech engine 'nope'"):
        get_engine("nope")


def test_engine_is_one_instance_per_process():
    assert get_engine("pyttsx3") is get_engine("pyttsx3")
    assert isinstance(get_engine("pyttsx3"), Engine)


def test_pyttsx3_speaks_both_default_voices():
    engine = get_engine("pyttsx3")
    first, second = engine.default_voices()
    text = "The gut and the brain talk to each other. Researchers are listening."
    a = speak("pyttsx3", text, first, 170)
    b = speak("pyttsx3", text, second, 170)
    assert a.sample_rate == b.sample_rate == 22050
    for audio in (a, b):
        assert 2.0 < audio.duration < 8.0
        assert audio.peak() > 1000
    assert a.pcm != b.pcm  # two different voices


def test_every_sentence_is_spoken():
    # pyttsx3 has been seen to drop the first of several sentences; each is spoken on its own.
    one = speak("pyttsx3", "Migraine is common.", "gmw/en-us", 170)
    three = speak("pyttsx3", "Migraine is common. It is also costly. Nobody knows why.", "gmw/en-us", 170)
    assert three.duration > 2.2 * one.duration


def test_rate_changes_pace():
    slow = speak("pyttsx3", "A sentence of a reasonable length for timing.", "gmw/en-us", 120)
    fast = speak("pyttsx3", "A sentence of a reasonable length for timing.", "gmw/en-us", 240)
    assert slow.duration > 1.5 * fast.duration


def test_unknown_voice_and_variant_are_errors():
    # espeak itself silently keeps the previous voice, so papercast checks names first.
    with pytest.raises(SynthesisError, match="no voice 'xx-nowhere'"):
        speak("pyttsx3", "Hello.", "xx-nowhere", 170)
    with pytest.raises(SynthesisError, match="no voice variant 'zz9'"):
        speak("pyttsx3", "Hello.", "gmw/en-us+zz9", 170)


def test_voice_names_resolve_to_ids():
    engine = get_engine("pyttsx3")
    assert engine.resolve_voice("en-us+f3") == "gmw/en-us+f3"
    assert any(v.id == "gmw/en-us" for v in engine.voices())


def test_split_sentences():
    assert split_sentences("One. Two? Three!  Four") == ["One.", "Two?", "Three!", "Four"]


def _tone(seconds: float, amplitude: int = 8000, rate: int = 22050) -> Audio:
    import array
    import math

    samples = array.array("h", (int(amplitude * math.sin(i / 5)) for i in range(int(seconds * rate))))
    return Audio(samples.tobytes(), rate)


def test_check_audio_rejects_empty_silent_and_implausible_audio():
    with pytest.raises(SynthesisError, match="no audio"):
        check_audio(Audio(b"", 22050), "hello there", 170)
    with pytest.raises(SynthesisError, match="only silence"):
        check_audio(Audio(b"\x00\x00" * 22050, 22050), "hello there", 170)
    ten_words = "one two three four five six seven eight nine ten"
    with pytest.raises(SynthesisError, match="implausible audio length"):
        check_audio(_tone(0.3), ten_words, 170)  # a dropped sentence
    with pytest.raises(SynthesisError, match="implausible audio length"):
        check_audio(_tone(60.0), ten_words, 170)  # a runaway engine
    check_audio(_tone(3.5), ten_words, 170)


def _zero_crossings_per_second(audio: Audio) -> float:
    import array

    samples = array.array("h", audio.pcm)
    return sum((a < 0) != (b < 0) for a, b in zip(samples, samples[1:])) / audio.duration


def test_alternating_voices_and_rates_are_each_applied():
    # Under pyttsx3, espeak applied a voice or rate change late about a third of the time;
    # every utterance here must come out with its own settings.
    text = "A sentence of a reasonable length for timing."
    results = []
    for _ in range(6):
        for voice, rate in (("gmw/en-us", 120), ("gmw/en-us+f3", 240)):
            audio = speak("pyttsx3", text, voice, rate)
            results.append((voice, audio.duration, _zero_crossings_per_second(audio)))
    slow_male = [r for r in results if r[0] == "gmw/en-us"]
    fast_female = [r for r in results if r[0] == "gmw/en-us+f3"]
    assert min(d for _, d, _ in slow_male) > 1.6 * max(d for _, d, _ in fast_female)
    assert min(z for _, _, z in fast_female) > max(z for _, _, z in slow_male)  # higher voice
