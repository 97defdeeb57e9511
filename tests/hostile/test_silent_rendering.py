"""What the report shows is what the data say: no default standing in for a given
0.0, no string split into characters, no string read as a truth value, and the
nullable pandas dtypes that ``fit`` takes are taken by every function of the loop."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ._contract import count_input, fuzz_settings

pd = pytest.importorskip("pandas")

Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1], [1, 0], [0, 1]])
P = np.array([[0.1, 0.9], [0.2, 0.8], [0.6, 0.7], [0.3, 0.2], [0.9, 0.1], [0.2, 0.9],
              [0.8, 0.3], [0.1, 0.7]])


def _report(**columns):
    report = pd.DataFrame({"label_quality": [0.1, 0.9], "flagged": [True, False],
                           "given": [["a"], ["b"]], "to_remove": [["a"], []],
                           "to_add": [[], []]})
    for name, values in columns.items():
        report[name] = values
    return report


def test_a_zero_error_threshold_is_drawn_at_zero():
    pytest.importorskip("matplotlib")
    from skmlq.plotting._audit import _error_threshold

    class Fitted:
        error_threshold = 0.3

    assert _error_threshold(Fitted(), {"error_threshold": 0.0}) == 0.0
    assert _error_threshold(Fitted(), {}) == 0.3
    assert _error_threshold(object(), {}) == 0.5


def test_a_string_cell_is_one_chip():
    from skmlq.plotting import render_html_report

    from ..plotting._html_cases import table_data

    page = render_html_report(_report(given=["alpha", ["b"]]))
    kinds, rows, classes = table_data(page, "examples")
    given = kinds.index("given")
    assert [[classes[code] for code in row[given]] for row in rows] == [["alpha"], ["b"]]


@pytest.mark.parametrize("values", [["False", "True"], ["no", "yes"], [0.5, 0.0]])
def test_a_flagged_column_of_other_values_is_refused(values):
    from skmlq.plotting import render_html_report

    with pytest.raises(TypeError, match="report column 'flagged'"):
        render_html_report(_report(flagged=values))


@pytest.mark.parametrize("values", [[True, False], [1, 0], pd.array([True, False],
                                                                    dtype="boolean")])
def test_a_flagged_column_of_truth_values_is_taken(values):
    from skmlq.plotting import render_html_report

    from ..plotting._html_cases import table_data

    page = render_html_report(_report(flagged=values))
    kinds, rows, _ = table_data(page, "examples")
    assert sorted(row[kinds.index("flag")] for row in rows) == [["no", 0], ["yes", 1]]


@fuzz_settings(0.3)
@given(st.sampled_from(["Int64", "boolean", "int64", "bool", "float64", "UInt8", "Float32"]),
       st.booleans())
def test_nullable_frames_go_through_the_loop(tmp_path_factory, dtype, review):
    from skmlq.report import apply_review, apply_suggestions, label_issue_report, write_review

    count_input("frame-dtypes")
    frame = pd.DataFrame(Y, columns=["a", "b"], index=[f"r{i}" for i in range(8)]).astype(dtype)
    report = label_issue_report(labels=Y, pred_probs=P, class_names=["a", "b"])
    expected = apply_suggestions(Y, report)
    if review:
        path = tmp_path_factory.mktemp("frames") / "review.csv"
        write_review(report, path)
        lines = path.read_text().splitlines()
        path.write_text("\n".join([lines[0]] + [line + "yes" for line in lines[1:]]) + "\n")
        out = apply_review(frame, path)
    else:
        out = apply_suggestions(frame, report)
    assert list(out.dtypes) == list(frame.dtypes) and out.index.equals(frame.index)
    assert np.array_equal(out.to_numpy(dtype=np.int64), expected)
