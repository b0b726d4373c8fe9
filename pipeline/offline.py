"""Keeping papercast offline: the runtimes it loads are told to send nothing, in every process.

onnxruntime (under Piper and hibari) sends telemetry from its native code: since 1.29 its
Linux and macOS builds look up mobile.events.data.microsoft.com a few seconds after a model
is loaded and upload process and model events, and `disable_telemetry_events()` does not
stop that. `ORT_DISABLE_TELEMETRY=1` does, but only when it is in the environment before
onnxruntime's native module loads: it is read once and latched for the life of the process.
So it is set when `pipeline` is imported, which comes before any engine module, and spawned
workers inherit it (and import `pipeline` again, which sets it again).
"""

from __future__ import annotations

import os
import sys

from .errors import SynthesisError

# Measured with strace: each of these unset let the process attempt the network, set stopped it.
QUIET_ENVIRONMENT = {"ORT_DISABLE_TELEMETRY": "1"}


def quiet_runtimes() -> bool:
    """Set the variables that keep runtimes offline; False if onnxruntime was loaded before they were set."""
    late = "onnxruntime" in sys.modules and os.environ.get("ORT_DISABLE_TELEMETRY") != "1"
    os.environ.update(QUIET_ENVIRONMENT)
    return not late


# onnxruntime already loaded without the variable (a library user imported it first) cannot be quietened.
QUIET = quiet_runtimes()


def onnxruntime_problem() -> str | None:
    """Why an engine built on onnxruntime may not run in this process, or None when it may."""
    if QUIET:
        return None
    return ("onnxruntime was loaded before papercast could turn its telemetry off; set ORT_DISABLE_TELEMETRY=1 "
            "in the environment, or import pipeline before onnxruntime")


def require_quiet_onnxruntime() -> None:
    """Refuse (SynthesisError) to start an onnxruntime engine that would send telemetry from this process."""
    problem = onnxruntime_problem()
    if problem:
        raise SynthesisError(problem)
