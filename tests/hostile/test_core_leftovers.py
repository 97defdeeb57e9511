"""Leftovers of the core's input rules: complex numbers are refused (never cast with
a warning), a tag string holding the command line's separator is said to be one
class, and a single-label classifier given the multi-label indicator is told how to
wrap it."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ._contract import count_input, fuzz_settings, raises_naming

Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]] * 6)
P = np.clip(Y * 0.6 + 0.2, 0, 1).astype(np.float64)


@fuzz_settings(0.3)
@given(st.sampled_from(["thresholds", "pred_probs", "labels", "confident_joint"]),
       st.sampled_from([np.complex64, np.complex128]), st.booleans())
def test_complex_values_are_refused(where, dtype, zero_imaginary):
    from skmlq.filter import find_label_issues
    from skmlq.rank import get_confident_thresholds, get_label_quality_scores

    count_input("complex")
    imaginary = 0j if zero_imaginary else 1j
    if where == "thresholds":
        thresholds = get_confident_thresholds(Y, P).astype(dtype) + imaginary
        raises_naming("thresholds", get_label_quality_scores, Y, P, thresholds=thresholds,
                      adjust_pred_probs=True)
    elif where == "pred_probs":
        raises_naming("pred_probs", get_label_quality_scores, Y, P.astype(dtype) + imaginary)
    elif where == "labels":
        raises_naming("labels", get_label_quality_scores, Y.astype(dtype) + imaginary, P)
    else:
        joint = np.full((2, 2, 2), 6.0).astype(dtype) + imaginary
        raises_naming("confident_joint", find_label_issues, Y, P, confident_joint=joint)


@pytest.mark.filterwarnings("ignore::skmlq.report.ModelQualityWarning")
def test_a_tag_string_with_the_separator_is_one_class_and_says_so():
    from skmlq import MultilabelLabelQuality

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    tags = [["a;b"] if i % 2 else ["c"] for i in range(40)]
    with pytest.warns(UserWarning, match=r"'a;b' containing ';'.*\['a', 'b'\]"):
        mlq = MultilabelLabelQuality(cv=2, random_state=0).fit(X, tags)
    assert mlq.classes_.tolist() == ["a;b", "c"]


def test_a_single_label_classifier_is_told_to_wrap():
    from sklearn.linear_model import LogisticRegression

    from skmlq import MultilabelLabelQuality

    X = np.random.default_rng(0).normal(size=(24, 2))
    with pytest.raises(ValueError, match=r"OneVsRestClassifier\(LogisticRegression"):
        MultilabelLabelQuality(LogisticRegression(), cv=2).fit(X, Y)
