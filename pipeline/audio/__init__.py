"""Stage 4, audio: spoken turns → one levelled episode WAV → a loudness-normalised, tagged enclosure."""

from .assemble import LEAD_IN_MS, TAIL_MS, Segment, Span, Timeline, assemble, to_episode_format
from .encoder import Chapter, Encoder, Tags, get_encoder, register_encoder
from .loudness import MAX_TRUE_PEAK, TARGET_LUFS, Loudness, encode_normalised, measure_loudness
from .mp3 import ENCODING_VERSION, Mp3Encoder, encode_mp3, mp3_duration, write_tags

__all__ = ["ENCODING_VERSION", "LEAD_IN_MS", "MAX_TRUE_PEAK", "TAIL_MS", "TARGET_LUFS", "Chapter", "Encoder",
           "Loudness", "Mp3Encoder", "Segment", "Span", "Tags", "Timeline", "assemble", "encode_mp3",
           "encode_normalised", "get_encoder", "measure_loudness", "mp3_duration", "register_encoder",
           "to_episode_format", "write_tags"]
