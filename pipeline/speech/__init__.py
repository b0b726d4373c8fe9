"""Stage 3, speech: each turn's spoken text → audio, offline, through engines behind one contract."""

from .cache import TurnCache, turn_key
from .casting import auto_cast, cast, reading_host, resolve_hosts, words_per_minute
from .engine import Audio, Engine, EngineNotInstalled, Voice, join_sentences, rate_factor
from .pronounce import Pronunciation, apply_pronunciations, normalise_ipa, parse_pronunciations, pronunciation_table
from .registry import check_audio, engine_names, expected_seconds, get_engine, speak

__all__ = ["Audio", "Engine", "EngineNotInstalled", "Pronunciation", "TurnCache", "Voice", "apply_pronunciations",
           "auto_cast", "cast", "check_audio", "engine_names", "expected_seconds", "get_engine", "join_sentences",
           "normalise_ipa", "parse_pronunciations", "pronunciation_table", "rate_factor", "reading_host",
           "resolve_hosts", "speak", "turn_key", "words_per_minute"]
