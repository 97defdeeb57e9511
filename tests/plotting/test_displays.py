"""The displays: what they draw (bar heights and widths, counts, line positions)."""

import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.base import BaseEstimator  # noqa: E402
from sklearn.datasets import make_multilabel_classification  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402

from skmlq import MultilabelLabelQuality  # noqa: E402
from skmlq.filter import find_label_issues, find_multilabel_issues_per_class  # noqa: E402
from skmlq.plotting import (  # noqa: E402
    ClassIssueRatesDisplay, ErrorCalibrationDisplay, LabelQualityHistogramDisplay,
)
from skmlq.rank import get_label_quality_scores  # noqa: E402

from ..filter.test_filter import V2_LABELS, V2_PROBS  # noqa: E402

pytest.importorskip("pandas")
# The tiny fitted problems have weak classes; that warning is tested with the report.
pytestmark = pytest.mark.filterwarnings("ignore::skmlq.report.ModelQualityWarning")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def fitted():
    X, Y = make_multilabel_classification(n_samples=80, n_classes=4, random_state=0)
    forest = RandomForestClassifier(n_estimators=15, random_state=0)
    return MultilabelLabelQuality(forest, cv=3, random_state=0, refit=False).fit(X, Y), Y


def _heights(bars):
    return np.array([p.get_height() for p in bars.patches])


def _legend(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


# ------------------------------------------------------------------- histogram


def test_histogram_from_predictions_values():
    P = np.array(V2_PROBS)
    d = LabelQualityHistogramDisplay.from_predictions(V2_LABELS, P, bins=10)
    scores = get_label_quality_scores(V2_LABELS, P)
    issues = find_label_issues(V2_LABELS, P)
    edges = np.linspace(0, 1, 11)
    np.testing.assert_array_equal(d.counts_, np.histogram(scores, edges)[0])
    np.testing.assert_array_equal(d.flagged_counts_, np.histogram(scores[issues], edges)[0])
    np.testing.assert_array_equal(_heights(d.bars_), d.counts_)
    np.testing.assert_array_equal(_heights(d.flagged_bars_), d.flagged_counts_)
    np.testing.assert_allclose([p.get_x() for p in d.bars_.patches], edges[:-1])
    np.testing.assert_allclose([p.get_width() for p in d.bars_.patches], 0.1)
    # The line bounds the flagged examples: at the highest flagged score.
    assert d.threshold_line_.get_xdata()[0] == pytest.approx(scores[issues].max())
    assert _legend(d.ax_) == [f"all examples ({len(scores)})", f"flagged ({issues.sum()})",
                              f"highest flagged score ({scores[issues].max():.3g})"]
    assert d.n_flagged_ == issues.sum() == 4
    assert d.ax_.get_yscale() == "linear" and d.figure_ is d.ax_.figure


def test_histogram_log_threshold_and_given_axes():
    fig, ax = plt.subplots()
    d = LabelQualityHistogramDisplay([0.05] * 2000 + [0.5, 0.95], [True] * 3 + [False] * 1999,
                                     threshold=0.3).plot(ax=ax, bins=4, log=True)
    assert d.ax_ is ax and ax.get_yscale() == "log"
    assert d.counts_.tolist() == [2000, 0, 1, 1] and d.flagged_counts_.tolist() == [3, 0, 0, 0]
    assert d.threshold_line_.get_xdata()[0] == 0.3
    assert _legend(ax)[-1] == "threshold (0.3)"
    # Indices flag like the mask; no flags and no threshold draw neither.
    by_index = LabelQualityHistogramDisplay([0.1, 0.9], [1]).plot(bins=2)
    assert by_index.flagged_counts_.tolist() == [0, 1]
    plain = LabelQualityHistogramDisplay([0.1, 0.9]).plot(bins=2)
    assert plain.flagged_bars_ is None and plain.threshold_line_ is None
    assert _legend(plain.ax_) == ["all examples (2)"]


def test_histogram_from_estimator(fitted):
    mlq, _ = fitted
    d = LabelQualityHistogramDisplay.from_estimator(mlq, bins=5)
    report = mlq.find_label_issues().sort_index()
    flag = "flagged"
    assert d.n_flagged_ == report[flag].sum()
    np.testing.assert_array_equal(
        d.counts_, np.histogram(mlq.label_quality_scores_, np.linspace(0, 1, 6))[0])
    np.testing.assert_array_equal(
        d.flagged_counts_,
        np.histogram(mlq.label_quality_scores_[report[flag].to_numpy()], np.linspace(0, 1, 6))[0])
    if getattr(mlq, "error_proba_", None) is None:
        with pytest.raises(ValueError, match="no error probabilities"):
            LabelQualityHistogramDisplay.from_estimator(mlq, score="error_proba")


# ----------------------------------------------------------------- class rates


def test_class_rates_from_predictions_values():
    P = np.array(V2_PROBS)
    Y = np.zeros_like(P, dtype=bool)
    for i, row in enumerate(V2_LABELS):
        Y[i, row] = True
    mask = find_multilabel_issues_per_class(V2_LABELS, P)
    names = ["a", "b", "c", "a tag with a long name that must not be cut"]
    d = ClassIssueRatesDisplay.from_predictions(V2_LABELS, P, class_names=names, top=None)
    wrong, missing = (mask & Y).sum(0), (mask & ~Y).sum(0)
    np.testing.assert_array_equal(d.n_flagged, np.column_stack([missing, wrong]))
    np.testing.assert_array_equal(d.n_annotations, np.column_stack([(~Y).sum(0), Y.sum(0)]))
    rates = np.column_stack([missing / (~Y).sum(0), wrong / Y.sum(0)])
    np.testing.assert_allclose(d.rates_, rates)
    shown = d.classes_shown_
    # Highest rate first (ties: more flags, then class order).
    assert list(np.round(rates[shown].max(1), 12)) == sorted(np.round(rates.max(1), 12),
                                                             reverse=True)
    np.testing.assert_allclose([p.get_width() for p in d.wrong_bars_.patches], rates[shown, 1])
    np.testing.assert_allclose([p.get_width() for p in d.missing_bars_.patches],
                               rates[shown, 0])
    assert [t.get_text() for t in d.ax_.get_yticklabels()] == [names[k] for k in shown]
    counts = [t.get_text() for t in d.ax_.texts]
    assert counts[:len(shown)] == [f"{wrong[k]} / {Y[:, k].sum()}" for k in shown]
    assert counts[len(shown):] == [f"{missing[k]} / {(~Y[:, k]).sum()}" for k in shown]
    # The first class is drawn at the top.
    assert d.wrong_bars_.patches[0].get_y() < d.wrong_bars_.patches[-1].get_y()
    assert d.ax_.get_ylim()[0] > d.ax_.get_ylim()[1]


def test_class_rates_rare_class_stands_out():
    # 3 of 4 given annotations of a rare class wrong vs 20 of 2,000 of a common one.
    d = ClassIssueRatesDisplay([[0, 20], [0, 3]], [[8000, 2000], [9996, 4]],
                               class_names=["common", "rare"]).plot()
    assert d.classes_shown_.tolist() == [1, 0]
    assert d.wrong_bars_.patches[0].get_width() == pytest.approx(0.75)
    by_count = ClassIssueRatesDisplay([[0, 20], [0, 3]], [[8000, 2000], [9996, 4]]).plot(
        sort_by="count")
    assert by_count.classes_shown_.tolist() == [0, 1]


def test_class_rates_figure_grows_and_names_fit():
    rng = np.random.default_rng(0)
    n_classes = 60
    total = np.column_stack([np.full(n_classes, 900), np.full(n_classes, 100)])
    flagged = np.column_stack([rng.integers(0, 9, n_classes), rng.integers(0, 30, n_classes)])
    names = [f"class number {k} with a rather long descriptive name" for k in range(n_classes)]
    small = ClassIssueRatesDisplay(flagged, total, class_names=names).plot(top=5)
    large = ClassIssueRatesDisplay(flagged, total, class_names=names).plot(top=None)
    assert len(large.classes_shown_) == n_classes and len(small.classes_shown_) == 5
    h_small, h_large = small.figure_.get_size_inches()[1], large.figure_.get_size_inches()[1]
    assert h_large > 8 * h_small * 0.8 and h_large / n_classes >= 0.4
    for d in (small, large):
        d.figure_.canvas.draw()
        renderer = d.figure_.canvas.get_renderer()
        fig_box = d.figure_.bbox
        for label in d.ax_.get_yticklabels():
            box = label.get_window_extent(renderer)
            assert box.x0 >= fig_box.x0 - 1 and box.y0 >= fig_box.y0 - 1
            assert box.y1 <= fig_box.y1 + 1
        assert d.ax_.get_yticklabels()[0].get_text() in names  # full name, not cut


def test_class_rates_names_are_plain_text():
    names = ["cost $5-$10", r"$\frac{$", "<script>x</script>"]
    d = ClassIssueRatesDisplay([[0, 1]] * 3, [[5, 5]] * 3, class_names=names).plot(
        sort_by="class")
    d.figure_.canvas.draw()  # mathtext would fail on the unbalanced "$\frac{"
    assert [t.get_text() for t in d.ax_.get_yticklabels()] == [
        n.replace("$", r"\$") for n in names]


def test_class_rates_from_estimator_matches_predictions(fitted):
    mlq, Y = fitted
    d = ClassIssueRatesDisplay.from_estimator(mlq, top=2)
    ref = ClassIssueRatesDisplay.from_predictions(Y, mlq.pred_probs_, top=2)
    np.testing.assert_array_equal(d.n_annotations, ref.n_annotations)
    # The estimator has error probabilities, so its flags (unlike the filter's of
    # from_predictions) are those of its report.
    report = mlq.find_label_issues()
    assert d.n_flagged.sum() == report["to_remove"].map(len).sum() + report["to_add"].map(
        len).sum()
    assert len(d.wrong_bars_.patches) == 2
    assert [t.get_text() for t in d.ax_.get_yticklabels()] == [
        str(mlq.classes_[k]) for k in d.classes_shown_]


# ----------------------------------------------------------------- reliability


def test_calibration_values():
    proba = np.array([0.05, 0.15, 0.12, 0.55, 0.95, 1.0, 0.91])
    truth = np.array([0, 0, 1, 1, 1, 1, 0], dtype=bool)
    d = ErrorCalibrationDisplay.from_predictions(proba, truth, n_bins=10)
    assert d.counts.tolist() == [1, 2, 1, 3]
    np.testing.assert_allclose(d.prob_pred, [0.05, 0.135, 0.55, (0.95 + 1.0 + 0.91) / 3])
    np.testing.assert_allclose(d.prob_true, [0, 0.5, 1, 2 / 3])
    np.testing.assert_allclose(d.line_.get_xdata(), d.prob_pred)
    np.testing.assert_allclose(d.line_.get_ydata(), d.prob_true)
    ece = np.sum(d.counts * np.abs(d.prob_true - d.prob_pred)) / 7
    assert d.expected_calibration_error == pytest.approx(ece)
    assert f"ECE {ece:.3f}" in _legend(d.ax_)[1]
    # Per annotation: a 2-D array is binned as a whole.
    flat = ErrorCalibrationDisplay.from_predictions(proba[:6].reshape(3, 2),
                                                    truth[:6].reshape(3, 2), n_bins=10)
    assert flat.counts.sum() == 6


def test_calibration_from_estimator(fitted):
    mlq, _ = fitted
    n = mlq.pred_probs_.shape[0]
    truth = np.zeros(n, dtype=bool)
    truth[::5] = True
    if getattr(mlq, "error_proba_", None) is None:
        with pytest.raises(ValueError, match="no error_proba_"):
            ErrorCalibrationDisplay.from_estimator(mlq, truth)
    else:
        d = ErrorCalibrationDisplay.from_estimator(mlq, truth)
        assert d.counts.sum() == n


# ------------------------------------------------------------------- bad input


@pytest.mark.parametrize("call, error, match", [
    (lambda: LabelQualityHistogramDisplay([[0.5]]).plot(), ValueError, "scores has shape"),
    (lambda: LabelQualityHistogramDisplay([0.5, 1.5]).plot(), ValueError, "row 1"),
    (lambda: LabelQualityHistogramDisplay([0.5]).plot(bins=0), ValueError, "bins"),
    (lambda: LabelQualityHistogramDisplay([0.5], [True, False]).plot(), ValueError, "flagged"),
    (lambda: LabelQualityHistogramDisplay([0.5], [3]).plot(), ValueError, "outside"),
    (lambda: LabelQualityHistogramDisplay([0.5], ["x"]).plot(), TypeError, "flagged"),
    (lambda: LabelQualityHistogramDisplay([0.5]).plot(log="yes"), TypeError, "log"),
    (lambda: ClassIssueRatesDisplay([[1, 2]], [[1, 1]]).plot(), ValueError, r"n_flagged\[0, 1\]"),
    (lambda: ClassIssueRatesDisplay([1, 2], [1, 2]).plot(), ValueError, "n_flagged has shape"),
    (lambda: ClassIssueRatesDisplay([[0, 0]], [[1, 1]], class_names=["a", "b"]).plot(),
     ValueError, "class_names"),
    (lambda: ClassIssueRatesDisplay([[0, 0]], [[1, 1]]).plot(sort_by="name"), ValueError,
     "sort_by"),
    (lambda: ClassIssueRatesDisplay([[0, 0]], [[1, 1]]).plot(top=0), ValueError, "top"),
    (lambda: ErrorCalibrationDisplay.from_predictions([0.5], [True, False]), ValueError,
     "is_error has shape"),
    (lambda: ErrorCalibrationDisplay.from_predictions([0.5, np.nan], [1, 0]), ValueError,
     "row 1"),
    (lambda: ErrorCalibrationDisplay.from_predictions([0.5], [2]), ValueError, "booleans"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_missing_matplotlib_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "skmlq\[plot\]"'):
        LabelQualityHistogramDisplay([0.5]).plot()


class _WithErrorProba(BaseEstimator):
    """A fitted-looking estimator whose report carries error probabilities."""

    error_threshold = 0.7

    def __init__(self):
        self.classes_ = np.array(["a", "b"])

    def fit(self):  # pragma: no cover - only makes check_is_fitted accept it
        return self

    def find_label_issues(self, X=None, labels=None, **kwargs):
        import pandas as pd

        proba = np.array([0.9, 0.1, 0.7, 0.2, 0.05])
        return pd.DataFrame({"label_quality": 1 - proba, "error_proba": proba,
                             "flagged": proba >= self.error_threshold},
                            index=[4, 0, 2, 1, 3])


def test_histogram_of_error_probabilities():
    d = LabelQualityHistogramDisplay.from_estimator(_WithErrorProba(), score="error_proba",
                                                    bins=4)
    assert d.counts_.tolist() == [3, 0, 1, 1] and d.flagged_counts_.tolist() == [0, 0, 1, 1]
    assert d.threshold_line_.get_xdata()[0] == 0.7
    assert _legend(d.ax_)[-1] == "error threshold (0.7)"
    assert d.ax_.get_xlabel().startswith("error probability")


def test_report_figures_include_error_probabilities():
    from skmlq.plotting._audit import audit_figures

    figures = audit_figures([0.2, 0.9], [True, False], ["a"], np.array([[0, 1]]),
                            np.array([[1, 1]]), error_proba=[0.8, 0.1], error_threshold=0.6)
    assert [caption.split(" (")[0] for caption, _ in figures] == [
        "Distribution of the label quality of the examples",
        "Distribution of the error probability of the examples", "Issue rates per class"]
    line = figures[1][1].axes[0].lines[0]
    assert line.get_xdata()[0] == 0.6
