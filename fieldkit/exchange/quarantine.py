"""Quarantine: a rejected bundle is copied aside with a plain-language report.

Nothing from a rejected bundle touches the store. The copy keeps the bundle
exactly as received (still age-encrypted) in ``<home>/quarantine/<random>.fkb``
(mode 0600) so it can be examined later; ``<random>.txt`` says when, why and
which checks had passed. The report names the bundle only by its id and the
sender by fingerprint, and never quotes the file's name: people rename files
after villages or victims.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fieldkit.clock import Clock, rfc3339, utc_now
from fieldkit.errors import FieldkitError
from fieldkit.exchange.checks import CHECKS
from fieldkit.exchange.export import fsync_directory
from fieldkit.exchange.import_ import ImportResult, import_bundle
from fieldkit.exchange.sent import SentBundle, find_sent
from fieldkit.locations import ensure_private_dir
from fieldkit.profile import Profile
from sync.bundle import BundleReader
from sync.errors import NotForThisDevice
from sync.ids import random_name

COPY_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one bundle file: a result, or the error and where the copy went."""

    path: Path
    result: ImportResult | None = None
    error: FieldkitError | None = None
    quarantined: Path | None = None
    unreadable: bool = False
    """The file itself could not be read (not a rejection of its content)."""
    own: SentBundle | None = None
    """This device wrote this very file (for its recipients): nothing to import."""

    @property
    def rejected(self) -> bool:
        return self.error is not None and not self.unreadable


def _create(path: Path) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    return os.open(path, flags, 0o600)


def _group(fingerprint: str) -> str:
    return " ".join(fingerprint[i : i + 5] for i in range(0, len(fingerprint), 5))


def quarantine(
    folder: Path,
    bundle: Path,
    error: FieldkitError,
    passed: Sequence[str],
    *,
    bundle_id: str | None = None,
    sender: str | None = None,
    clock: Clock = utc_now,
    rand: Callable[[int], bytes] = os.urandom,
) -> Path:
    """Copy ``bundle`` into ``folder`` with a report beside it; return the copy's path."""
    ensure_private_dir(folder)
    name = random_name(rand=rand)
    copy = folder / f"{name}.fkb"
    digest = hashlib.sha256()
    size = 0
    fd = _create(copy)
    with os.fdopen(fd, "wb") as out:
        try:
            with open(bundle, "rb") as src:
                while piece := src.read(COPY_CHUNK):
                    digest.update(piece)
                    size += len(piece)
                    out.write(piece)
        except OSError:
            pass  # the report still says what was wrong; the copy is what could be read
        out.flush()
        os.fsync(out.fileno())
    passed_set = list(passed)
    not_reached = [c for c in CHECKS if c not in passed_set]
    lines = [
        "fieldkit: this bundle was rejected. Nothing from it was stored.",
        "",
        f"When:        {rfc3339(clock())}",
        f"Why:         {error.title}. {error.message}",
        f"What to do:  {error.hint or 'ask the sender to export it again'}",
        f"Bundle id:   {bundle_id or 'unknown (not read that far)'}",
        f"Sender:      {_group(sender) if sender else 'unknown (not read that far)'}",
        f"Copy:        {copy.name}, {size} bytes, SHA-256 {digest.hexdigest()}",
        "",
        "Checks passed before the problem:",
        *([f"  - {c}" for c in passed_set] or ["  (none)"]),
        "Checks not reached:",
        *([f"  - {c}" for c in not_reached] or ["  (none)"]),
        "",
    ]
    report = folder / f"{name}.txt"
    fd = _create(report)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines))
        out.flush()
        os.fsync(out.fileno())
    fsync_directory(folder)
    return copy


def _peek_ids(profile: Profile, path: Path) -> tuple[str | None, str | None]:
    """The bundle id and sender of a bundle whose signed manifest could be read, if any."""
    peers = {p.public.fingerprint_digits: p.public for p in profile.peers()}
    try:
        with open(path, "rb") as src:
            reader = BundleReader(src, identity=profile.identity, trusted=peers.get)
            return reader.manifest.bundle_id, reader.manifest.sender.fingerprint
    except (FieldkitError, OSError):
        return None, None


def import_file(
    profile: Profile, path: Path, *, keep_rejected: bool = True,
    rand: Callable[[int], bytes] = os.urandom,
) -> FileOutcome:
    """Import one bundle file; on rejection quarantine it (unless told not to)."""
    passed: list[str] = []
    try:
        with open(path, "rb") as src:
            result = import_bundle(profile, src, passed=passed)
    except FieldkitError as error:
        if isinstance(error, NotForThisDevice):
            own = find_sent(profile.store, path)
            if own is not None:
                return FileOutcome(path, own=own)
        if not keep_rejected:
            return FileOutcome(path, error=error)
        bundle_id, sender = _peek_ids(profile, path) if len(passed) >= 4 else (None, None)
        copy = quarantine(
            profile.store.paths.quarantine, path, error, passed, bundle_id=bundle_id,
            sender=sender, clock=profile.clock, rand=rand,
        )
        return FileOutcome(path, error=error, quarantined=copy)
    except OSError as exc:
        unreadable = FieldkitError(
            f"The bundle file cannot be read ({exc.strerror or 'input/output error'}).",
            hint="check the path and that the USB stick is still plugged in",
        )
        return FileOutcome(path, error=unreadable, unreadable=True)
    return FileOutcome(path, result=result)
