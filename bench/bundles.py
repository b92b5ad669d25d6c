"""Bundle benchmarks: age throughput, export/import of many records, memory with a big file.

Prints, measured in the same run:
1. our age encryption/decryption throughput against pyrage and the ``age`` CLI
   (if installed), by running ``bench/age_throughput.py`` on the same size;
2. export and import throughput for N sealed records (default 10,000);
3. peak resident memory of a process exporting, then importing, a bundle with
   one large attachment (default 1 GiB), next to its resident memory before.
Not a test: the figures go into docs/exchange.md, never into assertions.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fieldkit import records  # noqa: E402
from fieldkit.attachments import add_attachment  # noqa: E402
from fieldkit.exchange import export_bundle, import_bundle  # noqa: E402
from fieldkit.formstore import install_form  # noqa: E402
from fieldkit.kdf import TESTING  # noqa: E402
from fieldkit.profile import Profile  # noqa: E402
from forms import load_form_file  # noqa: E402

PASS = "bench passphrase"
FORM = ROOT / "tests" / "data" / "records" / "kat-form.yaml"
MIB = 1024 * 1024


def pair(tmp: Path) -> tuple[Profile, Profile]:
    field = Profile.create(tmp / "field", PASS, name="F", role="fieldworker", params=TESTING)
    coord = Profile.create(tmp / "coord", PASS, name="C", role="coordinator", params=TESTING)
    field.trust(coord.card_text(), coord.fingerprint)
    coord.trust(field.card_text(), field.fingerprint)
    install_form(field.store, load_form_file(FORM))
    return field, coord


def bench_records(n: int) -> None:
    with tempfile.TemporaryDirectory(dir=ROOT / ".bench-tmp") as tmp_name:
        tmp = Path(tmp_name)
        field, coord = pair(tmp)
        batch = [("kat_form", {"summary": f"Village {i}: houses burned, " + "x" * 400,
                               "people": i % 50, "acts": ["arson"]}) for i in range(n)]
        records.seal_many(field, batch)
        (tmp / "usb").mkdir()
        start = time.perf_counter()
        result = export_bundle(field, tmp / "usb")
        t_export = time.perf_counter() - start
        assert result is not None
        size = result.path.stat().st_size
        start = time.perf_counter()
        with open(result.path, "rb") as src:
            imported = import_bundle(coord, src)
        t_import = time.perf_counter() - start
        assert imported.records == n
        print(f"\n{n} records, bundle {size / MIB:.1f} MiB")
        print(f"{'step':<10}{'seconds':>10}{'records/s':>12}{'MiB/s':>10}")
        for step, took in (("export", t_export), ("import", t_import)):
            print(f"{step:<10}{took:>10.2f}{n / took:>12.0f}{size / MIB / took:>10.1f}")
        field.close()
        coord.close()


CHILD = """
import sys, time
from pathlib import Path


def hwm_kib():
    # VmHWM belongs to this process's own address space (reset by exec); ru_maxrss
    # on Linux can carry the parent's peak across fork and exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise SystemExit("no VmHWM")


sys.path.insert(0, sys.argv[1])
from fieldkit.exchange import export_bundle, import_bundle
from fieldkit.kdf import TESTING
from fieldkit.profile import Profile
profile = Profile.open(Path(sys.argv[3]), "bench passphrase", params=TESTING)
before = hwm_kib()
start = time.perf_counter()
if sys.argv[2] == "export":
    out = export_bundle(profile, Path(sys.argv[4]))
    print(out.path)
else:
    with open(sys.argv[4], "rb") as src:
        import_bundle(profile, src)
    print("-")
took = time.perf_counter() - start
print(before, hwm_kib(), f"{took:.2f}")
"""


def bench_memory(mib: int) -> None:
    with tempfile.TemporaryDirectory(dir=ROOT / ".bench-tmp") as tmp_name:
        tmp = Path(tmp_name)
        field, coord = pair(tmp)
        draft = records.create_draft(field, "kat_form", {"summary": "big file", "people": 1})

        class Zeros:
            left = mib * MIB

            def read(self, n: int = -1, /) -> bytes:
                take = min(self.left, MIB if n < 0 else n)
                self.left -= take
                return b"\x5a" * take

        add_attachment(field.store, draft.record_id, Zeros(), "big.bin")
        records.seal(field, draft.record_id)
        field.close()
        coord.close()
        (tmp / "usb").mkdir()
        script = tmp / "child.py"
        script.write_text(CHILD, encoding="utf-8")
        print(f"\none {mib} MiB attachment: peak resident memory (VmHWM of a fresh process)")
        print(f"{'step':<10}{'before MiB':>12}{'peak MiB':>10}{'seconds':>10}{'MiB/s':>8}")
        bundle = ""
        for step, home, arg in (("export", tmp / "field", str(tmp / "usb")),
                                ("import", tmp / "coord", None)):
            out = subprocess.run(
                [sys.executable, str(script), str(ROOT), step, str(home), arg or bundle],
                check=True, capture_output=True, text=True,
            ).stdout.split("\n")
            if step == "export":
                bundle = out[0]
            before, peak, took = out[1].split()
            print(f"{step:<10}{int(before) / 1024:>12.1f}{int(peak) / 1024:>10.1f}"
                  f"{float(took):>10.1f}{mib / float(took):>8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mib", type=int, default=256, help="age throughput data (MiB)")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--attachment-mib", type=int, default=1024)
    parser.add_argument("--skip-age", action="store_true")
    args = parser.parse_args()
    (ROOT / ".bench-tmp").mkdir(exist_ok=True)
    if not args.skip_age:
        print(f"age v1 throughput, {args.mib} MiB (bench/age_throughput.py)")
        subprocess.run([sys.executable, str(ROOT / "bench" / "age_throughput.py"),
                        "--mib", str(args.mib)], check=True)
    bench_records(args.records)
    bench_memory(args.attachment_mib)


if __name__ == "__main__":
    main()
