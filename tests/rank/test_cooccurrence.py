"""The "cooccurrence" scoring method and the error probabilities."""

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.benchmarking import class_conditional_noise, detection_metrics, random_toggle_noise
from skmlq.rank import (
    get_cooccurrence_params,
    get_label_error_probabilities,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
)


def structured_problem(n_samples=400, seed=0):
    """Labels with strong co-occurrence and a model that does not see it."""
    rng = np.random.RandomState(seed)
    base = rng.random_sample((n_samples, 3)) < 0.35
    Y = np.column_stack([base, base[:, 0] | base[:, 1], base[:, 2], ~base[:, 0]])
    P = np.clip(np.where(Y, 0.6, 0.4) + rng.normal(0, 0.2, Y.shape), 0.01, 0.99)
    return Y, P


def wide_problem(n_samples=600, n_groups=15, seed=0):
    """45 classes in groups of three that co-occur, more than the default number of
    neighbours (40) plus one, and a weak model."""
    rng = np.random.RandomState(seed)
    base = rng.random_sample((n_samples, n_groups)) < 0.2
    Y = np.repeat(base, 3, axis=1) ^ (rng.random_sample((n_samples, 3 * n_groups)) < 0.05)
    P = np.clip(np.where(Y, 0.6, 0.35) + rng.normal(0, 0.2, Y.shape), 0.01, 0.99)
    return Y, P


@pytest.fixture(scope="module")
def problem():
    Y, P = structured_problem()
    noisy, wrong = random_toggle_noise(Y, rate=0.1, random_state=0)
    return noisy, P, wrong


@pytest.fixture(scope="module", params=["narrow", "wide"])
def any_problem(request, problem):
    """The six-class problem (every class a neighbour of every other) and one of 45
    classes, where each reads its 40 nearest."""
    if request.param == "narrow":
        return problem
    Y, P = wide_problem()
    noisy, wrong = random_toggle_noise(Y, rate=0.05, random_state=0)
    return noisy, P, wrong


@pytest.fixture(scope="module")
def params(problem):
    noisy, P, _ = problem
    return get_cooccurrence_params(noisy, P, random_state=0)


def test_scores_in_unit_interval_and_shapes(problem):
    noisy, P, _ = problem
    S = get_label_quality_scores_per_class(noisy, P, method="cooccurrence")
    s = get_label_quality_scores(noisy, P, method="cooccurrence")
    assert S.shape == P.shape and s.shape == (P.shape[0],)
    assert 0 <= S.min() and S.max() <= 1 and 0 <= s.min() and s.max() <= 1
    # the default aggregation of the per-class scores
    np.testing.assert_allclose(s, get_label_quality_scores(noisy, P, method="cooccurrence",
                                                           cooccurrence_params=None))


def dense_weights(coef, neighbors):
    """Coefficients of the full model, (n_folds, K + 2, K): row 0 ``a``, row 1 ``b``,
    rows ``2:`` the label weights (zero diagonal and outside the neighbours)."""
    n_folds, n_classes, _ = coef.shape
    dense = np.zeros((n_folds, n_classes + 2, n_classes))
    dense[:, :2] = coef[:, :, :2].transpose(0, 2, 1)
    for k in range(n_classes):
        dense[:, 2 + neighbors[k], k] = coef[:, k, 3:]
    return dense


def test_seeded_folds(problem):
    noisy, P, _ = problem
    a = get_cooccurrence_params(noisy, P, random_state=1)
    b = get_cooccurrence_params(noisy, P, random_state=1)
    c = get_cooccurrence_params(noisy, P, random_state=2)
    np.testing.assert_array_equal(a.coef, b.coef)
    assert not np.allclose(a.coef, c.coef)


def test_class_order_invariance(any_problem):
    noisy, P, _ = any_problem
    perm = np.random.RandomState(1).permutation(P.shape[1])
    S = get_label_quality_scores_per_class(noisy, P, method="cooccurrence")
    S_perm = get_label_quality_scores_per_class(noisy[:, perm], P[:, perm],
                                                method="cooccurrence")
    np.testing.assert_allclose(S_perm, S[:, perm], rtol=1e-6, atol=1e-9)


def test_three_label_forms(any_problem):
    noisy, P, _ = any_problem
    lists = [np.flatnonzero(row).tolist() for row in noisy]
    results = [
        get_label_quality_scores_per_class(form, P, method="cooccurrence")
        for form in (noisy, noisy.astype(np.int8), sp.csr_matrix(noisy), lists)
    ]
    for other in results[1:]:
        np.testing.assert_allclose(other, results[0], rtol=1e-10, atol=1e-12)


def test_blocks_slices_and_memmap(any_problem, tmp_path, monkeypatch):
    noisy, P, _ = any_problem
    params = get_cooccurrence_params(noisy, P, random_state=0)

    def per_class(labels, pred_probs, fitted=params):
        return get_label_quality_scores_per_class(labels, pred_probs, method="noise_posterior",
                                                  cooccurrence_params=fitted)

    full = per_class(noisy, P)
    # a slice scored with the parameters of all rows
    np.testing.assert_array_equal(per_class(noisy[100:250], P[100:250]), full[100:250])
    part = get_label_quality_scores(noisy[100:250], P[100:250], method="cooccurrence",
                                    cooccurrence_params=params)
    whole = get_label_quality_scores(noisy, P, method="cooccurrence", cooccurrence_params=params)
    # (the sorting aggregator may round the last bit differently in another block)
    np.testing.assert_allclose(part, whole[100:250], rtol=1e-15, atol=0)
    # memory-mapped inputs
    path = tmp_path / "p.npy"
    np.save(path, P)
    np.testing.assert_array_equal(per_class(noisy, np.load(path, mmap_mode="r")), full)
    # pred_probs in Fortran order
    np.testing.assert_array_equal(per_class(noisy, np.asfortranarray(P)), full)
    # tiny row blocks: the fit and the scores do not depend on the blocking
    from skmlq.utils import _blocks

    monkeypatch.setattr(_blocks, "BLOCK_ELEMENTS", 60)
    small = get_cooccurrence_params(noisy, P, random_state=0)
    np.testing.assert_array_equal(small.neighbors, params.neighbors)
    # summation order differs with the blocking: equal to the solver's tolerance
    np.testing.assert_allclose(small.coef, params.coef, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(per_class(noisy, P), full)


def test_sparse_label_weights(any_problem, monkeypatch):
    """Many classes keep the folds' label weights sparse: the same scores, and a
    slice still scored exactly as in the call over all rows."""
    from skmlq._core import _second_stage

    noisy, P, _ = any_problem
    params = get_cooccurrence_params(noisy, P, random_state=0)
    dense = get_label_quality_scores_per_class(noisy, P, method="single_error",
                                               cooccurrence_params=params)
    monkeypatch.setattr(_second_stage, "_DENSE_WEIGHTS", 0)
    params = get_cooccurrence_params(noisy, P, random_state=0)
    assert not isinstance(params.label_weights(), np.ndarray)
    full = get_label_quality_scores_per_class(noisy, P, method="single_error",
                                              cooccurrence_params=params)
    np.testing.assert_allclose(full, dense, rtol=1e-12, atol=1e-14)
    part = get_label_quality_scores_per_class(noisy[7:301], np.asfortranarray(P[7:301]),
                                              method="single_error", cooccurrence_params=params)
    np.testing.assert_array_equal(part, full[7:301])


def test_adjusted_cooccurrence(problem, params):
    noisy, P, _ = problem
    s = get_label_quality_scores(noisy, P, method="cooccurrence", adjust_pred_probs=True,
                                 cooccurrence_params=params)
    assert 0 <= s.min() and s.max() <= 1
    assert not np.allclose(s, get_label_quality_scores(noisy, P, method="cooccurrence",
                                                       cooccurrence_params=params))


def test_detects_errors_that_break_label_structure(problem):
    noisy, P, wrong = problem
    plain = detection_metrics(get_label_quality_scores(noisy, P, aggregator_kwargs={
        "method": np.min}), wrong)["auroc"]
    cooc = detection_metrics(get_label_quality_scores(noisy, P, method="cooccurrence",
                                                      aggregator_kwargs={"method": np.min}),
                             wrong)["auroc"]
    # measured (seeds 0-2): 0.61-0.64 for self_confidence, 0.993-0.998 for cooccurrence
    assert plain < 0.7
    assert cooc > 0.97


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"method": "self_confidence", "cooccurrence_params": "P"}, ValueError,
         "cooccurrence_params were given but method='self_confidence'"),
        ({"method": "cooccurrence", "cooccurrence_params": np.zeros((5, 8, 6))}, TypeError,
         "CooccurrenceParams"),
        ({"method": "cooccurrence", "thresholds": np.ones((6, 2))}, ValueError,
         "adjust_pred_probs=False"),
        ({"method": "cooccurence"}, ValueError, "valid methods are"),
    ],
)
def test_bad_options(problem, kwargs, error, match):
    noisy, P, _ = problem
    if isinstance(kwargs.get("cooccurrence_params"), str):
        kwargs = dict(kwargs, cooccurrence_params=get_cooccurrence_params(noisy, P))
    with pytest.raises(error, match=match):
        get_label_quality_scores(noisy, P, **kwargs)


def test_params_for_other_classes_rejected(problem, params):
    noisy, P, _ = problem
    with pytest.raises(ValueError, match=r"expected \(n_folds, 5, n_neighbors \+ 3\)"):
        get_label_quality_scores(noisy[:, :5], P[:, :5], method="cooccurrence",
                                 cooccurrence_params=params)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"C": 0}, "C=0"), ({"C": "1"}, "C='1'"), ({"n_folds": 1}, "n_folds=1"),
     ({"n_folds": 2.0}, "n_folds=2.0"), ({"random_state": -1}, "random_state=-1"),
     ({"random_state": np.random.RandomState(0)}, "random_state="),
     ({"n_neighbors": 0}, "n_neighbors=0 is invalid; expected an integer >= 1 or 'all'"),
     ({"n_neighbors": 2.5}, "n_neighbors=2.5"), ({"n_neighbors": True}, "n_neighbors=True"),
     ({"n_neighbors": "most"}, "n_neighbors='most'"), ({"n_neighbors": None}, "n_neighbors=None")],
)
def test_bad_params_options(problem, kwargs, match):
    noisy, P, _ = problem
    with pytest.raises(ValueError, match=match):
        get_cooccurrence_params(noisy, P, **kwargs)


def test_params_pickle_and_repr(params):
    import pickle

    again = pickle.loads(pickle.dumps(params))
    np.testing.assert_array_equal(again.coef, params.coef)
    assert again.random_state == params.random_state
    assert "n_folds=5" in repr(params)


def test_error_probabilities_on_class_conditional_noise():
    Y, P = structured_problem(n_samples=1500, seed=1)
    rates = np.tile([0.02, 0.15], (Y.shape[1], 1))
    noisy, wrong = class_conditional_noise(Y, rates, random_state=0)
    example, per_class = get_label_error_probabilities(noisy, P)
    assert example.shape == (1500,) and per_class.shape == Y.shape
    assert 0 <= per_class.min() and per_class.max() <= 1
    assert np.all(example >= per_class.max(axis=1) - 1e-12)
    np.testing.assert_allclose(example, 1 - np.prod(1 - per_class, axis=1), atol=1e-12)
    truth = wrong.any(axis=1)
    # measured: 525 estimated against 600 true wrong examples, AUROC 0.979
    assert abs(example.sum() / truth.sum() - 1) < 0.2
    assert detection_metrics(-example, wrong)["auroc"] > 0.95


def test_folds_match_exact_fits():
    """Each fold's one-step weights against an exact fit without the fold."""
    from sklearn.linear_model import LogisticRegression

    from skmlq._core._logistic import logit_block
    from skmlq._core._second_stage import fit_stage, row_folds

    Y, P = structured_problem(n_samples=1500)
    noisy, _ = random_toggle_noise(Y, rate=0.1, random_state=0)
    coef, neighbors = fit_stage(noisy, P, C=1.0, n_folds=5, random_state=0, n_neighbors=None)
    coef = dense_weights(coef, neighbors)
    folds, Z = row_folds(P, noisy, 5, 0), logit_block(P)
    worst = 0.0
    for fold in range(5):
        train = folds != fold
        for k in range(P.shape[1]):
            # the same model: L2 penalty 1 / (2 C) on all weights but the intercept
            X = np.column_stack([Z[:, k], np.delete(noisy, k, axis=1)]).astype(float)
            exact = LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000)
            exact.fit(X[train], noisy[train, k])
            eta = Z[~train, k] * coef[fold, 0, k] + coef[fold, 1, k]
            eta += noisy[~train] @ coef[fold, 2:, k]
            q = 1 / (1 + np.exp(-eta))
            worst = max(worst, np.abs(q - exact.predict_proba(X[~train])[:, 1]).max())
        np.testing.assert_array_equal(np.diagonal(coef[fold, 2:]), 0)
    # measured (seeds 0-2): 0.005-0.009 on the held-out rows
    assert worst < 0.02


def test_fit_on_a_sample_of_large_data(problem, monkeypatch):
    from skmlq._core import _second_stage
    from skmlq.utils import _blocks

    noisy, P, _ = problem
    full = get_cooccurrence_params(noisy, P)
    monkeypatch.setattr(_second_stage, "_MAX_FIT_ROWS", 100)
    n_rows = _second_stage._FitSample(noisy, P, 5, 0, None).n_rows
    assert 60 <= n_rows <= 140  # about 400 / 4 rows, chosen by the row hash
    sampled = get_cooccurrence_params(noisy, P)
    assert np.isfinite(sampled.coef).all() and not np.allclose(sampled.coef, full.coef)
    # the sample depends on the rows' contents only: not on blocking or class order
    monkeypatch.setattr(_blocks, "BLOCK_ELEMENTS", 60)
    np.testing.assert_allclose(get_cooccurrence_params(noisy, P).coef, sampled.coef,
                               rtol=1e-6, atol=1e-7)
    perm = np.array([4, 2, 0, 5, 1, 3])
    permuted = get_cooccurrence_params(noisy[:, perm], P[:, perm])
    expected = dense_weights(sampled.coef, sampled.neighbors)
    expected = np.concatenate([expected[:, :2][:, :, perm],
                               expected[:, 2:][:, perm][:, :, perm]], axis=1)
    np.testing.assert_allclose(dense_weights(permuted.coef, permuted.neighbors), expected,
                               rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("make, n_neighbors", [(structured_problem, "all"),
                                               (structured_problem, 5),
                                               (wide_problem, "all"), (wide_problem, 44)])
def test_all_neighbors_is_the_dense_stage(make, n_neighbors, monkeypatch):
    """With every other class a neighbour, the stage is the full model of all K - 1
    labels: the same coefficients and probabilities as the dense fit, to rounding.
    (Both fits run to a tolerance far below the default, so that the comparison
    does not depend on the two optimisers' paths, which differ.)"""
    from skmlq._core import _second_stage
    from skmlq._core._second_stage import second_stage_block

    from . import _dense_stage
    from ._dense_stage import cooccurrence_block, fit_cooccurrence

    monkeypatch.setattr(_second_stage, "_TOL", 1e-12)
    monkeypatch.setattr(_dense_stage, "_TOL", 1e-12)

    Y, P = make()
    noisy, _ = random_toggle_noise(Y, rate=0.05, random_state=1)
    params = get_cooccurrence_params(noisy, P, n_neighbors=n_neighbors, random_state=3)
    dense = fit_cooccurrence(noisy, P, random_state=3)
    assert params.neighbors.shape == (P.shape[1], P.shape[1] - 1)
    np.testing.assert_array_equal(params.coef[:, :, 2], 0)  # no label outside the neighbours
    np.testing.assert_allclose(dense_weights(params.coef, params.neighbors), dense,
                               rtol=0, atol=1e-10)
    np.testing.assert_allclose(second_stage_block(P, noisy, params),
                               cooccurrence_block(P, noisy, dense, 3), rtol=0, atol=1e-12)


def test_indexed_neighbor_pairs_give_the_product_hessian(any_problem, monkeypatch):
    """The neighbour block of the Hessian summed over the pairs' index, where the
    fit keeps one, is the sparse product ``X^T diag(w) X`` it replaces; and the
    losses of several step lengths in one pass are those of separate passes."""
    from skmlq._core import _second_stage

    noisy, P, _ = any_problem
    monkeypatch.setattr(_second_stage, "_PAIRS_PER_ENTRY", np.inf)  # every block indexed
    sample = _second_stage._FitSample(noisy, P, 5, 0, 40)
    assert all(block[-1] is not None for block in sample.blocks)
    rng = np.random.RandomState(0)
    theta = rng.normal(0, 0.5, (sample.n_classes, sample.m + 3))
    indexed = _second_stage._data_terms(sample, theta, True)
    sample.blocks = [block[:-1] + (None,) for block in sample.blocks]
    product = _second_stage._data_terms(sample, theta, True)
    for mine, theirs in zip(indexed, product):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-12)
    step = rng.normal(0, 0.5, theta.shape)
    lengths = np.array([1.0, 0.25])
    (together,) = _second_stage._data_terms(sample, theta, False, step, lengths)
    for i, t in enumerate(lengths):
        (alone,) = _second_stage._data_terms(sample, theta - t * step, False)
        np.testing.assert_allclose(together[:, i], alone, rtol=1e-12)
    # the line search's losses of some classes are those of all classes (to the
    # rounding of a sum over rows, whose order numpy picks by the number of columns)
    columns = np.array([0, sample.n_classes - 1])
    (some,) = _second_stage._data_terms(sample, theta, False, step, lengths, columns)
    np.testing.assert_allclose(some, together[:, :, columns], rtol=1e-14, atol=0)


def test_neighbors_are_the_most_informative_classes():
    Y, P = wide_problem()
    params = get_cooccurrence_params(Y, P, n_neighbors=2)
    # each class's two neighbours are the other two classes of its group
    groups = np.arange(45) // 3
    np.testing.assert_array_equal(groups[params.neighbors], np.repeat(groups, 2).reshape(45, 2))
    assert params.coef.shape == (5, 45, 5) and "n_neighbors=2" in repr(params)
    assert get_cooccurrence_params(Y, P).neighbors.shape == (45, 40)


@pytest.mark.parametrize("seed", range(4))
def test_neighbors_are_the_best_of_all_pairs(seed, monkeypatch):
    """The neighbours are the top m of the mutual information of all pairs (up to
    exact ties, which leave the same scores), though only the pairs given together
    and m more per class are scored."""
    from skmlq._core import _second_stage

    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(20, 600)), int(rng.integers(3, 80))
    Y = rng.random((n, k)) < rng.power(0.3, k) * 0.3
    Y[:, rng.choice(k, k // 5, replace=False)] = False  # classes never given
    L = sp.csr_matrix(Y.astype(np.float64))
    hashes = rng.integers(0, 2**63, n, dtype=np.uint64)
    n11 = Y.T.astype(float) @ Y.astype(float)
    counts = Y.sum(axis=0).astype(float)
    unit = np.modf(L.T @ ((hashes >> np.uint64(11)).astype(np.float64) * 2.0**-53))[0]
    table = _second_stage._mutual_information(n11, counts[:, None], counts[None, :], n)
    table += 1e-12 * unit[:, None]
    np.fill_diagonal(table, -np.inf)
    scored = []
    real = _second_stage._mutual_information
    monkeypatch.setattr(_second_stage, "_mutual_information",
                        lambda n11, *rest: scored.append(np.size(n11)) or real(n11, *rest))
    for m in {1, 3, k // 2, k - 2} - {0}:
        scored.clear()
        chosen = _second_stage.choose_neighbors(L, hashes, m)
        best = -np.sort(-table, axis=0)[:m].T  # each class's m best scores
        got = np.take_along_axis(table.T, chosen, axis=1)
        np.testing.assert_array_equal(np.sort(got, axis=1), np.sort(best, axis=1))
        assert sum(scored) <= sp.csr_matrix(n11).nnz + k * m


def test_fewer_neighbors_than_classes_scores_differently():
    Y, P = wide_problem()
    noisy, wrong = random_toggle_noise(Y, rate=0.05, random_state=0)

    def auroc(n_neighbors):
        params = get_cooccurrence_params(noisy, P, n_neighbors=n_neighbors)
        scores = get_label_quality_scores(noisy, P, method="noise_posterior",
                                          cooccurrence_params=params)
        return scores, detection_metrics(scores, wrong)["auroc"]

    (full, full_auroc), (one, one_auroc) = auroc("all"), auroc(1)
    assert not np.allclose(full, one)
    plain = detection_metrics(get_label_quality_scores(noisy, P), wrong)["auroc"]
    # one neighbour of its group sees most broken groups (wide, seeds 0-2: 0.67-0.76
    # against 0.69-0.73 with all 44 and 0.57-0.65 without the stage)
    assert one_auroc > max(plain + 0.05, full_auroc - 0.05)


def test_neighbors_of_foreign_params_rejected(problem, params):
    import copy

    noisy, P, _ = problem
    bad = copy.copy(params)
    bad.neighbors = np.tile(np.arange(5), (6, 1))  # class k among its own neighbours
    with pytest.raises(ValueError, match="neighbours outside the other 5 classes"):
        get_label_quality_scores(noisy, P, method="cooccurrence", cooccurrence_params=bad)


def test_newton_passes_cover_the_classes_still_moving(monkeypatch):
    """A class leaves Newton's passes once it has converged, keeping its last step for
    the final pass over all classes: the coefficients are those of a fit that steps
    every class until all have converged, to rounding; and the passes did cover
    fewer classes as they converged."""
    from skmlq._core import _second_stage

    rng = np.random.RandomState(0)
    base = rng.random_sample((400, 4)) < 0.3
    # flip rates from 0 (a class copies the others of its group: near separable, and
    # with a weak penalty slow to converge) to 0.09
    Y = np.repeat(base, 3, axis=1) ^ (rng.random_sample((400, 12)) < np.linspace(0, 0.3, 12) ** 2)
    P = np.clip(np.where(Y, 0.6, 0.35) + rng.normal(0, 0.2, Y.shape), 0.01, 0.99)
    covered = []
    data_terms = _second_stage._data_terms

    def counting(sample, theta, with_hessian, step=None, lengths=(), columns=None,
                 pooled=False):
        if with_hessian and theta.shape[1] > 3:  # the full model's passes
            covered.append(sample.n_classes if columns is None else len(columns))
        return data_terms(sample, theta, with_hessian, step, lengths, columns, pooled)

    monkeypatch.setattr(_second_stage, "_data_terms", counting)
    active = _second_stage.fit_stage(Y, P, C=100.0, n_neighbors=4)[0]
    # the first and last passes cover every class; those in between fewer and fewer
    # (measured: 12 x 6, then 9, 7, 5, 3, 2, then 12)
    assert covered[0] == covered[-1] == 12
    partial = [n for n in covered if n < 12]
    assert len(set(partial)) >= 3 and min(partial) <= 3
    assert partial == sorted(partial, reverse=True)
    monkeypatch.setattr(_second_stage, "_FREEZE", 0.0)  # every class steps to the end
    covered.clear()
    every = _second_stage.fit_stage(Y, P, C=100.0, n_neighbors=4)[0]
    assert covered == [12] * len(covered) and len(covered) > 6
    # measured: within 4e-11 (7e-7 where a class leaves at the tolerance, _FREEZE = 1)
    np.testing.assert_allclose(active, every, rtol=0, atol=1e-10)


def test_pooled_terms_are_the_folds_summed():
    """Newton's passes read the terms pooled over the folds: the same sums as the
    folds' terms added up, to rounding."""
    from skmlq._core import _second_stage

    rng = np.random.RandomState(1)
    Y = rng.random_sample((300, 6)) < 0.3
    P = np.clip(np.where(Y, 0.7, 0.3) + rng.normal(0, 0.2, Y.shape), 0.01, 0.99)
    sample = _second_stage._FitSample(Y, P, 5, 0, 3)
    theta = rng.normal(0, 0.3, (6, 3 + 3))
    folds = _second_stage._data_terms(sample, theta, True)
    pooled = _second_stage._data_terms(sample, theta, True, pooled=True)
    for by_fold, together in zip(folds, pooled):
        assert by_fold.shape[0] == 5 and together.shape[0] == 1
        np.testing.assert_allclose(together[0], by_fold.sum(axis=0), rtol=1e-12, atol=1e-10)


def test_large_samples_start_cheaper_and_reach_the_same_fit(monkeypatch):
    """On many blocks the model without neighbour weights, only the full model's
    start, is fitted on every ``_HEAD_EVERY``-th block: its passes read that part
    alone; the full model's first steps are searched before its first pass with
    the Hessian; and it reaches the same solution as from the start fitted on all
    rows with no step searched first, to the tolerance's rounding."""
    from skmlq._core import _second_stage
    from skmlq.utils import _blocks

    Y, P = wide_problem(n_samples=800)
    noisy, _ = random_toggle_noise(Y, rate=0.05, random_state=0)
    monkeypatch.setattr(_blocks, "BLOCK_ELEMENTS", 500)  # many small blocks
    monkeypatch.setattr(_second_stage, "_TOL", 1e-12)
    sample = _second_stage._FitSample(noisy, P, 5, 0, 2)
    assert len(sample.blocks) >= 16
    part = sample.part(4)
    assert part.blocks == sample.blocks[::4] and part.n_rows < sample.n_rows / 3
    assert sum(block[1].shape[0] for block in sample.part(1).blocks) == sample.n_rows
    rows = []
    data_terms = _second_stage._data_terms

    full_passes = []

    def counting(sample, theta, with_hessian, step=None, *args, **kwargs):
        if theta.shape[1] == 3:  # the head's passes
            rows.append(sum(block[1].shape[0] for block in sample.blocks))
        else:
            full_passes.append("search" if step is not None else "hessian")
        return data_terms(sample, theta, with_hessian, step, *args, **kwargs)

    monkeypatch.setattr(_second_stage, "_data_terms", counting)
    monkeypatch.setattr(_second_stage, "_LARGE_BLOCKS", 10**9)
    full = _second_stage.fit_stage(noisy, P, n_neighbors=2)[0]
    assert set(rows) == {sample.n_rows}
    assert full_passes[:2] == ["hessian", "hessian"]
    rows.clear()
    full_passes.clear()
    monkeypatch.setattr(_second_stage, "_LARGE_BLOCKS", 1)
    monkeypatch.setattr(_second_stage, "_HEAD_EVERY", 4)
    started = _second_stage.fit_stage(noisy, P, n_neighbors=2)[0]
    assert set(rows) == {part.n_rows}
    assert full_passes[:2] == ["hessian", "search"]
    assert not np.array_equal(started, full)
    # measured: within 3e-14
    np.testing.assert_allclose(started, full, rtol=0, atol=1e-10)
