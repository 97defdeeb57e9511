"""The report path on sparse top-k predictions and CSR labels: no (N, K) array.

A user with a CSR matrix of top-k scores and a CSR label matrix gets the scores,
the issues, the report, the review file, the model quality, the HTML page, the
summary and the cleaned labels; the memory peak stays a small fraction of one dense (N, K)
float64 array, and every result equals that of the densified input.
"""

import io
import re
import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.filter import find_label_issues, find_multilabel_issues_per_class
from skmlq.plotting import render_html_report
from skmlq.rank import get_label_quality_scores, get_label_quality_scores_per_class
from skmlq.report import (
    AuditSummary, apply_review, apply_suggestions, audit_summary, label_issue_report, model_quality,
    write_review,
)
from skmlq.utils import FilledSparseMatrix

from ..plotting._html_cases import review_changes, table_data

pd = pytest.importorskip("pandas")

TOP_K = 8


def tagging_data(n_samples, n_classes, seed=0, top_k=TOP_K):
    """Seeded ``(labels, pred_probs)`` CSR matrices: about three given tags per
    example, popular tags more often (power law), and a model's top-k scores, most
    true tags among them, some given tags missing and some predicted ones absent."""
    rng = np.random.default_rng(seed)
    weights = (np.arange(n_classes) + 1.0) ** -1.1
    cdf = np.cumsum(weights) / weights.sum()

    def draw(size):
        return np.minimum(np.searchsorted(cdf, rng.random(size)), n_classes - 1)

    def csr(rows, cols, values, shape):
        keys, first = np.unique(rows.astype(np.int64) * shape[1] + cols, return_index=True)
        rows, cols = np.divmod(keys, shape[1])
        return sp.csr_matrix((values[first], (rows, cols)), shape=shape)

    n_true = 1 + rng.poisson(2.5, n_samples)
    rows = np.repeat(np.arange(n_samples), n_true)
    tags = draw(rows.size)
    kept = rng.random(rows.size) > 0.15  # missing tags
    wrong = rng.random(n_samples) < 0.1  # a wrong popular tag
    labels = csr(np.concatenate([rows[kept], np.flatnonzero(wrong)]),
                 np.concatenate([tags[kept], draw(int(wrong.sum()))]),
                 np.ones(int(kept.sum() + wrong.sum()), dtype=bool), (n_samples, n_classes))
    recalled = rng.random(rows.size) < 0.9
    fill_rows = np.repeat(np.arange(n_samples), top_k)
    logits = np.concatenate([rng.normal(1.5, 1.0, int(recalled.sum())),
                             rng.normal(-2.0, 1.0, fill_rows.size)])
    pred = csr(np.concatenate([rows[recalled], fill_rows]),
               np.concatenate([tags[recalled], draw(fill_rows.size)]),
               1.0 / (1.0 + np.exp(-logits)), (n_samples, n_classes))
    return labels.tocsr(), pred.tocsr()


def user_path(labels, pred_probs, tmp_path, class_names=None):
    """Everything a user does with the predictions: each result, by name."""
    out = {
        "scores": get_label_quality_scores(labels, pred_probs),
        "issues": find_label_issues(labels, pred_probs),
    }
    report = label_issue_report(labels, pred_probs, class_names=class_names)
    out["report"] = report
    review = tmp_path / "review.csv"
    write_review(report.iloc[:300], review, pred_probs=pred_probs)
    text = review.read_text(encoding="utf-8")
    out["review"] = text
    lines = text.splitlines()
    # Accept every other change.
    decided = [lines[0]] + [line + ("accept" if i % 2 else "")
                            for i, line in enumerate(lines[1:])]
    review.write_text("\n".join(decided) + "\n", encoding="utf-8")
    out["reviewed"] = apply_review(labels, review, classes=class_names)
    quality = model_quality(labels, pred_probs, class_names=class_names)
    out["quality"] = quality
    summary = audit_summary(report, quality)
    out["summary"] = str(summary)
    out["html"] = render_html_report(report, summary=summary, class_table=summary.per_class,
                                     pred_probs=pred_probs, max_rows=200)
    out["cleaned"] = apply_suggestions(labels, report)
    return out


def test_user_path_peak_memory_is_far_below_one_dense_array(tmp_path):
    # 2,000 x 200,000: a dense float64 array of the predictions is 3.2 GB.
    n_samples, n_classes = 2_000, 200_000
    labels, pred_probs = tagging_data(n_samples, n_classes)
    dense_bytes = n_samples * n_classes * 8
    tracemalloc.start()
    try:
        out = user_path(labels, pred_probs, tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 0.05 * dense_bytes, f"peak {peak / 1e6:.0f} MB"
    report = out["report"]
    assert len(report) == n_samples and report["flagged"].any()
    assert out["issues"].sum() == report["flagged"].sum()
    assert sp.issparse(out["cleaned"]) and out["cleaned"].shape == (n_samples, n_classes)
    assert (out["cleaned"] != labels).nnz > 0
    # The page lists tags by name per example: no class beyond those shown.
    assert len(table_data(out["html"], "examples")[2]) < 200 * 12


def _rounded_sort_keys(page):
    """The page with its exact sort keys (each number cell's ``[shown, key]``) to 12
    digits: the sparse and dense scores agree to 1e-12, not to the last bit."""
    return re.sub(r'",([-+0-9.e]+)\]', lambda m: f'",{float(m[1]):.12g}]', page)


def _report_values(report):
    return {column: (report[column].to_numpy() if report[column].dtype.kind in "fb"
                     else report[column].tolist()) for column in report.columns}


@pytest.mark.parametrize("fill_value", [0.0, 0.02])
def test_sparse_results_equal_the_dense_ones(tmp_path, fill_value):
    labels, matrix = tagging_data(150, 40, seed=3, top_k=5)
    pred_probs = FilledSparseMatrix(matrix, fill_value=fill_value)
    names = [f"tag{k}" for k in range(40)]
    (tmp_path / "s").mkdir()
    (tmp_path / "d").mkdir()
    sparse = user_path(labels, pred_probs, tmp_path / "s", names)
    dense = user_path(labels.toarray(), pred_probs.toarray(), tmp_path / "d", names)
    np.testing.assert_allclose(sparse["scores"], dense["scores"], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(sparse["issues"], dense["issues"])
    assert sparse["report"].index.tolist() == dense["report"].index.tolist()
    got, want = _report_values(sparse["report"]), _report_values(dense["report"])
    assert list(got) == list(want)
    for column in got:
        if column.endswith("_scores"):
            assert [len(r) for r in got[column]] == [len(r) for r in want[column]]
            np.testing.assert_allclose(np.concatenate([np.asarray(r, float) for r in got[column]]),
                                       np.concatenate([np.asarray(r, float)
                                                       for r in want[column]]), atol=1e-12)
        elif isinstance(got[column], np.ndarray):
            np.testing.assert_allclose(got[column], want[column], atol=1e-12)
        else:
            assert got[column] == want[column], column
    assert sparse["report"]["to_add"].map(len).sum() > 0
    assert sparse["report"]["to_remove"].map(len).sum() > 0
    assert sparse["review"] == dense["review"]
    assert sparse["summary"] == dense["summary"]
    assert "Model quality, out of fold" in sparse["summary"]
    for column in ("n_given", "average_precision", "roc_auc", "too_few", "weak"):
        np.testing.assert_allclose(sparse["quality"][column].to_numpy(float),
                                   dense["quality"][column].to_numpy(float), atol=1e-12)
    assert _rounded_sort_keys(sparse["html"]) == _rounded_sort_keys(dense["html"])
    np.testing.assert_array_equal(sparse["cleaned"].toarray(), dense["cleaned"])
    np.testing.assert_array_equal(sparse["reviewed"].toarray(), dense["reviewed"])
    per_class = get_label_quality_scores_per_class(labels, pred_probs)
    assert isinstance(per_class, FilledSparseMatrix)
    # The summary of the arrays (no report) reads the CSR mask by its entries.
    summaries = []
    for y, p in ((labels, pred_probs), (labels.toarray(), pred_probs.toarray())):
        mask = find_multilabel_issues_per_class(y, p)
        assert sp.issparse(mask) == (y is labels)
        flagged = np.diff(sp.csr_matrix(mask).indptr) > 0
        summaries.append(AuditSummary.from_arrays(y, mask, flagged, names, sparse["quality"]))
    assert str(summaries[0]) == str(summaries[1]) == sparse["summary"]
    assert summaries[0].per_class.equals(summaries[1].per_class)


def test_what_cannot_be_sparse_names_what_to_pass(tmp_path):
    labels, pred_probs = tagging_data(50, 30, seed=1, top_k=4)
    with pytest.raises(TypeError, match="form='long'"):
        label_issue_report(labels, pred_probs, form="wide")
    with pytest.raises(ValueError, match=r"pred_probs has shape \(50, 31\)"):
        write_review(label_issue_report(labels, pred_probs), io.StringIO(),
                     pred_probs=sp.random(50, 31, density=0.1, format="csr", random_state=0))


def test_html_class_table_lists_its_first_rows(tmp_path):
    labels, pred_probs = tagging_data(40, 1_500, seed=2, top_k=4)
    report = label_issue_report(labels, pred_probs)
    table = pd.DataFrame({"class": [f"c{k}" for k in range(1_500)],
                          "to_add": np.arange(1_500)[::-1]})
    page = render_html_report(report, class_table=table, review=False)
    assert "The first 1,000 of 1,500 classes" in page
    names = [row[0] for row in table_data(page, "classes-table")[1]]
    assert names == [f"c{k}" for k in range(1_000)]


def test_a_long_review_list_starts_folded():
    labels, pred_probs = tagging_data(1_500, 3_000, seed=4, top_k=6)
    report = label_issue_report(labels, pred_probs)
    long_page = render_html_report(report, max_rows=1_000)
    n_changes = len(review_changes(long_page)[1])
    assert n_changes > 500
    assert '<details id="review-changes"><summary>' in long_page
    assert f"the {n_changes:,} suggested changes" in long_page
    short_page = render_html_report(report, max_rows=20)
    assert 0 < len(review_changes(short_page)[1]) <= 500
    assert '<details id="review-changes" open>' in short_page
