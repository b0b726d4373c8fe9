"""The reader's part (titles, findings, recaps) goes to the cast's clearer voice, from measured figures."""

from __future__ import annotations

import pytest

from pipeline.config import Host
from pipeline.speech import get_engine, reading_host
from pipeline.speech.casting import CLEARER_BY
from pipeline.speech.engines.espeak import Pyttsx3Engine
from pipeline.speech.engines.hibari import HibariEngine
from pipeline.speech.engines.piper import PiperEngine


def _hosts(first: tuple[str, str], second: tuple[str, str]) -> tuple[Host, Host]:
    return Host("Theo", engine=first[0], voice=first[1]), Host("Maya", engine=second[0], voice=second[1])


def test_each_engine_knows_its_voices_measured_word_error_rates():
    assert Pyttsx3Engine.word_error_rate("gmw/en-us") < Pyttsx3Engine.word_error_rate("gmw/en-us+f3")
    assert HibariEngine.word_error_rate("heart") < PiperEngine.word_error_rate("en_US-joe-medium")
    assert Pyttsx3Engine.word_error_rate("gmw/de") is None  # never measured: no figure is made up


def test_the_voice_records_carry_the_figure():
    voices = {v.id: v for v in get_engine("pyttsx3").voices()}
    assert voices["gmw/en-us"].word_error_rate == Pyttsx3Engine.word_error_rate("gmw/en-us")
    assert voices["gmw/de"].word_error_rate is None


@pytest.mark.parametrize(("first", "second", "reader"), [
    (("piper", "en_US-joe-medium"), ("hibari", "heart"), 1),  # the neural cast: Maya's voice is clearer
    (("pyttsx3", "gmw/en-us"), ("pyttsx3", "gmw/en-us+f3"), 0),  # espeak: Theo's is, so Theo reads
    (("pyttsx3", "gmw/en-us+f3"), ("pyttsx3", "gmw/en-us"), 1),
    (("hibari", "heart"), ("piper", "en_US-joe-medium"), 0),
    (("pyttsx3", "gmw/de"), ("pyttsx3", "gmw/en-us+f3"), 1),  # unmeasured: the templates' own choice
    (("no-such-engine", "x"), ("pyttsx3", "gmw/en-us+f3"), 1),
])
def test_the_clearer_voice_reads(first, second, reader):
    assert reading_host(_hosts(first, second)) == reader


def test_a_difference_within_the_spread_changes_nothing(monkeypatch):
    monkeypatch.setattr(Pyttsx3Engine, "WORD_ERROR_RATES", {"a": 0.20, "b": 0.20 + CLEARER_BY / 2})
    assert reading_host(_hosts(("pyttsx3", "a"), ("pyttsx3", "b"))) == 1
