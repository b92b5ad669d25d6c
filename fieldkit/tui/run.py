"""Start the app (imported lazily by the CLI so scripts never load Textual)."""

from __future__ import annotations

from pathlib import Path

from fieldkit.kdf import PRODUCT, KdfParams


def run_app(
    home: Path,
    *,
    params: KdfParams = PRODUCT,
    banner: str | None = None,
    notice: str | None = None,
) -> int:
    from fieldkit.tui.app import FieldkitApp

    app = FieldkitApp(home, params=params, banner=banner, notice=notice)
    app.run()
    return int(app.return_code or 0)


def run_training(
    sandbox: Path, home: Path, scenarios_dir: Path | None, *, params: KdfParams = PRODUCT
) -> int:
    from fieldkit.tui.training import run

    return run(sandbox, home, scenarios_dir, params=params)
