"""Per-profile settings, stored inside the encrypted store."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    """What a user can change in the settings screen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    auto_lock_minutes: int = Field(default=5, ge=1, le=240)
    """Lock the app after this many idle minutes."""

    language: Literal["en", "my"] = "en"
    """Language of form labels in the app."""

    search_sensitive: bool = False
    """Whether sensitive fields (names, contacts, exact places) are searchable."""

    purge_delivered: bool = False
    """Whether delivered records may be purged from this device."""

    scenarios_dir: str | None = None
    """Extra folder of training scenarios (training profiles only)."""
