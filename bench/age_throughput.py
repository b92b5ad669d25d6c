"""Throughput of our age v1 code against pyrage and the ``age`` command-line tool.

Encrypts and decrypts the same random data (256 MiB by default) with each
implementation and prints MB/s and the ratio to ours. Plaintext is generated in
memory; the ``age`` CLI reads it from /dev/shm (memory, not disk) and writes to
/dev/null. Not a test: the figures go into the notes, never into assertions.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyrage
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.age import decrypt, encrypt, format_identity, format_recipient

MIB = 1024 * 1024
BLOCK = MIB


class _Discard:
    """A sink that drops what it is given, so only the encryption is timed."""

    def write(self, data: bytes) -> int:
        return len(data)


def best_of(runs: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mib", type=int, default=256, help="data size in MiB (default 256)")
    parser.add_argument("--runs", type=int, default=3, help="best of N runs (default 3)")
    args = parser.parse_args()
    size = args.mib * MIB

    key = X25519PrivateKey.generate()
    recipient = format_recipient(key.public_key())
    identity = format_identity(key)
    block = os.urandom(BLOCK)
    plaintext = block * args.mib  # only for the whole-buffer APIs (pyrage, age CLI)

    def ours_encrypt() -> None:
        with encrypt(_Discard(), [key.public_key()]) as enc:  # type: ignore[arg-type]
            for _ in range(args.mib):
                enc.write(block)

    ciphertext_io = io.BytesIO()
    with encrypt(ciphertext_io, [key.public_key()]) as enc:
        enc.write(plaintext)
    ciphertext = ciphertext_io.getvalue()

    def ours_decrypt() -> None:
        buf = bytearray(BLOCK)
        dec = decrypt(io.BytesIO(ciphertext), [key])
        total = 0
        while n := dec.readinto(buf):
            total += n
        assert total == size

    py_id = pyrage.x25519.Identity.from_str(identity)
    py_rcpt = pyrage.x25519.Recipient.from_str(recipient)

    def pyrage_encrypt_io() -> None:
        pyrage.encrypt_io(io.BytesIO(plaintext), io.BytesIO(), [py_rcpt])

    def pyrage_decrypt_io() -> None:
        pyrage.decrypt_io(io.BytesIO(ciphertext), io.BytesIO(), [py_id])

    results: list[tuple[str, float, float]] = []
    enc_s = best_of(args.runs, ours_encrypt)
    dec_s = best_of(args.runs, ours_decrypt)
    results.append(("fieldkit sync.age (streaming)", enc_s, dec_s))
    results.append(
        (
            "pyrage encrypt/decrypt (bytes)",
            best_of(args.runs, lambda: pyrage.encrypt(plaintext, [py_rcpt])),
            best_of(args.runs, lambda: pyrage.decrypt(ciphertext, [py_id])),
        )
    )
    results.append(
        (
            "pyrage encrypt_io/decrypt_io",
            best_of(1, pyrage_encrypt_io),
            best_of(1, pyrage_decrypt_io),
        )
    )

    age = shutil.which("age")
    if age:
        shm = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
        if shm is None:
            print("no /dev/shm: skipping the age CLI rather than writing data to disk")
        else:
            work = shm / f"fieldkit-age-bench-{os.getpid()}"
            work.mkdir(mode=0o700)
            try:
                plain_path = work / "plain"
                enc_path = work / "enc"
                key_path = work / "key"
                plain_path.write_bytes(plaintext)
                enc_path.write_bytes(ciphertext)
                key_path.write_text(identity + "\n")
                key_path.chmod(0o600)
                enc_cmd = [age, "-r", recipient, "-o", "/dev/null", str(plain_path)]
                dec_cmd = [age, "-d", "-i", str(key_path), "-o", "/dev/null", str(enc_path)]
                results.append(
                    (
                        "fieldkit, /dev/shm file -> /dev/null",
                        best_of(args.runs, lambda: _ours_file_encrypt(plain_path, key)),
                        best_of(args.runs, lambda: _ours_file_decrypt(enc_path, key)),
                    )
                )
                results.append(
                    (
                        "age CLI " + _age_version(age),
                        best_of(args.runs, lambda: subprocess.run(enc_cmd, check=True)),
                        best_of(args.runs, lambda: subprocess.run(dec_cmd, check=True)),
                    )
                )
            finally:
                shutil.rmtree(work)
    else:
        print("age CLI not found: install it (apt-get install age) to compare")

    print(f"\nage v1 throughput, {args.mib} MiB, best of {args.runs} (MB/s = 10^6 bytes/s)\n")
    print(
        f"{'implementation':36} {'encrypt MB/s':>13} {'ratio':>7} {'decrypt MB/s':>13} {'ratio':>7}"
    )
    for name, e, d in results:
        enc_rate, dec_rate = size / e / 1e6, size / d / 1e6
        print(f"{name:36} {enc_rate:13.0f} {enc_s / e:6.2f}x {dec_rate:13.0f} {dec_s / d:6.2f}x")
    print("\nratio = that implementation's speed relative to fieldkit's (below 1 = slower)")


def _ours_file_encrypt(src: Path, key: X25519PrivateKey) -> None:
    """Like the CLI: file in, ``/dev/null`` out, through the OS's file layer."""
    buf = bytearray(BLOCK)
    with src.open("rb") as inp, open(os.devnull, "wb") as out:
        with encrypt(out, [key.public_key()]) as enc:
            while n := inp.readinto(buf):
                enc.write(memoryview(buf)[:n])


def _ours_file_decrypt(src: Path, key: X25519PrivateKey) -> None:
    buf = bytearray(BLOCK)
    with src.open("rb") as inp, open(os.devnull, "wb") as out:
        dec = decrypt(inp, [key])
        while n := dec.readinto(buf):
            out.write(memoryview(buf)[:n])


def _age_version(age: str) -> str:
    out = subprocess.run([age, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip()


if __name__ == "__main__":
    main()
