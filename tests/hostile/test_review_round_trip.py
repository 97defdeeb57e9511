"""Whatever ``write_review`` writes, ``apply_review`` reads back; what it cannot, it
refuses when writing (a named ValueError/TypeError, no file), not after the review.

Class names (empty, line breaks, float-looking, spaces, formula starts, non-ASCII,
lone surrogates), ``float_format`` strings, ``pred_probs`` (NaN, above 1, strings) and
duplicated report rows are drawn together.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ._contract import count_input, fuzz_settings, list_dir

pd = pytest.importorskip("pandas")

NAMES = st.one_of(
    st.sampled_from(["", "a\rb", "a\nb", "1.0", "2", "-0", " x ", "=1", "é", "\ud800",
                     "a;b", "nan", "'q"]),
    st.text(alphabet="ab1.-= \r'é", min_size=0, max_size=4),
)
FORMATS = st.sampled_from(["%.6g", "%r", "%.3f", "%.0e", "%s", "%d", "%.3f%%", "{:.3f}",
                           "%x", "%.2f and %.2f", "%(a)s", "%5.1f", "%-8.4g"])


@st.composite
def review_cases(draw):
    k = draw(st.integers(2, 3))
    names = draw(st.lists(NAMES, min_size=k, max_size=k, unique=True))
    n = draw(st.integers(8, 14))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    Y = rng.random((n, k)) < 0.5
    Y[0], Y[1] = True, False
    P = np.clip(np.where(Y, 0.75, 0.25) + rng.normal(0, 0.4, Y.shape), 0.01, 0.99)
    probs = draw(st.sampled_from(["same", "nan", "above", "strings", "none"]))
    duplicate = draw(st.booleans())
    return names, Y, P, probs, draw(FORMATS), duplicate


@pytest.mark.filterwarnings("ignore:May not flag all label issues")
@fuzz_settings(0.5)
@given(review_cases())
def test_what_is_written_reads_back(tmp_path_factory, case):
    from skmlq.report import apply_review, apply_suggestions, label_issue_report, write_review

    count_input("review-round-trip")
    names, Y, P, probs, float_format, duplicate = case
    directory = tmp_path_factory.mktemp("review")
    labels = [np.flatnonzero(row).tolist() for row in Y]
    report = label_issue_report(labels=labels, pred_probs=P, class_names=names)
    if duplicate:
        report = report.iloc[[0, 0] + list(range(1, len(report)))]
    given_probs = {"same": P, "nan": np.where(P > 0.9, np.nan, P), "above": P * 2,
                   "strings": P.astype(str), "none": None}[probs]
    path = directory / "review.csv"
    try:
        write_review(report, path, pred_probs=given_probs, float_format=float_format)
    except (ValueError, TypeError) as exc:
        message = str(exc)
        assert type(exc).__module__.startswith("skmlq"), f"raw {type(exc).__name__}: {exc}"
        assert any(word in message for word in ("class name", "float_format", "pred_probs",
                                                "report")), message
        assert list_dir(directory) == []
        return
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join([lines[0]] + [line + "accept" if line else line
                                            for line in lines[1:]]), encoding="utf-8")
    named = [[names[c] for c in row] for row in labels]
    once = apply_suggestions(named, report[~report.index.duplicated()], classes=names)
    assert apply_review(named, path, classes=names) == once
    assert apply_review(once, path, classes=names) == once
