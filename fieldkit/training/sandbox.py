"""The training sandbox: a separate profile with role ``training`` that never mixes
with real data.

It lives in the ``training`` folder inside the profile folder, has its own store
and its own device key, and its passphrase is a fixed, printed one: it holds
only fictional cases, and trainees must not be slowed down by a passphrase
they do not need. Exports from it are refused, and coordinators refuse any
bundle whose sender is a training profile.
"""

from __future__ import annotations

from pathlib import Path

from fieldkit.kdf import PRODUCT, KdfParams
from fieldkit.locations import ProfilePaths
from fieldkit.profile import Profile
from fieldkit.wipe import wipe_profile

SANDBOX_PASSPHRASE = "training sandbox - not real data"
BANNER = "TRAINING — NOT REAL DATA"
FICTION_NOTE = (
    "All people and places in these scenarios are fictional or generic. "
    "Never enter a real case here."
)


def sandbox_home(home: Path) -> Path:
    """Where the sandbox for the profile folder ``home`` lives."""
    return Path(home) / "training"


def open_sandbox(home: Path, *, params: KdfParams = PRODUCT) -> Profile:
    """Open the sandbox, creating it on first use."""
    where = sandbox_home(home)
    if ProfilePaths(where).database.exists():
        return Profile.open(where, SANDBOX_PASSPHRASE, params=params)
    Path(home).mkdir(parents=True, exist_ok=True, mode=0o700)
    return Profile.create(
        where, SANDBOX_PASSPHRASE, name="Training sandbox", role="training", params=params
    )


def reset_sandbox(home: Path, *, params: KdfParams = PRODUCT) -> Profile:
    """Throw the sandbox away and start a fresh one (for the trainer between groups)."""
    where = sandbox_home(home)
    if ProfilePaths(where).database.exists():
        wipe_profile(where)
    return open_sandbox(home, params=params)
