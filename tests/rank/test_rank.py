"""Public scoring API (skmlq.rank): spec test vectors, bad input, dtypes, edge shapes."""

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.rank import (
    exponential_moving_average,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
)

from .._helpers import random_case, read_only

SEED_LABELS = [[1], [0, 2]]
SEED_PROBS = [[0.1, 0.9, 0.1], [0.4, 0.1, 0.9]]

SEVEN_LABELS = [[0], [0, 1], [0, 1], [2], [0, 2, 3], [], []]
SEVEN_PROBS = [
    [0.9, 0.1, 0.0, 0.4, 0.1],
    [0.7, 0.8, 0.2, 0.3, 0.1],
    [0.9, 0.8, 0.4, 0.2, 0.1],
    [0.1, 0.1, 0.8, 0.3, 0.1],
    [0.4, 0.5, 0.1, 0.1, 0.1],
    [0.1, 0.1, 0.2, 0.1, 0.1],
    [0.8, 0.1, 0.2, 0.1, 0.1],
]
CWE_REFERENCE = [0.1273610752, 0.650042732, 0.6190976198, 0.6640469302, 0.3769419047,
                 0.7311166283, 0.4849052252]


def seven_label_forms():
    indicator = np.zeros((7, 5), dtype=bool)
    for i, row in enumerate(SEVEN_LABELS):
        indicator[i, row] = True
    return [SEVEN_LABELS, indicator, indicator.astype(np.int64), sp.csr_matrix(indicator)]


# --- Spec test vectors -------------------------------------------------------------------

def test_seed_example():
    np.testing.assert_allclose(
        get_label_quality_scores(SEED_LABELS, SEED_PROBS), [0.9, 0.5], atol=1e-12
    )
    np.testing.assert_allclose(
        get_label_quality_scores_per_class(SEED_LABELS, SEED_PROBS),
        [[0.9, 0.9, 0.9], [0.4, 0.9, 0.9]], atol=1e-12,
    )
    np.testing.assert_allclose(
        get_label_quality_scores(
            SEED_LABELS, SEED_PROBS, method="normalized_margin",
            aggregator_kwargs={"method": "softmin"},
        ),
        [0.9, 0.40664835], atol=1e-8,
    )
    np.testing.assert_allclose(
        get_label_quality_scores(SEED_LABELS, SEED_PROBS, method="confidence_weighted_entropy"),
        [0.80489895, 0.56694734], atol=1e-8,
    )


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({}, [0.66016, 0.70416, 0.6408, 0.724, 0.11344, 0.82, 0.324]),
        (
            {"aggregator_kwargs": {"method": "exponential_moving_average"}},
            [0.8197530864, 0.7641975309, 0.762962963, 0.8111111111, 0.3419753086,
             0.8666666667, 0.6444444444],
        ),
        (
            {"aggregator_kwargs": {"method": "softmin"}},
            [0.6446481553, 0.7350538642, 0.6613075563, 0.7665145118, 0.110892637,
             0.8595390325, 0.203384555],
        ),
        (
            {"adjust_pred_probs": True},
            [0.4409019853, 0.4586490767, 0.465047375, 0.5078506755, 0.346520172,
             0.562369194, 0.3078094219],
        ),
        (
            {"adjust_pred_probs": True,
             "aggregator_kwargs": {"method": "softmin", "temperature": 0.5}},
            [0.6506956546, 0.6219461539, 0.6219601154, 0.7083407592, 0.4500618146,
             0.7134864259, 0.5111729171],
        ),
    ],
    ids=["default", "ema-alpha-none", "softmin", "adjust", "adjust-softmin-0.5"],
)
@pytest.mark.parametrize("form", range(4), ids=["lists", "bool", "int", "csr"])
def test_seven_example_case(kwargs, expected, form):
    labels = seven_label_forms()[form]
    got = get_label_quality_scores(labels, SEVEN_PROBS, method="self_confidence", **kwargs)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_seven_example_per_class_adjusted_row0():
    got = get_label_quality_scores_per_class(SEVEN_LABELS, SEVEN_PROBS, adjust_pred_probs=True)
    np.testing.assert_allclose(
        got[0], [0.8503937008, 0.8823529412, 0.7407407407, 0.36, 0.9523809524], atol=1e-9
    )


def test_normalized_margin_equals_self_confidence():
    # q_{1-y} = 1 - q_y holds before and (because rows are renormalised) after the
    # adjustment, so the margin score reduces to q_y in both cases; cleanlab 2.9.0 gives
    # equal values too (checked in test_rank_parity.py), so equality is the reference
    # behaviour.
    for adjust in (False, True):
        a = get_label_quality_scores_per_class(
            SEVEN_LABELS, SEVEN_PROBS, method="normalized_margin", adjust_pred_probs=adjust
        )
        b = get_label_quality_scores_per_class(SEVEN_LABELS, SEVEN_PROBS, adjust_pred_probs=adjust)
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-15)


def test_confidence_weighted_entropy_reference_vector():
    got = get_label_quality_scores(SEVEN_LABELS, SEVEN_PROBS, method="confidence_weighted_entropy")
    # Rows 1..6 equal the reference; row 0 has p=0 with y=0 (a saturated correct
    # prediction), where skmlq uses the continuous form and scores it 1, not ~0.
    np.testing.assert_allclose(got[1:], CWE_REFERENCE[1:], rtol=0, atol=1e-9)
    assert got[0] > CWE_REFERENCE[0] + 0.1
    per_class = get_label_quality_scores_per_class(
        SEVEN_LABELS, SEVEN_PROBS, method="confidence_weighted_entropy"
    )
    assert per_class[0, 2] == 1.0
    np.testing.assert_allclose(got[0], exponential_moving_average(per_class[:1], alpha=0.8)[0])


def test_confidence_weighted_entropy_is_monotone_near_saturation():
    # The reference floors q_y at 1e-6 before dividing, so a nearly saturated WRONG
    # prediction (q_y = 1e-10) gets r ~ 3e-3 and a score ~0.998; skmlq divides by q_y
    # itself, so the score falls towards 0 as q_y does, and rises towards 1 as q_y -> 1.
    q = np.array([0.0, 1e-300, 1e-20, 1e-10, 1e-7, 1e-6, 1e-3, 0.1, 0.5, 0.9, 1 - 1e-9, 1.0])
    per_class_pos = get_label_quality_scores_per_class(
        np.ones((q.size, 1), dtype=bool), q[:, None], method="confidence_weighted_entropy"
    )[:, 0]
    per_class_neg = get_label_quality_scores_per_class(
        np.zeros((q.size, 1), dtype=bool), 1 - q[:, None], method="confidence_weighted_entropy"
    )[:, 0]
    for scores in (per_class_pos, per_class_neg):
        assert np.all(np.diff(scores) >= 0)
        assert scores[0] == 0.0 and scores[-1] == 1.0
    assert per_class_pos[3] < 0.2


def test_confidence_weighted_entropy_saturated_correct_prediction_scores_one():
    # p = 1.0 with the class given (and p = 0.0 with it absent): entropy 0, r = 0.
    # The reference divides log(1 + r) by max(r, 1e-6) and returns ~0, the worst score;
    # skmlq returns the limit of log1p(r) / r, which is 1.
    labels = [[0], []]
    pred_probs = [[1.0, 0.5], [0.0, 0.5]]
    got = get_label_quality_scores_per_class(
        labels, pred_probs, method="confidence_weighted_entropy"
    )
    assert got[0, 0] == 1.0 and got[1, 0] == 1.0
    # Saturated WRONG predictions still get the worst score.
    wrong = get_label_quality_scores_per_class(
        [[], [0]], pred_probs, method="confidence_weighted_entropy"
    )
    assert wrong[0, 0] == 0.0 and wrong[1, 0] == 0.0
    # Near saturation the score is continuous (tends to 1).
    near = get_label_quality_scores_per_class(
        [[0]], [[1 - 1e-12]], method="confidence_weighted_entropy"
    )
    assert 1 - 1e-9 < near[0, 0] < 1.0
    # Absent class with a vanishing (not zero) probability: q_y rounds to 1 and r
    # underflows to 0, so the score is the limit 1; present, the same p scores ~0.
    tiny = np.array([[5e-324], [1e-300], [1e-200]])
    absent = get_label_quality_scores_per_class(
        [[], [], []], tiny, method="confidence_weighted_entropy"
    )
    present = get_label_quality_scores_per_class(
        [[0], [0], [0]], tiny, method="confidence_weighted_entropy"
    )
    np.testing.assert_array_equal(absent[:, 0], 1.0)
    assert np.all(present[:, 0] < 0.01)


# --- Bad input ---------------------------------------------------------------------------

PROBS = np.full((3, 4), 0.5)
LABELS = [[0], [1, 2], []]


@pytest.mark.parametrize("value", [np.nan, np.inf, -0.5, 1.5])
@pytest.mark.parametrize("func", [get_label_quality_scores, get_label_quality_scores_per_class])
def test_bad_pred_probs_values(value, func):
    P = PROBS.copy()
    P[2, 1] = value
    with pytest.raises(ValueError, match=r"pred_probs has a .* at row 2, column 1; .*\[0, 1\]"):
        func(LABELS, P)


@pytest.mark.parametrize(
    "P, exc, fragment",
    [
        (np.full(3, 0.5), ValueError, r"pred_probs has shape \(3,\); expected a 2-D array"),
        (np.full((3, 4, 1), 0.5), ValueError, r"pred_probs has shape \(3, 4, 1\)"),
        (np.full((3, 4), "a"), TypeError, "pred_probs has dtype <U1; expected a numeric"),
        (np.full((3, 4), None), TypeError, "pred_probs has dtype object"),
    ],
)
def test_bad_pred_probs_shape_and_type(P, exc, fragment):
    with pytest.raises(exc, match=fragment):
        get_label_quality_scores(LABELS, P)


@pytest.mark.parametrize("labels", [LABELS[:2], LABELS + [[]], np.zeros((2, 4), dtype=bool),
                                    sp.csr_matrix(np.zeros((4, 4)))])
def test_number_of_examples_mismatch(labels):
    with pytest.raises(ValueError, match=r"labels has \d examples but pred_probs has 3 rows"):
        get_label_quality_scores(labels, PROBS)


@pytest.mark.parametrize(
    "labels, exc, fragment",
    [
        ([[0], [1, 4], []], ValueError, r"labels\[1\] contains class index 4, .*\[0, 4\)"),
        ([[0], [1], [-1]], ValueError, r"labels\[2\] contains class index -1"),
        ([[0], [1.5], []], TypeError, r"labels\[1\] contains 1.5 of type float"),
        ([[0], ["a"], []], TypeError, r"labels\[1\] contains 'a' of type str"),
        ([[True], [False], []], TypeError, r"labels\[0\] contains True of type bool"),
        ([[0], 1, []], TypeError, r"labels\[1\] is 1 of type int"),
    ],
)
def test_bad_class_indices(labels, exc, fragment):
    with pytest.raises(exc, match=fragment):
        get_label_quality_scores(labels, PROBS)
    with pytest.raises(exc, match=fragment):
        get_label_quality_scores_per_class(labels, PROBS)


@pytest.mark.parametrize("to_sparse", [False, True])
def test_indicator_values_and_shape(to_sparse):
    Y = np.zeros((3, 4))
    Y[1, 3] = 2
    Y = sp.csr_matrix(Y) if to_sparse else Y
    with pytest.raises(ValueError, match=r"labels has value 2.* at row 1, column 3.* 0 and 1"):
        get_label_quality_scores(Y, PROBS)
    Y = np.zeros((3, 5), dtype=bool)
    Y = sp.csr_matrix(Y) if to_sparse else Y
    with pytest.raises(ValueError, match=r"labels .*shape \(3, 5\), but pred_probs has 4 col"):
        get_label_quality_scores(Y, PROBS)


def test_bad_options():
    with pytest.raises(ValueError) as info:
        get_label_quality_scores(LABELS, PROBS, method="margin")
    assert "method='margin'" in str(info.value)
    for valid in ("self_confidence", "normalized_margin", "confidence_weighted_entropy"):
        assert repr(valid) in str(info.value)
    with pytest.raises(ValueError, match="method='margin'"):
        get_label_quality_scores_per_class(LABELS, PROBS, method="margin")
    with pytest.raises(ValueError, match=r"'mean' is not a valid aggregator; valid ones are "
                                         r"'exponential_moving_average', 'softmin'"):
        get_label_quality_scores(LABELS, PROBS, aggregator_kwargs={"method": "mean"})
    for alpha in (-0.1, 1.01):
        with pytest.raises(ValueError, match=rf"alpha={alpha} is invalid; .*\[0, 1\]"):
            get_label_quality_scores(LABELS, PROBS, aggregator_kwargs={"alpha": alpha})
    for temperature in (0, -1):
        with pytest.raises(ValueError, match=rf"temperature={temperature} is invalid; .*> 0"):
            get_label_quality_scores(
                LABELS, PROBS,
                aggregator_kwargs={"method": "softmin", "temperature": temperature},
            )
    for func in (get_label_quality_scores, get_label_quality_scores_per_class):
        with pytest.raises(ValueError, match="adjust_pred_probs=True is not defined for "
                                             "method='confidence_weighted_entropy'"):
            func(LABELS, PROBS, method="confidence_weighted_entropy", adjust_pred_probs=True)
        with pytest.raises(TypeError, match="adjust_pred_probs='yes' must be True or False"):
            func(LABELS, PROBS, adjust_pred_probs="yes")
    with pytest.raises(ValueError, match=r"aggregator 'bad' returned shape \(3, 4\) .*\(3,\)"):
        def bad(s, axis):
            return s
        get_label_quality_scores(LABELS, PROBS, aggregator_kwargs={"method": bad})


def test_aggregator_kwargs_without_method_means_ema():
    # cleanlab raises TypeError here; skmlq reads the options as EMA options.
    labels, pred_probs = SEVEN_LABELS, SEVEN_PROBS
    np.testing.assert_array_equal(
        get_label_quality_scores(labels, pred_probs, aggregator_kwargs={"alpha": 0.3}),
        get_label_quality_scores(
            labels, pred_probs,
            aggregator_kwargs={"method": "exponential_moving_average", "alpha": 0.3},
        ),
    )
    np.testing.assert_array_equal(
        get_label_quality_scores(labels, pred_probs, aggregator_kwargs={}),
        get_label_quality_scores(labels, pred_probs),
    )


# --- Inputs never modified, memory layouts -----------------------------------------------

ALL_OPTIONS = [
    {"method": "self_confidence"},
    {"method": "normalized_margin", "adjust_pred_probs": True},
    {"method": "self_confidence", "adjust_pred_probs": True},
    {"method": "confidence_weighted_entropy"},
]


@pytest.mark.parametrize("options", ALL_OPTIONS)
@pytest.mark.parametrize("form", ["lists", "dense", "csr"])
def test_inputs_not_modified(options, form):
    rng = np.random.default_rng(11)
    lists, P = random_case(rng, 40, 6)
    dense = np.zeros((40, 6), dtype=np.int64)
    for i, row in enumerate(lists):
        dense[i, row] = 1
    labels = {"lists": lists, "dense": read_only(dense), "csr": sp.csr_matrix(dense)}[form]
    snapshot = (
        [list(r) for r in lists] if form == "lists"
        else (labels.data.copy(), labels.indices.copy(), labels.indptr.copy()) if form == "csr"
        else dense.copy()
    )
    P_ro = read_only(P)
    if form == "csr":
        for part in (labels.data, labels.indices, labels.indptr):
            part.setflags(write=False)
    agg = get_label_quality_scores(labels, P_ro, **options)
    per = get_label_quality_scores_per_class(labels, P_ro, **options)
    np.testing.assert_array_equal(P_ro, P)
    if form == "lists":
        assert labels == snapshot
    elif form == "csr":
        for a, b in zip(snapshot, (labels.data, labels.indices, labels.indptr)):
            np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_array_equal(labels, snapshot)
    expected = get_label_quality_scores(lists, P.copy(), **options)
    np.testing.assert_array_equal(agg, expected)
    assert per.shape == (40, 6)


@pytest.mark.parametrize("options", ALL_OPTIONS)
def test_memmap_and_non_contiguous_pred_probs(tmp_path, options):
    rng = np.random.default_rng(12)
    labels, P_wide = random_case(rng, 300, 14)
    P = np.ascontiguousarray(P_wide[:, ::2])
    path = tmp_path / "pred_probs.npy"
    mm = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=P.shape)
    mm[:] = P
    mm.flush()
    del mm
    mm = np.lib.format.open_memmap(path, mode="r")
    Y = np.zeros((300, 7), dtype=bool)
    for i, row in enumerate(labels):
        Y[i, [c // 2 for c in row if c % 2 == 0]] = True
    expected = get_label_quality_scores(Y, P, **options)
    expected_pc = get_label_quality_scores_per_class(Y, P, **options)
    for variant in (mm, P_wide[:, ::2], np.asfortranarray(P), P_wide[::-1][::-1, ::2]):
        assert not np.shares_memory(variant, P)
        np.testing.assert_array_equal(get_label_quality_scores(Y, variant, **options), expected)
        np.testing.assert_array_equal(
            get_label_quality_scores_per_class(Y, variant, **options), expected_pc
        )


# --- dtypes and edge shapes --------------------------------------------------------------

@pytest.mark.parametrize("options", ALL_OPTIONS)
def test_output_dtypes(options):
    rng = np.random.default_rng(13)
    labels, P = random_case(rng, 50, 5)
    for dtype, expected in [(np.float64, np.float64), (np.float32, np.float32),
                            (np.int64, np.float64), (bool, np.float64)]:
        Pd = (P > 0.5).astype(dtype) if dtype in (np.int64, bool) else P.astype(dtype)
        agg = get_label_quality_scores(labels, Pd, **options)
        per = get_label_quality_scores_per_class(labels, Pd, **options)
        assert agg.dtype == expected and per.dtype == expected
        assert agg.shape == (50,) and per.shape == (50, 5)
    np.testing.assert_allclose(
        get_label_quality_scores(labels, P.astype(np.float32), **options),
        get_label_quality_scores(labels, P.astype(np.float32).astype(np.float64), **options),
        atol=2e-5,
    )


@pytest.mark.parametrize("options", ALL_OPTIONS)
@pytest.mark.parametrize("labels", [[], np.zeros((0, 3), dtype=bool), sp.csr_matrix((0, 3))])
def test_empty_dataset(options, labels):
    P = np.zeros((0, 3))
    agg = get_label_quality_scores(labels, P, **options)
    per = get_label_quality_scores_per_class(labels, P, **options)
    assert agg.shape == (0,) and agg.dtype == np.float64
    assert per.shape == (0, 3) and per.dtype == np.float64
    assert get_label_quality_scores(labels, P.astype(np.float32), **options).dtype == np.float32


@pytest.mark.parametrize("options", ALL_OPTIONS)
@pytest.mark.parametrize(
    "aggregator_kwargs",
    [None, {"method": "exponential_moving_average"},
     {"method": "exponential_moving_average", "alpha": 0.3},
     {"method": "softmin"}, {"method": "softmin", "temperature": 1e-8}, {"method": np.mean}],
)
def test_single_class_aggregates_to_the_per_class_score(options, aggregator_kwargs):
    labels = [[0], [], [0], []]
    P = np.array([[0.3], [0.4], [0.95], [0.01]])
    per = get_label_quality_scores_per_class(labels, P, **options)
    assert per.shape == (4, 1)
    kwargs = {} if aggregator_kwargs is None else {"aggregator_kwargs": aggregator_kwargs}
    agg = get_label_quality_scores(labels, P, **options, **kwargs)
    np.testing.assert_array_equal(agg, per[:, 0])


def test_all_labels_empty_and_all_present():
    P = np.array([[0.2, 0.7], [0.9, 0.1]])
    np.testing.assert_allclose(
        get_label_quality_scores_per_class([[], []], P), 1 - P, atol=1e-15
    )
    np.testing.assert_allclose(
        get_label_quality_scores_per_class([[0, 1], [1, 0]], P), P, atol=1e-15
    )
    # Adjustment with an empty side (threshold 2) stays finite and in [0, 1].
    for labels in ([[], []], [[0, 1], [0, 1]]):
        got = get_label_quality_scores(labels, P, adjust_pred_probs=True)
        assert np.all(np.isfinite(got)) and np.all((got >= 0) & (got <= 1))


def test_block_boundaries_do_not_change_results(monkeypatch):
    import skmlq.utils._blocks as blocks

    rng = np.random.default_rng(14)
    labels, P = random_case(rng, 257, 9)
    options = {"adjust_pred_probs": True, "aggregator_kwargs": {"method": "softmin"}}
    expected = get_label_quality_scores(labels, P, **options)
    expected_pc = get_label_quality_scores_per_class(labels, P, adjust_pred_probs=True)
    monkeypatch.setattr(blocks, "BLOCK_ELEMENTS", 50)  # 5 rows per block
    # Thresholds are sums over blocks, so the last bit may move; nothing more.
    np.testing.assert_allclose(get_label_quality_scores(labels, P, **options), expected,
                               rtol=0, atol=1e-15)
    np.testing.assert_allclose(
        get_label_quality_scores_per_class(labels, P, adjust_pred_probs=True), expected_pc,
        rtol=0, atol=1e-15,
    )
