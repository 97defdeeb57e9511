"""The review loop of MultilabelLabelQuality: batches, answers, refits and the count."""

import copy
import io
import pickle
import warnings

import numpy as np
import pytest

from skmlq import MultilabelLabelQuality
from skmlq._core._aggregation import resolve_aggregator
from skmlq._core._error_proba import (
    _centres, _log_likelihood, error_proba_block, example_error_proba,
    fit_noise_model, noise_histogram, posterior_scores_block, reviewed_histogram,
)
from skmlq._core._review import (
    ReviewBatch, combine_estimates, draw_batch, error_row_sums, fit_review_ranker, refit_pass,
    review_ranking, stage_logits,
)
from skmlq._core._single_error import error_shares_em, side_sums_block
from skmlq.benchmarking import missing_tags_noise, random_toggle_noise
from skmlq.report import write_review

from .._helpers import GivenProbabilities


def make_problem(n_samples=1500, n_classes=6, seed=0):
    """Clean labels, 10% of examples with a toggled annotation, and probabilities of a
    fair model that are miscalibrated the same way for every class."""
    rng = np.random.default_rng(seed)
    clean = rng.random((n_samples, n_classes)) < 0.3
    clean[np.arange(n_samples), rng.integers(n_classes, size=n_samples)] = True
    noisy, wrong = random_toggle_noise(clean, rate=0.1, random_state=seed)
    logit = np.where(clean, 1.5, -1.5) + rng.normal(0, 1.3, clean.shape)
    P = 1 / (1 + np.exp(-logit))
    return noisy, clean, wrong.any(axis=1), P


def fit(noisy, P, **params):
    X = np.arange(noisy.shape[0])[:, None]
    params = {"method": "noise_posterior", "aggregator": "product", "cv": 2,
              "random_state": 0, **params}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the model-quality warning of weak classes
        return MultilabelLabelQuality(GivenProbabilities(P), **params).fit(X, noisy)


@pytest.fixture(scope="module")
def problem():
    return make_problem()


@pytest.fixture(scope="module")
def fitted(problem):
    noisy, _, _, P = problem
    return fit(noisy, P)


def snapshot(mlq):
    return {k: copy.deepcopy(v) for k, v in vars(mlq).items() if k != "_review"}


def same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        if isinstance(a[k], np.ndarray):
            np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def test_batches_and_answers(problem, fitted):
    noisy, clean, wrong, _ = problem
    mlq = copy.deepcopy(fitted)
    first = mlq.next_to_review(40)
    assert first.shape == (40,) and np.unique(first).size == 40
    # mostly the likeliest errors, in order
    order = np.argsort(fitted.label_quality_scores_, kind="stable")
    np.testing.assert_array_equal(first[:32], order[:32])
    second = mlq.next_to_review(40)  # a batch not answered yet is not drawn again
    assert np.intersect1d(first, second).size == 0
    before = mlq.label_quality_scores_.copy()
    mlq.add_reviewed(first, clean[first])
    assert mlq.reviewed_.sum() == 40 and mlq.reviewed_[first].all()
    np.testing.assert_array_equal(mlq.reviewed_labels_[first], clean[first])
    rest = ~mlq.reviewed_
    np.testing.assert_array_equal(mlq.reviewed_labels_[rest], noisy[rest])
    # settled: out of the ranking
    assert (mlq.label_quality_scores_[first] == 1).all()
    assert (mlq.error_proba_[first] == 0).all()
    # the refitted noise model re-ranks the rest
    assert not np.allclose(mlq.label_quality_scores_[rest], before[rest])
    np.testing.assert_allclose(mlq.label_quality_scores_, 1 - mlq.error_proba_, atol=1e-12)
    third = mlq.next_to_review(40)
    assert not mlq.reviewed_[third].any()
    assert np.intersect1d(third, second).size == 0
    # the reports describe the labels as they stand
    report = mlq.find_label_issues()
    assert not report.loc[first, "flagged"].any()
    mask = mlq.reviewed_issue_mask()
    np.testing.assert_array_equal(mask[first], wrong[first])
    assert np.isnan(mask[rest]).all()


def test_later_answer_wins(problem, fitted):
    noisy, clean, _, _ = problem
    mlq = copy.deepcopy(fitted)
    rows = np.array([3, 5, 3])
    answers = clean[rows].copy()
    answers[0] = ~answers[0]  # the first answer for row 3 is replaced by the last
    mlq.add_reviewed(rows, answers)
    np.testing.assert_array_equal(mlq.reviewed_labels_[3], clean[3])
    mlq.add_reviewed([5], [list(np.flatnonzero(~clean[5]))])  # lists of classes
    np.testing.assert_array_equal(mlq.reviewed_labels_[5], ~clean[5])
    assert mlq.reviewed_.sum() == 2


def test_count_estimate_is_unbiased():
    """The batch estimator over many seeded draws, with error probabilities that are
    wrong on purpose (half the truth on the errors, noise elsewhere)."""
    rng = np.random.default_rng(1)
    n = 2000
    wrong = rng.random(n) < 0.1
    e = np.clip(np.where(wrong, 0.2, 0.02) + rng.normal(0, 0.01, n), 0, 1)
    scores = 1 - e
    estimates = []
    for seed in range(400):
        pool = np.ones(n, dtype=bool)
        batch = draw_batch(scores, e, pool, 40, 10, np.random.default_rng(seed))
        estimates.append(batch.estimate(wrong))
    values = np.array([v for v, _, _ in estimates])
    se = values.std() / np.sqrt(values.size)
    assert abs(values.mean() - wrong.sum()) < 3 * se
    # the variance used is at least the estimates' spread (unbiased, or floored by
    # what the error probabilities predict: at most 2x the spread here)
    assert 0.9 < np.mean([v for _, v, _ in estimates]) / values.var() < 2
    # the error probabilities alone are far off
    assert abs(e.sum() - wrong.sum()) > 10 * se


def test_interval_and_exact_count():
    parts = [(100.0, 25.0, 10), (110.0, 16.0, 10)]
    value, low, high = combine_estimates(parts, 0, 1000)
    assert value == pytest.approx(105.0)
    assert low < value < high
    assert combine_estimates([(50.0, np.inf, 0)], 0, 100) is None
    # clipped to the counts still possible
    assert combine_estimates(parts, 104, 106)[1:] == (104, 106)


def test_estimate_after_review(problem, fitted):
    noisy, clean, wrong, _ = problem
    mlq = copy.deepcopy(fitted)
    for _ in range(3):
        rows = mlq.next_to_review(60)
        mlq.add_reviewed(rows, clean[rows])
    estimate = mlq.estimate_errors()
    assert estimate.n_found == wrong[mlq.reviewed_].sum()
    assert estimate.n_reviewed == 180
    assert estimate.low <= estimate.n_wrong_examples <= estimate.high
    assert estimate.low >= estimate.n_found
    text = str(estimate)
    assert "90% interval" in text and f"{estimate.n_found} found in 180 reviewed" in text


def test_loop_beats_static_ranking():
    """Seeded simulation: forgotten tags, a truthful reviewer, batches of 2% until 10%.

    Measured on this problem (seeds 0, 1, 2): the loop finds 110, 108 and 108 of
    the 150 wrong examples, the initial ranking reviewed in order 101, 106 and 95.
    """
    rng = np.random.default_rng(0)
    clean = rng.random((1500, 6)) < 0.3
    clean[np.arange(1500), rng.integers(6, size=1500)] = True
    noisy, wrong = missing_tags_noise(clean, rate=0.1, random_state=0)
    wrong = wrong.any(axis=1)
    P = 1 / (1 + np.exp(-(np.where(clean, 1.5, -1.5) + rng.normal(0, 1.3, clean.shape))))
    mlq = fit(noisy, P)
    static = np.argsort(mlq.label_quality_scores_, kind="stable")
    for _ in range(5):
        rows = mlq.next_to_review(30)
        mlq.add_reviewed(rows, clean[rows])
    assert wrong[mlq.reviewed_].sum() >= wrong[static[:150]].sum() + 4


def test_any_method(problem):
    noisy, clean, _, P = problem
    mlq = fit(noisy, P, method="self_confidence", aggregator="exponential_moving_average")
    before = mlq.label_quality_scores_.copy()
    flip_rates = mlq.flip_rates_.copy()
    rows = mlq.next_to_review(30)
    mlq.add_reviewed(rows, clean[rows])
    rest = ~mlq.reviewed_
    # the scores do not use the noise model; the error probabilities do
    np.testing.assert_array_equal(mlq.label_quality_scores_[rest], before[rest])
    assert (mlq.label_quality_scores_[rows] == 1).all()
    assert not np.array_equal(mlq.flip_rates_, flip_rates)
    single = fit(noisy, P, method="single_error")
    single.add_reviewed(rows, clean[rows])
    assert (single.label_quality_scores_[rows] == 1).all()
    # the refit reads the stage's logits; only the single-error scores also keep
    # the stage's probabilities
    assert mlq._review._stage is None and single._review._stage is not None


@pytest.mark.parametrize("call, match", [
    (lambda m, c: m.add_reviewed([0, 1500], c[:2]), r"indices\[1\] is 1500"),
    (lambda m, c: m.add_reviewed([-1], c[:1]), r"indices\[0\] is -1"),
    (lambda m, c: m.add_reviewed([0.5], c[:1]), "integer rows"),
    (lambda m, c: m.add_reviewed([0, 1], c[:3]), "3 label sets but indices has 2"),
    (lambda m, c: m.add_reviewed([0], c[:1, :4]), "4 columns"),
    (lambda m, c: m.add_reviewed([0], [[7]]), "not seen in fit"),
    (lambda m, c: m.add_reviewed([0]), "needs the reviewed rows"),
    (lambda m, c: m.next_to_review(0), "n=0"),
    (lambda m, c: m.next_to_review(5, random_share=2), "random_share=2"),
])
def test_bad_input_changes_nothing(problem, fitted, call, match):
    _, clean, _, _ = problem
    mlq = copy.deepcopy(fitted)
    rows = mlq.next_to_review(10)
    mlq.add_reviewed(rows, clean[rows])
    before = snapshot(mlq)
    with pytest.raises((ValueError, TypeError), match=match):
        call(mlq, clean)
    same(before, snapshot(mlq))


def test_review_file(problem, fitted):
    noisy, clean, _, _ = problem
    mlq = copy.deepcopy(fitted)
    report = mlq.find_label_issues(worst=20)
    buffer = io.StringIO()
    write_review(report, buffer)
    lines = buffer.getvalue().splitlines()
    header, rows = lines[0], [line.split(",") for line in lines[1:]]
    examples = [int(r[0]) for r in rows]
    first = examples[0]
    # decide every row but those of the last example of the file
    last = examples[-1]
    filled = [header] + [",".join(r[:-1] + ["" if int(r[0]) == last else
                                            ("accept" if int(r[0]) == first else "reject")])
                         for r in rows]
    review = io.StringIO("\n".join(filled) + "\n")
    mlq.add_reviewed(review=review)
    decided = sorted(set(examples) - {last})
    np.testing.assert_array_equal(np.flatnonzero(mlq.reviewed_), decided)
    changed = np.flatnonzero((mlq.reviewed_labels_ != noisy).any(axis=1))
    np.testing.assert_array_equal(changed, [first] if first != last else [])
    # a file written for other labels is refused, and nothing changes
    other = noisy.copy()
    other[:, 0] = ~other[:, 0]
    stranger = fit(other, fitted.pred_probs_)
    buffer = io.StringIO()
    write_review(stranger.find_label_issues(worst=5), buffer)
    before = snapshot(mlq)
    with pytest.raises(ValueError, match="review file was made from"):
        mlq.add_reviewed(review=io.StringIO(buffer.getvalue()))
    same(before, snapshot(mlq))


def test_score_with_partial_mask(problem):
    noisy, clean, wrong, P = problem
    mlq = fit(noisy, P, refit=True)
    rows = mlq.next_to_review(100)
    mlq.add_reviewed(rows, clean[rows])
    X = np.arange(noisy.shape[0])[:, None]
    mask = mlq.reviewed_issue_mask()
    from sklearn.metrics import roc_auc_score

    checked = mlq.reviewed_
    expected = roc_auc_score(wrong[checked], -mlq.score_samples(X, noisy)[checked])
    assert mlq.score(X, noisy, label_issue_mask=mask) == pytest.approx(expected)
    with pytest.raises(ValueError, match="among the checked examples"):
        mlq.score(X, noisy, label_issue_mask=np.where(checked, 1.0, np.nan))


def test_pickle_refit_and_reset(problem, fitted):
    _, clean, _, _ = problem
    mlq = copy.deepcopy(fitted)
    rows = mlq.next_to_review(20)
    mlq.add_reviewed(rows, clean[rows])
    again = pickle.loads(pickle.dumps(mlq))
    nxt, nxt_again = mlq.next_to_review(20), again.next_to_review(20)
    np.testing.assert_array_equal(nxt, nxt_again)
    mlq.add_reviewed(nxt, clean[nxt])
    again.add_reviewed(nxt_again, clean[nxt_again])
    np.testing.assert_allclose(mlq.error_proba_, again.error_proba_)
    noisy, _, _, P = problem
    refitted = fit(noisy, P)
    mlq.fit(np.arange(noisy.shape[0])[:, None], noisy)
    assert not hasattr(mlq, "reviewed_")
    np.testing.assert_array_equal(mlq.error_proba_, refitted.error_proba_)


def test_noise_model_with_reviewed_rows(problem):
    noisy, clean, _, P = problem
    Q = P
    counts, sums = noise_histogram(noisy, lambda a, b: Q[a:b], *Q.shape)
    plain = fit_noise_model(counts, sums)
    none = reviewed_histogram(noisy[:0], clean[:0], Q[:0])
    np.testing.assert_allclose(fit_noise_model(counts, sums, reviewed=none), plain, atol=1e-6)
    rows = np.arange(600)
    truth = fit_noise_model(counts, sums,
                            reviewed=reviewed_histogram(noisy[rows], clean[rows], Q[rows]))
    # the reviewed rows' true labels pull the flip rates toward the truth
    observed = (noisy[rows] != clean[rows]).mean()
    assert abs(truth[:, 2:].mean() - observed) < abs(plain[:, 2:].mean() - observed)


def test_refit_from_previous_model_reaches_the_maximum():
    # Few flips (rates near 1e-3): from the previous model, a search in units of
    # 1 stays where it starts; in units of rate_scale it climbs at least as high
    # as a fit from scratch.
    rng = np.random.default_rng(0)
    n_samples, n_classes = 20_000, 20
    truth = rng.random((n_samples, n_classes)) < 0.15
    given = truth ^ (rng.random(truth.shape) < 0.0075)
    Q = np.where(truth, rng.beta(6, 2, truth.shape), rng.beta(1, 12, truth.shape))
    counts, sums = noise_histogram(given, lambda a, b: Q[a:b], n_samples, n_classes)
    previous = fit_noise_model(counts, sums)
    rows = np.arange(400)
    reviewed = reviewed_histogram(given[rows], truth[rows], Q[rows])
    centre = _centres(counts, sums)
    others = np.maximum(counts - reviewed.sum(axis=1), 0)

    def log_likelihood(model):
        return _log_likelihood(others, centre, model, reviewed).sum()

    unscaled = fit_noise_model(counts, sums, reviewed=reviewed, start=previous)
    scaled = fit_noise_model(counts, sums, reviewed=reviewed, start=previous, rate_scale=0.01)
    scratch = fit_noise_model(counts, sums, reviewed=reviewed)
    assert log_likelihood(scaled) > log_likelihood(unscaled) + 5
    assert log_likelihood(scaled) >= log_likelihood(scratch) - 0.5


def test_review_batch_pickles():
    batch = ReviewBatch(np.arange(3), np.arange(0), np.arange(2), np.array([2]),
                        np.array([0.5]), np.array([0.1]), 0.3)
    again = pickle.loads(pickle.dumps(batch))
    assert again.estimate(np.array([False, False, True])) == batch.estimate(
        np.array([False, False, True]))


@pytest.mark.parametrize("dtype, steep, aggregator", [
    (np.float64, False, "product"), (np.float64, True, "product"),
    (np.float32, False, "product"), (np.float32, True, "softmin"),
    (np.float64, False, "exponential_moving_average"), (np.float64, True, None)])
def test_refit_pass_matches_the_kernels(dtype, steep, aggregator):
    # The refit's pass in terms of odds gives what the scoring kernels give, also
    # where probabilities are 0 or 1, a flip rate is 0 and (steep) exp overflows.
    rng = np.random.default_rng(1)
    n_samples, n_classes = 300, 7
    Y = rng.random((n_samples, n_classes)) < 0.3
    Y[:5] = False
    Q = np.where(Y, rng.beta(4, 2, Y.shape), rng.beta(1, 6, Y.shape)).astype(dtype)
    Q[0, 0], Q[1, 1], Q[2, 2] = 0.0, 1.0, 1e-12
    model = np.column_stack([rng.uniform(0.5, 2, n_classes), rng.normal(0, 1, n_classes),
                             rng.uniform(0, 0.2, n_classes), rng.uniform(0, 0.2, n_classes)])
    model[3, 2] = model[4, 3] = 0.0
    if steep:
        model[5, :2] = (60.0, -5.0)
    known = (np.arange(10), np.tile([1.0, 0.0, 0.0], (10, 1)))
    aggregate = None if aggregator is None else resolve_aggregator({"method": aggregator})
    example, per_class, shares, both, sums = refit_pass(
        Y, stage_logits(Q), model, known, [0.9, 0.05, 0.05], aggregate, Q.dtype)
    E = error_proba_block(Q, Y, model)
    L = np.ones((3, n_samples))
    L[1], L[2] = side_sums_block(Q, Y, model)
    np.testing.assert_allclose(per_class, E, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(example, example_error_proba(E), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(sums, error_row_sums(E, Y), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(shares, error_shares_em(L, known, [0.9, 0.05, 0.05]),
                               rtol=1e-9, atol=1e-14)
    if aggregate is None:
        assert both is None
        return
    S, scores = both
    reference = posterior_scores_block(Q, Y, model)
    assert S.dtype == scores.dtype == dtype
    tolerance = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(S, reference, rtol=tolerance, atol=tolerance / 100)
    np.testing.assert_allclose(scores, aggregate(reference), rtol=tolerance * 10,
                               atol=tolerance / 100)


def em_shares(L, known, rounds):
    pi = np.array([0.9, 0.05, 0.05])
    for _ in range(rounds):
        w = pi[:, None] * L
        w /= w.sum(axis=0)
        if known is not None:
            w[:, known[0]] = known[1].T
        pi = w.mean(axis=1)
    return pi


def shares_log_likelihood(pi, L, known):
    rest = np.ones(L.shape[1], dtype=bool)
    rest[known[0]] = False
    return np.log(pi @ L[:, rest]).sum() + (known[1] @ np.log(np.maximum(pi, 1e-300))).sum()


def test_error_shares_reach_the_fixed_point_of_em():
    rng = np.random.default_rng(2)
    n = 4000
    L = np.ones((3, n))
    L[1], L[2] = rng.gamma(0.5, 0.3, n), rng.gamma(0.5, 0.6, n)
    known = (np.arange(200), np.tile([0.0, 0.0, 1.0], (200, 1)))
    known[1][:150] = [1.0, 0.0, 0.0]
    for k in (None, known):
        # EM converges here: its fixed point, which Newton's method reaches
        np.testing.assert_allclose(error_shares_em(L, k), em_shares(L, k, 3000), rtol=1e-8)
    # Every reviewed example right, none lost a tag, and the share of lost tags at
    # its bound 0: EM crawls towards it; Newton's method gets there, above the
    # likelihood of EM's 500 rounds, and stays there.
    L[1], L[2] = rng.gamma(0.5, 2.6, n), rng.gamma(0.5, 0.6, n)
    L[2, :200] *= 100
    confirmed = (np.arange(1000, 2000), np.tile([1.0, 0.0, 0.0], (1000, 1)))
    shares, slow = error_shares_em(L, confirmed), em_shares(L, confirmed, 500)
    assert shares[1] == 0 < slow[1] and abs(shares.sum() - 1) < 1e-12
    assert (shares_log_likelihood(shares, L, confirmed)
            > shares_log_likelihood(slow, L, confirmed) + 1e-4)
    np.testing.assert_allclose(error_shares_em(L, confirmed, start=shares), shares,
                               atol=1e-12)
    # no row tells one kind from being clean (the likelihood is flat along its
    # share): EM's rounds, as before
    flat = np.ones((3, 50))
    flat[2] = rng.gamma(0.5, 0.6, 50)
    np.testing.assert_allclose(error_shares_em(flat), em_shares(flat, None, 3000), atol=1e-9)
    # everything reviewed: the shares are the reviewed kinds'
    everything = (np.arange(n), np.tile([0.5, 0.25, 0.25], (n, 1)))
    np.testing.assert_allclose(error_shares_em(L, everything), [0.5, 0.25, 0.25])


def test_ranker_waits_for_enough_answers_of_each_kind():
    # Five summaries need 2 x 5 = 10 examples of each answer: with 9 right ones the
    # scores' order stays (None); with 10 the ranker is fitted and ranks by the
    # summary that separates the answers.
    rng = np.random.default_rng(0)
    features = rng.normal(size=(60, 5))
    for n_right, fitted in ((9, False), (10, True)):
        wrong = np.ones(60, dtype=bool)
        wrong[:n_right] = False
        features[:, 0] = np.where(wrong, 1.0, -1.0) + 0.1 * rng.normal(size=60)
        ranker = fit_review_ranker(features, wrong)
        assert (ranker is not None) is fitted
        if fitted:
            ranking = review_ranking(features, ranker)
            assert ranking[wrong].max() < ranking[~wrong].min()
        # The rule is symmetric: 9 wrong among 51 right is as little to go on.
        assert (fit_review_ranker(features, ~wrong) is not None) is fitted
