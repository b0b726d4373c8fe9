"""The files published beside each episode: chapters and transcripts, written (write.py) and read back (read.py)."""

from .read import parse_chapters, parse_json_transcript, parse_srt, parse_vtt
from .write import (
                    EPISODE_DIR,
                    EpisodeFiles,
                    chapters,
                    chapters_json,
                    cues,
                    episode_files,
                    sidecar_inputs,
                    srt,
                    transcript_json,
                    webvtt,
                    write_episode_files,
)

__all__ = ["EPISODE_DIR", "EpisodeFiles", "chapters", "chapters_json", "cues", "episode_files", "parse_chapters",
           "parse_json_transcript", "parse_srt", "parse_vtt", "sidecar_inputs", "srt", "transcript_json", "webvtt",
           "write_episode_files"]
