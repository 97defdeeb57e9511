"""Warnings are attributed to the caller's line, through every public entry point."""

import warnings

import numpy as np
import pytest

from skmlq.dataset import rank_classes_by_multilabel_quality
from skmlq.filter import find_label_issues, find_multilabel_issues_per_class
from skmlq.utils._warnings import warn

# Class 1 is given on one example only: the prune rules warn about its small side.
LABELS = [[0], [0, 1], [0], [], [], [0], [], [0]]
PRED_PROBS = np.array([[0.9, 0.1], [0.8, 0.3], [0.7, 0.2], [0.2, 0.1], [0.1, 0.4],
                       [0.6, 0.2], [0.3, 0.6], [0.9, 0.1]])


def _warnings_of(call):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        call()
    assert record, "expected a warning"
    return record


@pytest.mark.parametrize("call", [
    lambda: find_label_issues(LABELS, PRED_PROBS),
    lambda: find_multilabel_issues_per_class(LABELS, PRED_PROBS, filter_by="both"),
    lambda: rank_classes_by_multilabel_quality(LABELS, PRED_PROBS),
    lambda: find_label_issues(LABELS, PRED_PROBS, filter_by="confident_learning",
                              confident_joint=np.ones((2, 2, 2))),
    lambda: find_label_issues(LABELS, PRED_PROBS, confident_joint=np.ones((2, 2))),
], ids=["filter", "per_class", "dataset", "joint ignored", "single-label joint"])
def test_warnings_point_at_the_callers_line(call):
    for w in _warnings_of(call):
        assert w.filename == __file__, (w.filename, str(w.message))


def test_joint_ignored_warning_names_the_filter_in_use():
    record = _warnings_of(lambda: find_label_issues(
        LABELS, PRED_PROBS, filter_by="low_self_confidence", confident_joint=np.ones((2, 2, 2))
    ))
    messages = [str(w.message) for w in record if "confident_joint is ignored" in str(w.message)]
    assert messages == [
        "confident_joint is ignored with filter_by='low_self_confidence', which counts "
        "confident guesses directly."
    ]


def test_warn_outside_skmlq_points_at_the_direct_caller():
    record = _warnings_of(lambda: warn("direct"))
    assert record[0].filename == __file__ and record[0].category is UserWarning
