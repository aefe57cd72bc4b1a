"""How the catalog pages write durations and times (the table, the Overview tab)."""

from __future__ import annotations

from functools import lru_cache

from app.core.catalog import parse_timestamp


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@lru_cache(maxsize=4096)
def format_time(stamp: str | None) -> str:
    """A catalog timestamp in local time to the minute; cached, since a table repaints often."""
    return "" if not stamp else parse_timestamp(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
