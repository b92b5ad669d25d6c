"""Messages the app's screens post to each other."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from fieldkit.profile import Profile


@dataclass
class Unlocked(Message):
    """The store was unlocked."""

    profile: Profile
