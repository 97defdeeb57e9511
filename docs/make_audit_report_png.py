"""Make the screenshot of the HTML audit report that the README and the docs show.

The report is the one ``skmlq demo --html`` writes (the digit images that ship with
scikit-learn, one tag flipped on 10% of them, seed 0), so anyone can reproduce it;
headless Chromium photographs it with the code the browser tests use
(``tests/plotting/_browser.py``). The docs build runs :func:`main` when Chromium and
Playwright are installed (``docs/conf.py``), so the picture follows the code; without
them it keeps the committed file. Usage, from the repository root::

    python docs/make_audit_report_png.py [OUT.png]
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "_static" / "audit_report.png"


def main(out=OUT):
    sys.path.insert(0, str(ROOT))
    from skmlq.cli import main as skmlq
    from tests.plotting._browser import screenshot_report

    with tempfile.TemporaryDirectory() as folder:
        html = Path(folder) / "audit.html"
        with open(Path(folder) / "demo.txt", "w") as log:
            from contextlib import redirect_stdout

            with redirect_stdout(log):
                code = skmlq(["demo", "--html", str(html), "--no-progress"])
        if code != 0:
            raise RuntimeError(f"skmlq demo --html exited with {code}")
        screenshot_report(html, out, viewport=(1200, 1500))
    # A 256-colour palette: the page has few colours, and the file shrinks ~2.5x.
    from PIL import Image

    image = Image.open(out).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, optimize=True)
    return out


def regenerate_if_possible():
    """Rewrite the screenshot when the browser tests could run; say why not otherwise."""
    sys.path.insert(0, str(ROOT))
    from tests.plotting._browser import missing_requirement

    missing = missing_requirement()
    try:
        import PIL  # noqa: F401
    except ImportError:
        missing = missing or "the Python package Pillow is not installed"
    if missing:
        return f"kept the committed screenshot ({missing})"
    main()
    return f"regenerated {OUT.relative_to(ROOT)} from skmlq demo --html"


if __name__ == "__main__":
    print(f"wrote {main(*sys.argv[1:2])}")
