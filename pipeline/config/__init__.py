"""The show's settings (`papercast.toml`) and episode definitions, validated as a whole.

settings.py holds the frozen records and their defaults (written once, there); show.py reads
`papercast.toml` table by table and episode.py `episodes/*.toml`, each checking against
publish/spec.py and reporting every problem at once; fields.py is the TOML reading they share.
"""

from .episode import episode_paths, load_episode
from .settings import (
                       AUTO_ENGINE,
                       CONFIG_NAME,
                       STATE_DIR_NAME,
                       AudioSettings,
                       BuildSettings,
                       EpisodeDef,
                       Host,
                       PapersSettings,
                       PublishSettings,
                       ShowConfig,
                       default_bitrate,
                       lock_path,
)
from .show import load_show, scheduler_address_problem, scheduler_host_port, show_settings

__all__ = ["AUTO_ENGINE", "CONFIG_NAME", "STATE_DIR_NAME", "AudioSettings", "BuildSettings", "EpisodeDef", "Host",
           "PapersSettings", "PublishSettings", "ShowConfig", "default_bitrate", "episode_paths", "lock_path",
           "load_episode", "load_show", "scheduler_address_problem", "scheduler_host_port", "show_settings"]
