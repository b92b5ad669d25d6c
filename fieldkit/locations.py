"""Where a profile's files live on disk."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

HOME_ENV = "FIELDKIT_HOME"


def default_home() -> Path:
    """The profile folder used when neither --home nor FIELDKIT_HOME is given."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("fieldkit", appauthor=False)) / "profile"


@dataclass(frozen=True)
class ProfilePaths:
    """Every path inside one profile folder."""

    home: Path

    @property
    def database(self) -> Path:
        return self.home / "fieldkit.db"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    def sidecars(self) -> list[Path]:
        """SQLite's own companion files (encrypted by SQLCipher like the main file)."""
        return [self.home / "fieldkit.db-wal", self.home / "fieldkit.db-shm"]


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) if needed and make it 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
