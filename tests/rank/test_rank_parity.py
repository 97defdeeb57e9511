"""Parity of skmlq.rank with cleanlab 2.9.0 (a black-box oracle: called, never read).

Seeded random cases cover every method, adjustment (where defined), aggregator and
labels form; pred_probs stay away from exact 0 and 1, where skmlq deliberately differs
(see docs/user_guide/cleanlab.rst, "Every difference").
"""

import itertools
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.rank import get_label_quality_scores, get_label_quality_scores_per_class

from .._helpers import random_case

cleanlab_rank = pytest.importorskip("cleanlab.multilabel_classification.rank")

TOLERANCE = 1e-9
N_CHUNKS = 10
CASES_PER_CHUNK = 32  # 320 cases

SCORINGS = [
    ("self_confidence", False),
    ("self_confidence", True),
    ("normalized_margin", False),
    ("normalized_margin", True),
    ("confidence_weighted_entropy", False),
]
AGGREGATORS = [
    {"method": "exponential_moving_average"},  # alpha None = 2 / (K + 1)
    {"method": "exponential_moving_average", "alpha": 0.0},
    {"method": "exponential_moving_average", "alpha": 0.3},
    {"method": "exponential_moving_average", "alpha": 0.8},
    {"method": "exponential_moving_average", "alpha": 1.0},
    {"method": "softmin", "temperature": 0.05},
    {"method": "softmin", "temperature": 0.1},
    {"method": "softmin", "temperature": 1.0},
    {"method": np.min},
    {"method": np.mean},
]
CONFIGS = list(itertools.product(SCORINGS, AGGREGATORS))  # 50 configurations
FORMS = ["lists", "dense", "sparse"]


def make_case(index):
    """Case ``index``: configuration ``index % 50``, sizes and data from its own seed."""
    rng = np.random.default_rng([2026, index])
    (method, adjust), aggregator = CONFIGS[index % len(CONFIGS)]
    form = FORMS[(index // len(CONFIGS)) % len(FORMS)]
    n_samples = int(rng.choice([1, 2, 3, 7, 20, 60, 150, 500]))
    n_classes = int(rng.choice([1, 2, 3, 5, 8, 13, 25, 40]))
    labels, pred_probs = random_case(
        rng, n_samples, n_classes, p_label=float(rng.uniform(0.05, 0.6))
    )
    if not any(labels):  # cleanlab rejects a label matrix without any 1
        labels[int(rng.integers(n_samples))] = [int(rng.integers(n_classes))]
    return method, adjust, aggregator, form, labels, pred_probs


def as_form(labels, n_classes, form):
    if form == "lists":
        return labels
    dense = np.zeros((len(labels), n_classes), dtype=np.int8)
    for i, row in enumerate(labels):
        dense[i, row] = 1
    return dense if form == "dense" else sp.csr_matrix(dense)


def cleanlab_accepts_aggregate(labels, n_classes):
    """cleanlab's aggregated scores need K >= 2 and both 0 and 1 in the label matrix."""
    n_given = sum(len(row) for row in labels)
    return n_classes >= 2 and 0 < n_given < len(labels) * n_classes


def check_case(index):
    method, adjust, aggregator, form, labels, pred_probs = make_case(index)
    n_classes = pred_probs.shape[1]
    ours_labels = as_form(labels, n_classes, form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected_pc = cleanlab_rank.get_label_quality_scores_per_class(
            labels, pred_probs, method=method, adjust_pred_probs=adjust
        )
        expected = None
        if cleanlab_accepts_aggregate(labels, n_classes):
            expected = cleanlab_rank.get_label_quality_scores(
                labels, pred_probs, method=method, adjust_pred_probs=adjust,
                aggregator_kwargs=dict(aggregator),
            )
    got_pc = get_label_quality_scores_per_class(
        ours_labels, pred_probs, method=method, adjust_pred_probs=adjust
    )
    got = get_label_quality_scores(
        ours_labels, pred_probs, method=method, adjust_pred_probs=adjust,
        aggregator_kwargs=dict(aggregator),
    )
    diffs = [np.abs(got_pc - np.asarray(expected_pc)).max(initial=0.0)]
    if expected is not None:
        diffs.append(np.abs(got - expected).max(initial=0.0))
    elif n_classes == 1:
        # Any aggregate of one score is that score (cleanlab raises for K = 1).
        diffs.append(np.abs(got - np.asarray(expected_pc)[:, 0]).max(initial=0.0))
    return max(diffs), expected is not None


@pytest.mark.parametrize("chunk", range(N_CHUNKS))
def test_parity_with_cleanlab(chunk):
    worst, compared = 0.0, 0
    for index in range(chunk * CASES_PER_CHUNK, (chunk + 1) * CASES_PER_CHUNK):
        diff, aggregated = check_case(index)
        assert diff <= TOLERANCE, (index, make_case(index)[:4], diff)
        worst = max(worst, diff)
        compared += aggregated
    assert compared >= CASES_PER_CHUNK // 2  # most cases compare aggregated scores too


def test_cases_cover_every_configuration():
    cases = [make_case(i) for i in range(N_CHUNKS * CASES_PER_CHUNK)]
    seen = {(c[0], c[1], repr(c[2]), c[3]) for c in cases}
    assert len(seen) == len(CONFIGS) * len(FORMS)
    sizes = [c[5].shape for c in cases]
    assert min(n for n, _ in sizes) == 1 and max(n for n, _ in sizes) == 500
    assert min(k for _, k in sizes) == 1 and max(k for _, k in sizes) == 40


def test_normalized_margin_after_adjustment_matches_cleanlab():
    labels, pred_probs = random_case(np.random.default_rng(5), 80, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = cleanlab_rank.get_label_quality_scores_per_class(
            labels, pred_probs, method="normalized_margin", adjust_pred_probs=True
        )
    got = get_label_quality_scores_per_class(
        labels, pred_probs, method="normalized_margin", adjust_pred_probs=True
    )
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOLERANCE)


def test_saturated_predictions_differ_from_cleanlab_only_by_design():
    # p = 1.0 with the class given: cleanlab scores ~0, skmlq 1 (docs/user_guide/cleanlab.rst).
    labels = [[0], [1], [0, 1]]
    pred_probs = np.array([[1.0, 0.2], [0.3, 0.7], [0.6, 0.9]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = cleanlab_rank.get_label_quality_scores_per_class(
            labels, pred_probs, method="confidence_weighted_entropy"
        )
    got = get_label_quality_scores_per_class(
        labels, pred_probs, method="confidence_weighted_entropy"
    )
    assert expected[0, 0] < 1e-3 and got[0, 0] == 1.0
    mask = np.ones_like(got, dtype=bool)
    mask[0, 0] = False
    np.testing.assert_allclose(got[mask], np.asarray(expected)[mask], rtol=0, atol=TOLERANCE)
