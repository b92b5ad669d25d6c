"""What every CLI command gets: where the profile is, how to unlock it, where to print."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from fieldkit.errors import FieldkitError, PassphraseError
from fieldkit.kdf import PRODUCT, KdfParams
from fieldkit.locations import default_home
from fieldkit.profile import Profile

PASSPHRASE_ENV = "FIELDKIT_PASSPHRASE"
MIN_PASSPHRASE = 8

# The product always uses PRODUCT; in-process tests swap this for cheap
# parameters (tests/conftest.py), never the product itself.
KDF_PARAMS: KdfParams = PRODUCT


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@dataclass
class Context:
    """Options shared by all commands, resolved once."""

    home: Path
    passphrase_file: Path | None = None
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    @classmethod
    def from_args(cls, home: str | None, passphrase_file: str | None) -> Context:
        return cls(
            home=Path(home).expanduser() if home else default_home(),
            passphrase_file=Path(passphrase_file).expanduser() if passphrase_file else None,
        )

    @property
    def params(self) -> KdfParams:
        return KDF_PARAMS

    @property
    def interactive(self) -> bool:
        return is_terminal(self.stdin) and is_terminal(self.stderr)

    # -- passphrase --------------------------------------------------------------

    def passphrase(self, *, new: bool = False) -> str:
        """The passphrase from --passphrase-file, FIELDKIT_PASSPHRASE, or the terminal."""
        if self.passphrase_file is not None:
            try:
                text = self.passphrase_file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                raise PassphraseError(
                    "The passphrase file cannot be read.",
                    hint="check the path given with --passphrase-file",
                ) from None
            value = text.splitlines()[0] if text.splitlines() else ""
        elif PASSPHRASE_ENV in os.environ:
            value = os.environ[PASSPHRASE_ENV]
        elif self.interactive:
            value = getpass.getpass("Passphrase: ", stream=self.stderr)
            if new:
                again = getpass.getpass("Repeat passphrase: ", stream=self.stderr)
                if again != value:
                    raise PassphraseError(
                        "The two passphrases differ.", hint="run the command again"
                    )
        else:
            raise PassphraseError(
                "No passphrase was given and there is no terminal to ask for one.",
                hint=f"use --passphrase-file FILE or set {PASSPHRASE_ENV} (less safe)",
            )
        if not value:
            raise PassphraseError("The passphrase is empty.", hint="type your passphrase")
        if new and len(value) < MIN_PASSPHRASE:
            raise PassphraseError(
                f"The passphrase is shorter than {MIN_PASSPHRASE} characters.",
                hint="use several words that you can remember and others cannot guess",
            )
        return value

    def open_profile(self) -> Profile:
        return Profile.open(self.home, self.passphrase(), params=self.params)

    # -- output ------------------------------------------------------------------

    def out(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def out_json(self, value: Any) -> None:
        print(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True), file=self.stdout)

    def note(self, text: str) -> None:
        """A message for the person at the terminal, not for pipes."""
        print(text, file=self.stderr)

    def check_files(
        self, files: Sequence[str], kind: str, check: Callable[[str], str]
    ) -> int:
        """Run ``check`` on each file (it returns a summary or raises FieldkitError);
        print ok/invalid per file and return the exit status (1 if any is invalid)."""
        bad = 0
        for name in files:
            try:
                summary = check(name)
            except FieldkitError as exc:
                bad += 1
                self.out(f"{name}: invalid")
                for line in str(exc).splitlines():
                    self.out(f"  {line}")
                continue
            self.out(f"{name}: ok ({summary})")
        if bad:
            self.note(f"fieldkit: error: {bad} of {len(files)} {kind} files are invalid")
            self.note("hint: fix the lines named above, then validate again")
            return 1
        return 0

    def confirm(self, prompt: str, expected: str = "yes") -> bool:
        """Ask on the terminal; False when there is none."""
        if not self.interactive:
            return False
        self.stderr.write(prompt)
        self.stderr.flush()
        answer = self.stdin.readline()
        return answer.strip() == expected
