"""Panic wipe: make a profile unrecoverable without needing its passphrase.

The order matters. The store's key is derived from the passphrase and the
16-byte salt at the very start of ``fieldkit.db`` (DESIGN section 4), so the
first thing destroyed, and flushed to the device, is that salt together with
the first pages. From that moment nobody can derive the key, even with the
passphrase, whatever happens to the rest of the file. Only then is the rest
overwritten and the files deleted.

Honesty about flash storage: SSDs, USB sticks and SD cards remap writes
(wear levelling), so overwriting a file in place does not guarantee that the
old physical blocks are erased. What makes the data unrecoverable is losing
the key material; the overwriting afterwards is a best effort.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from fieldkit.errors import NoProfile, StoreError
from fieldkit.locations import ProfilePaths

# The first 64 KiB covers the salt, SQLCipher's first page and the schema
# pages of any page size we use.
HEAD_BYTES = 64 * 1024
MIN_HEAD_BYTES = 4096
CHUNK = 1024 * 1024

Rand = Callable[[int], bytes]

FLASH_NOTE = (
    "On SSDs, USB sticks and memory cards, overwriting a file does not guarantee that "
    "the old blocks are erased. fieldkit first destroys the key material at the start "
    "of the store, which is what makes the data unreadable, then overwrites and deletes "
    "the files as well as it can."
)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def destroy_header(database: Path, *, rand: Rand = os.urandom) -> None:
    """Overwrite the salt and first pages of ``database`` with random bytes and flush."""
    size = database.stat().st_size
    head = min(max(size, MIN_HEAD_BYTES), HEAD_BYTES)
    fd = os.open(database, os.O_WRONLY)
    try:
        os.pwrite(fd, rand(head), 0)
        os.fsync(fd)
    finally:
        os.close(fd)


def _overwrite(path: Path, *, start: int = 0, rand: Rand = os.urandom) -> None:
    """Best effort: overwrite ``path`` from ``start`` to its end with random bytes."""
    with contextlib.suppress(OSError):
        size = path.stat().st_size
        fd = os.open(path, os.O_WRONLY)
        try:
            offset = start
            while offset < size:
                n = min(CHUNK, size - offset)
                os.pwrite(fd, rand(n), offset)
                offset += n
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _profile_files(paths: ProfilePaths) -> list[Path]:
    journal = paths.home / "fieldkit.db-journal"
    return [p for p in (paths.database, *paths.sidecars(), journal) if p.exists()]


def wipe_profile(home: Path, *, rand: Rand = os.urandom) -> None:
    """Destroy the profile in ``home``; works while locked and without the passphrase.

    Raises NoProfile when there is nothing to wipe. Files in ``home`` that are
    not fieldkit's are left alone; the folder is removed when it ends up empty.
    """
    paths = ProfilePaths(Path(home))
    files = _profile_files(paths)
    if not files and not paths.quarantine.exists():
        raise NoProfile(f"There is no fieldkit profile in {paths.home}.")
    if paths.database.exists():
        try:
            destroy_header(paths.database, rand=rand)
        except OSError as exc:
            raise StoreError(
                f"The store in {paths.home} could not be overwritten ({exc.strerror}).",
                hint="check the folder's permissions; if you must, destroy the device",
            ) from None
    # The -wal file's pages are encrypted with the key that no longer exists,
    # but overwrite their start first too: they are the freshest data.
    for side in files[1:] if paths.database.exists() else files:
        with contextlib.suppress(OSError):
            destroy_header(side, rand=rand)
    for path in files:
        _overwrite(path, start=HEAD_BYTES, rand=rand)
    if paths.quarantine.is_dir():
        for path in sorted(paths.quarantine.rglob("*"), reverse=True):
            if path.is_file() and not path.is_symlink():
                _overwrite(path, rand=rand)
            if path.is_dir() and not path.is_symlink():
                with contextlib.suppress(OSError):
                    path.rmdir()
            else:
                _remove(path)
        with contextlib.suppress(OSError):
            paths.quarantine.rmdir()
    for path in files:
        _remove(path)
    _fsync_dir(paths.home)
    with contextlib.suppress(OSError):
        paths.home.rmdir()
