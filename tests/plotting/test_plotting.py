"""skmlq.plotting: rendered with the Agg backend to PNG; the axes' content is checked."""

import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skmlq.dataset import rank_classes_by_multilabel_quality  # noqa: E402
from skmlq.filter import find_label_issues  # noqa: E402
from skmlq.plotting import plot_class_issue_rates, plot_label_quality_histogram  # noqa: E402
from skmlq.rank import get_label_quality_scores  # noqa: E402

from ..filter.test_filter import V2_LABELS, V2_PROBS  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_histogram_marks_flagged_issues(tmp_path):
    P = np.array(V2_PROBS)
    scores = get_label_quality_scores(V2_LABELS, P)
    issues = find_label_issues(V2_LABELS, P)
    ax = plot_label_quality_histogram(scores, issues, bins=10)
    path = tmp_path / "hist.png"
    ax.figure.savefig(path)
    assert path.stat().st_size > 1000
    heights = np.array([p.get_height() for p in ax.patches])
    assert len(heights) == 20
    expected_all = np.histogram(scores, bins=np.linspace(0, 1, 11))[0]
    expected_flagged = np.histogram(scores[issues], bins=np.linspace(0, 1, 11))[0]
    np.testing.assert_array_equal(heights[:10], expected_all)
    np.testing.assert_array_equal(heights[10:], expected_flagged)
    assert heights[10:].sum() == issues.sum() == 4
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["all examples (12)", "flagged (4)"]
    assert ax.get_xlabel() == "label quality score"
    assert ax.get_yscale() == "linear" and not ax.lines  # no threshold unless asked
    # Indices work like the mask.
    ranked = find_label_issues(V2_LABELS, P, return_indices_ranked_by="self_confidence")
    ax2 = plot_label_quality_histogram(scores, ranked, bins=10)
    np.testing.assert_array_equal([p.get_height() for p in ax2.patches], heights)


def test_histogram_without_issues_and_on_given_axes():
    fig, ax = plt.subplots()
    out = plot_label_quality_histogram([0.1, 0.2, 0.95], ax=ax, bins=4)
    assert out is ax and [p.get_height() for p in ax.patches] == [2, 0, 0, 1]


def test_histogram_threshold_and_log():
    ax = plot_label_quality_histogram([0.02] * 500 + [0.65, 0.7], [0, 1], bins=5,
                                      threshold=0.25, log=True)
    assert ax.get_yscale() == "log"
    assert [p.get_height() for p in ax.patches] == [500, 0, 0, 2, 0, 2, 0, 0, 0, 0]
    assert ax.lines[0].get_xdata()[0] == 0.25
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "threshold (0.25)"


def test_class_issue_rates_bars(tmp_path):
    P = np.array(V2_PROBS)
    table = rank_classes_by_multilabel_quality(V2_LABELS, P, class_names=list("abcd"))
    ax = plot_class_issue_rates(table, top=3)
    ax.figure.savefig(tmp_path / "classes.png")
    assert (tmp_path / "classes.png").stat().st_size > 1000
    widths = [p.get_width() for p in ax.patches]
    assert len(widths) == 6
    # Worst class first: class 3 ("d") with noise 2/12 and inverse noise 1/12.
    np.testing.assert_allclose(widths[:3], table["Label Noise"][:3])
    np.testing.assert_allclose(widths[3:], table["Inverse Label Noise"][:3])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["d", "b", "a"]
    assert widths[0] == pytest.approx(2 / 12) and widths[3] == pytest.approx(1 / 12)
    assert ax.get_xlabel() == "flagged, as a share of all examples"
    assert [t.get_text() for t in ax.texts][:3] == [
        f"{n} / 12" for n in table["Label Issues"][:3]]


def test_class_issue_rates_relative_to_the_class_annotations():
    P = np.array(V2_PROBS)
    table = rank_classes_by_multilabel_quality(V2_LABELS, P, class_names=list("abcd"))
    ax = plot_class_issue_rates(table, labels=V2_LABELS, top=None)
    Y = np.zeros(P.shape, dtype=bool)
    for i, row in enumerate(V2_LABELS):
        Y[i, row] = True
    k = table["Class Index"].to_numpy()
    widths = np.array([p.get_width() for p in ax.patches])
    np.testing.assert_allclose(widths[:4], table["Label Issues"] / Y.sum(0)[k])
    np.testing.assert_allclose(widths[4:], table["Inverse Label Issues"] / (~Y).sum(0)[k])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table["Class Name"])
    assert ax.get_xlabel() == "flagged, as a share of the class's annotations of that side"


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: plot_label_quality_histogram([[0.5]]), "label_quality_scores"),
        (lambda: plot_label_quality_histogram([0.5], bins=0), "bins"),
        (lambda: plot_label_quality_histogram([0.5, 0.2], [True]), "label_issues"),
        (lambda: plot_class_issue_rates({"a": [1]}), "rank_classes_by_multilabel_quality"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_missing_matplotlib_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "skmlq\[plot\]"'):
        plot_label_quality_histogram([0.5])
