"""A profile: the unlocked store plus who this device is and whom it trusts."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fieldkit import audit
from fieldkit.clock import Clock, rfc3339, utc_now
from fieldkit.errors import FieldkitError, UsageError
from fieldkit.kdf import PRODUCT, KdfParams
from fieldkit.settings import Settings
from fieldkit.store import Store
from keys.card import IdentityCard, format_card, parse_card
from keys.errors import FingerprintMismatch
from keys.identity import Identity, PublicIdentity, normalise_fingerprint

Role = Literal["fieldworker", "coordinator", "training"]
ROLES: tuple[Role, ...] = ("fieldworker", "coordinator", "training")
MAX_NAME = 200


class TrustError(FieldkitError):
    """This card cannot be trusted."""

    title = "Cannot trust card"


@dataclass(frozen=True)
class Peer:
    """A trusted (or revoked) device of somebody else."""

    name: str
    role: str
    public: PublicIdentity
    trusted_at: str
    revoked_at: str | None

    @property
    def fingerprint(self) -> str:
        return self.public.fingerprint


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise UsageError("The profile name is empty.", hint="give a name with --name")
    if len(name) > MAX_NAME or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise UsageError(
            "The profile name is too long or contains control characters.",
            hint=f"use a plain name of at most {MAX_NAME} characters",
        )
    return name


class Profile:
    """An unlocked profile. Close it (or use ``with``) to lock."""

    def __init__(self, store: Store, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock
        self._identity: Identity | None = None

    # -- lifecycle ---------------------------------------------------------

    @classmethod
    def create(
        cls,
        home: Path,
        passphrase: str,
        *,
        name: str,
        role: str,
        params: KdfParams = PRODUCT,
        clock: Clock = utc_now,
        rand: Callable[[int], bytes] = os.urandom,
        identity: Identity | None = None,
    ) -> Profile:
        """Create a profile with a fresh device identity (``identity`` pins it in tests)."""
        name = _check_name(name)
        if role not in ROLES:
            raise UsageError(
                f"Unknown role {role!r}.", hint="choose fieldworker, coordinator or training"
            )
        store = Store.create(home, passphrase, params=params, rand=rand)
        identity = identity if identity is not None else Identity.generate()
        now = clock()
        card = IdentityCard.create(identity, name, role, now=now)
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO identity (id, signing_private, encryption_private, card, created_at)"
                " VALUES (1, ?, ?, ?, ?)",
                (
                    identity.signing_private_bytes(),
                    identity.encryption_private_bytes(),
                    format_card(card),
                    rfc3339(now),
                ),
            )
            for key, value in (
                ("name", name),
                ("role", role),
                ("created_at", rfc3339(now)),
                ("settings", Settings().model_dump_json()),
            ):
                conn.execute("INSERT INTO profile (key, value) VALUES (?, ?)", (key, value))
            audit.append(conn, "init", identity.public.fingerprint, {"role": role}, clock=clock)
        return cls(store, clock)

    @classmethod
    def open(
        cls, home: Path, passphrase: str, *, params: KdfParams = PRODUCT, clock: Clock = utc_now
    ) -> Profile:
        """Unlock an existing profile."""
        return cls(Store.open(home, passphrase, params=params), clock)

    def close(self) -> None:
        self._identity = None
        self.store.close()

    def __enter__(self) -> Profile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- who we are --------------------------------------------------------

    def _value(self, key: str) -> str:
        row = self.store.query_one("SELECT value FROM profile WHERE key = ?", (key,))
        if row is None:
            raise FieldkitError("The profile is incomplete.", hint="create a new profile")
        return str(row[0])

    @property
    def name(self) -> str:
        return self._value("name")

    @property
    def role(self) -> str:
        return self._value("role")

    @property
    def created_at(self) -> str:
        return self._value("created_at")

    @property
    def identity(self) -> Identity:
        if self._identity is None:
            row = self.store.query_one(
                "SELECT signing_private, encryption_private FROM identity WHERE id = 1"
            )
            if row is None:
                raise FieldkitError("This profile has no device identity.")
            self._identity = Identity.from_private_bytes(bytes(row[0]), bytes(row[1]))
        return self._identity

    @property
    def fingerprint(self) -> str:
        return self.identity.public.fingerprint

    def card_text(self) -> str:
        row = self.store.query_one("SELECT card FROM identity WHERE id = 1")
        if row is None:
            raise FieldkitError("This profile has no identity card.")
        return str(row[0])

    # -- settings ------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return Settings.model_validate_json(self._value("settings"))

    def update_settings(self, **changes: object) -> Settings:
        new = Settings.model_validate({**self.settings.model_dump(), **changes})
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE profile SET value = ? WHERE key = 'settings'", (new.model_dump_json(),)
            )
            audit.append(conn, "settings", None, {"changed": sorted(changes)}, clock=self.clock)
        return new

    # -- trust -----------------------------------------------------------------

    def trust(self, card_text: str, fingerprint: str | None) -> Peer:
        """Enrol the device described by ``card_text``.

        ``fingerprint`` is what the card's owner read out; when given it must
        match. The caller is responsible for a confirmation step when it is not.
        """
        card = parse_card(card_text)
        if fingerprint is not None:
            given = normalise_fingerprint(fingerprint)
            if given != card.public.fingerprint_digits:
                raise FingerprintMismatch(
                    "The fingerprint you typed does not match this card.",
                    hint="the card may have been replaced; ask its owner to read the number again",
                )
        if card.public == self.identity.public:
            raise TrustError(
                "This is this device's own card.", hint="trust the other device's card"
            )
        existing = self.store.query_one(
            "SELECT revoked_at FROM peers WHERE fingerprint = ?", (card.fingerprint,)
        )
        if existing is not None and existing[0] is not None:
            raise TrustError(
                "This key was revoked on this device.", hint="ask its owner for a new card"
            )
        now = rfc3339(self.clock())
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO peers (fingerprint, name, role, signing_key, encryption_key, card,"
                " trusted_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(fingerprint) DO UPDATE SET name = excluded.name,"
                " role = excluded.role, card = excluded.card",
                (
                    card.fingerprint,
                    card.name,
                    card.role,
                    card.public.signing_key,
                    card.public.encryption_key,
                    format_card(card),
                    now,
                ),
            )
            audit.append(
                conn, "trust", card.fingerprint, {"role": card.role}, clock=self.clock
            )
        return Peer(card.name, card.role, card.public, now, None)

    def peers(self, role: str | None = None, *, include_revoked: bool = False) -> list[Peer]:
        sql = (
            "SELECT name, role, signing_key, encryption_key, trusted_at, revoked_at FROM peers"
        )
        rows = self.store.query(sql + " ORDER BY trusted_at, name")
        out = []
        for name, prole, sk, ek, trusted_at, revoked_at in rows:
            if role is not None and prole != role:
                continue
            if revoked_at is not None and not include_revoked:
                continue
            out.append(Peer(name, prole, PublicIdentity(bytes(sk), bytes(ek)), trusted_at,
                            revoked_at))
        return out

    def peer(self, fingerprint: str) -> Peer | None:
        """The trusted, unrevoked peer with this fingerprint (any spacing), if any."""
        digits = normalise_fingerprint(fingerprint)
        for p in self.peers():
            if p.public.fingerprint_digits == digits:
                return p
        return None
