"""The 'record attach ID FILE' command: stream a file into a draft record."""

from __future__ import annotations

import argparse
import os
import stat
from typing import BinaryIO

from fieldkit.attachments import add_attachment
from fieldkit.cli.context import Context
from fieldkit.errors import FieldkitError

PROGRESS_FROM_BYTES = 16 * 1024 * 1024


class _Progress:
    """Wraps the source file and shows how much was stored (terminals only)."""

    def __init__(self, src: BinaryIO, total: int, ctx: Context) -> None:
        self._src = src
        self._total = max(total, 1)
        self._done = 0
        self._ctx = ctx
        self._shown = -1

    def read(self, n: int = -1) -> bytes:
        data = self._src.read(n)
        self._done += len(data)
        percent = min(100, self._done * 100 // self._total)
        if percent != self._shown:
            self._shown = percent
            self._ctx.stderr.write(f"\rAttaching… {percent:3d}%")
            self._ctx.stderr.flush()
        return data

    def finish(self) -> None:
        if self._shown >= 0:
            self._ctx.stderr.write("\n")


def _open_source(path: str) -> tuple[BinaryIO, int]:
    """Open FILE for reading; the messages do not repeat its name, which may be sensitive."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise FieldkitError(
            "The file to attach does not exist.", hint="check the file's name and folder"
        ) from None
    except IsADirectoryError:
        raise FieldkitError(
            "The path to attach is a folder, not a file.", hint="attach the files one by one"
        ) from None
    except PermissionError:
        raise FieldkitError(
            "The file to attach cannot be read (permission denied).",
            hint="check the file's permissions",
        ) from None
    except OSError as exc:
        raise FieldkitError(
            f"The file to attach cannot be opened ({exc.strerror}).",
            hint="check the file's name and folder",
        ) from None
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):
        os.close(fd)
        raise FieldkitError(
            "The path to attach is a folder, not a file.", hint="attach the files one by one"
        )
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise FieldkitError(
            "The path to attach is not a regular file.", hint="attach an ordinary file"
        )
    return os.fdopen(fd, "rb", buffering=0), info.st_size


def cmd_record_attach(ctx: Context, args: argparse.Namespace) -> int:
    """Attach FILE to the draft ID; print its sha256, size and MIME type."""
    src, size = _open_source(args.file)
    with src:
        name = os.path.basename(os.path.normpath(args.file))
        mime = getattr(args, "mime", None)
        with ctx.open_profile() as profile:
            progress = (
                _Progress(src, size, ctx)
                if ctx.interactive and size >= PROGRESS_FROM_BYTES
                else None
            )
            try:
                ref = add_attachment(
                    profile.store, args.id, progress or src, name, mime,
                    clock=profile.clock,
                )
            finally:
                if progress is not None:
                    progress.finish()
    ctx.out(f"{ref.sha256}  {ref.size} bytes  {ref.mime}")
    return 0
