"""Benchmark: load the whole form library and validate 10,000 incident answers.

Run: .venv/bin/python bench/forms.py [--count N]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    # This file is called forms.py: keep its folder from shadowing the package.
    here = Path(__file__).resolve().parent
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != here]

    import forms
    from forms import library, locations, vocab

    rows: list[tuple[str, float, str]] = []

    start = time.perf_counter()
    forms_loaded = forms.library_forms()
    rows.append(("load library (cold: vocabularies, 4 forms)", time.perf_counter() - start, ""))

    # A warm reload measures the parser and checks without the vocabulary cache.
    library._load.cache_clear()
    start = time.perf_counter()
    forms.library_forms()
    rows.append(("load library (warm vocabularies)", time.perf_counter() - start, ""))

    start = time.perf_counter()
    locations._gazetteer.cache_clear()
    locations._gazetteer()
    rows.append(("load locations.json", time.perf_counter() - start, ""))

    form = forms.library_form("incident")
    example = forms.library_example("incident")
    today = dt.date(2025, 1, 1)
    samples = []
    for index in range(args.count):
        answers = copy.deepcopy(example)
        answers["victims"][0]["victim_age"] = index % 100
        samples.append(answers)
    start = time.perf_counter()
    failures = 0
    for answers in samples:
        if not forms.validate_answers(form, answers, today=today).ok:
            failures += 1
    elapsed = time.perf_counter() - start
    per = elapsed / args.count * 1e6
    rows.append((f"validate {args.count:,} incident answers", elapsed, f"{per:.0f} µs each"))

    start = time.perf_counter()
    for answers in samples[:1000]:
        forms.index_text(form, answers, include_sensitive=False)
    rows.append(("index_text x 1,000", time.perf_counter() - start, ""))

    width = max(len(name) for name, _s, _n in rows)
    print(f"{'what':<{width}}  {'seconds':>8}  note")
    for name, seconds, note in rows:
        print(f"{name:<{width}}  {seconds:8.3f}  {note}")
    print(
        f"\n{len(forms_loaded)} forms, {len(vocab.vocabulary_ids())} vocabularies, "
        f"{failures} failing samples"
    )


if __name__ == "__main__":
    main()
