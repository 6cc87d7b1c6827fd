"""The operations of the early-warning platform, one module per aggregate (see docs/warnings.md)."""

from ._common import WarningsError
from .detection import build_series, run_detection
from .sources import check_stale_sources, load_source_file, record_own_observation, record_own_observations
from .warnings import (
    answer_warning,
    close_warning,
    dismiss_signal,
    merge_signals,
    open_items,
    publish_consumer_notice,
    raise_warning,
    verify_measures,
)

__all__ = [
    "WarningsError",
    "answer_warning",
    "build_series",
    "check_stale_sources",
    "close_warning",
    "dismiss_signal",
    "load_source_file",
    "merge_signals",
    "open_items",
    "publish_consumer_notice",
    "raise_warning",
    "record_own_observation",
    "record_own_observations",
    "run_detection",
    "verify_measures",
]
