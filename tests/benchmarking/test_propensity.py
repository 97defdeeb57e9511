"""Propensity-scored precision@k against a direct computation, sparse and dense."""

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.benchmarking import label_propensities, propensity_scored_precision_at_k


def brute_force(scores, truth, propensities, k, normalize):
    """Row by row: the k highest scores (ties by column), their earnings."""
    earned, best = 0.0, 0.0
    for s, t in zip(scores, truth):
        order = sorted(range(s.size), key=lambda j: (-s[j], j))[:k]
        earned += sum(1 / propensities[j] for j in order if t[j])
        best += sum(sorted((1 / propensities[j] for j in np.flatnonzero(t)), reverse=True)[:k])
    if normalize:
        return earned / best if best else float("nan")
    return earned / (k * len(scores))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("normalize", [True, False])
def test_matches_the_definition_dense_and_sparse(seed, k, normalize):
    rng = np.random.default_rng(seed)
    n, n_classes = 30, 12
    # repeated values make ties, broken by column
    scores = rng.integers(0, 5, (n, n_classes)) / 4
    truth = rng.random((n, n_classes)) < 0.2
    propensities = rng.uniform(0.1, 1.0, n_classes)
    expected = brute_force(scores, truth, propensities, k, normalize)
    got = propensity_scored_precision_at_k(scores, truth, propensities, k=k, normalize=normalize)
    assert got == pytest.approx(expected, rel=1e-12)
    # sparse: only the stored entries are suggestions, so store every entry
    stored = sp.csr_matrix((scores.ravel() + 1.0,
                            np.tile(np.arange(n_classes), n),
                            np.arange(0, n * n_classes + 1, n_classes)), shape=scores.shape)
    got_sparse = propensity_scored_precision_at_k(stored, sp.csr_matrix(truth), propensities,
                                                  k=k, normalize=normalize)
    assert got_sparse == pytest.approx(expected, rel=1e-12)


def test_unstored_entries_are_not_suggested():
    truth = np.array([[0, 0, 1]])
    scores = sp.csr_matrix(([0.9], ([0], [0])), shape=(1, 3))
    # the true class is not stored: no suggestion recovers it, however many are asked
    assert propensity_scored_precision_at_k(scores, truth, np.ones(3), k=3) == 0.0


def test_a_perfect_ranking_scores_one_and_rare_tags_weigh_more():
    rng = np.random.default_rng(0)
    truth = rng.random((50, 20)) < 0.15
    truth[0, 0] = True
    propensities = np.linspace(0.2, 1.0, 20)
    ideal = truth / propensities
    assert propensity_scored_precision_at_k(ideal, truth, propensities, k=3) == 1.0
    # finding the popular tag instead of the rare one earns less than half as much
    row_truth = np.array([[1, 0, 0, 1]])
    props = np.array([0.2, 1.0, 1.0, 1.0])
    rare = propensity_scored_precision_at_k(np.array([[1.0, 0, 0, 0.5]]), row_truth, props, k=1)
    popular = propensity_scored_precision_at_k(np.array([[0.5, 0, 0, 1.0]]), row_truth, props,
                                               k=1)
    assert rare == 1.0 and popular == pytest.approx(0.2)


def test_propensities_follow_the_frequency_model():
    rng = np.random.default_rng(1)
    labels = rng.random((200, 6)) < np.linspace(0.02, 0.6, 6)
    counts = labels.sum(axis=0)
    c = (np.log(200) - 1) * 2.5 ** 0.55
    expected = 1 / (1 + c * (counts + 1.5) ** -0.55)
    np.testing.assert_allclose(label_propensities(labels), expected, rtol=1e-12)
    np.testing.assert_allclose(label_propensities(sp.csr_matrix(labels)), expected, rtol=1e-12)
    assert np.all(np.diff(label_propensities(labels)[np.argsort(counts)]) >= 0)


def test_inputs_are_not_modified():
    truth = sp.csr_matrix(np.array([[1, 0], [0, 1]]))
    scores = sp.csr_matrix(np.array([[0.3, 0.0], [0.2, 0.9]]))
    before = (truth.data.copy(), scores.data.copy(), scores.indices.copy())
    propensity_scored_precision_at_k(scores, truth, np.array([0.5, 0.5]), k=1)
    label_propensities(truth)
    assert np.array_equal(truth.data, before[0]) and np.array_equal(scores.data, before[1])
    assert np.array_equal(scores.indices, before[2])


@pytest.mark.parametrize("kwargs, match", [
    ({"k": 0}, "k=0"),
    ({"k": 1.5}, "k=1.5"),
    ({"normalize": "yes"}, "normalize"),
    ({"propensities": np.array([0.5, 0.0])}, r"propensities\[1\]"),
    ({"propensities": np.array([0.5])}, "propensities has shape"),
    ({"truth": np.array([[1, 2], [0, 1]])}, "truth has the value 2 at row 0, column 1"),
    ({"truth": np.array([[1, 0, 0], [0, 1, 0]])}, "truth has shape"),
    ({"scores": np.array([[np.nan, 0.1], [0.2, 0.3]])}, "scores"),
])
def test_bad_input_gets_a_named_error(kwargs, match):
    args = {"scores": np.array([[0.1, 0.9], [0.4, 0.3]]), "truth": np.array([[0, 1], [1, 0]]),
            "propensities": np.array([0.5, 0.5]), **kwargs}
    with pytest.raises((ValueError, TypeError), match=match):
        propensity_scored_precision_at_k(args.pop("scores"), args.pop("truth"),
                                         args.pop("propensities"), **args)


@pytest.mark.parametrize("kwargs, match", [
    ({"a": 0}, "a=0"), ({"b": -1.0}, "b=-1.0"), ({"a": True}, "a=True"),
])
def test_bad_constants_get_a_named_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        label_propensities(np.eye(3), **kwargs)
