"""Make ``docs/_static/audit_report.png``: the HTML audit report of the demo data.

The data are those of ``skmlq demo`` (the digit images that ship with scikit-learn,
one tag flipped on 10% of them, seed 0) and the same model; the report is written by
``MultilabelLabelQuality.audit_report`` and photographed in headless Chromium by the
code the browser tests use (``tests/plotting/_browser.py``). Usage, from the repository root::

    python docs/make_audit_report_png.py [OUT.png]
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(out=ROOT / "docs" / "_static" / "audit_report.png"):
    import numpy as np
    from sklearn.ensemble import ExtraTreesClassifier

    from skmlq import MultilabelLabelQuality
    from skmlq.cli._demo_data import make_digit_tags
    from tests.plotting._browser import screenshot_report

    data = make_digit_tags(None, 0.1, 0)
    tags = np.array(data.tag_names, dtype=object)
    labels = [tags[row].tolist() for row in data.Y_given]
    model = MultilabelLabelQuality(ExtraTreesClassifier(n_estimators=100, random_state=0),
                                   cv=5, random_state=0, refit=False).fit(data.X, labels)
    texts = [f"image {i} of load_digits(): a handwritten {d}"
             for i, d in zip(data.image_index, data.digits)]
    with tempfile.TemporaryDirectory() as folder:
        html = Path(folder) / "audit.html"
        model.audit_report(html, text=texts, title="Label audit: digit tags (skmlq demo data)")
        screenshot_report(html, out, viewport=(1200, 1500))
    # A 256-colour palette: the page has few colours, and the file shrinks ~2.5x.
    from PIL import Image

    image = Image.open(out).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, optimize=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
