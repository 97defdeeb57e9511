"""``skmlq score`` on sparse top-k predictions (an .npz of scipy.sparse.save_npz).

The filter route (a first-stage method, ``--flag-by filter``) reads them in
O(stored entries): its outputs equal those of the densified predictions byte for
byte, and its memory peak stays a small fraction of one dense (N, K) array. What
needs dense predictions is refused before any work, in one line.
"""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.cli import main
from skmlq.cli._readers import read_pred_probs
from skmlq.utils import FilledSparseMatrix

FILTER = ["--method", "self_confidence", "--aggregator", "exponential_moving_average",
          "--flag-by", "filter", "--no-progress"]


def top_k_case(n_samples, n_classes, top_k=5, seed=0):
    """Seeded CSR ``(labels, pred_probs)``: ``top_k`` scores per row, labels that are
    mostly the two best-scored classes, sometimes an unscored one, sometimes none."""
    rng = np.random.default_rng(seed)
    # k distinct sorted columns per row: sorted draws in [0, K - k] plus 0..k-1.
    cols = np.sort(rng.integers(0, n_classes - top_k + 1, (n_samples, top_k)), axis=1)
    cols += np.arange(top_k)
    values = rng.random((n_samples, top_k))
    indptr = np.arange(0, n_samples * top_k + 1, top_k)
    pred_probs = sp.csr_matrix((values.ravel(), cols.ravel(), indptr),
                               shape=(n_samples, n_classes))
    best = np.argsort(-values, axis=1)[:, :2]
    given = np.take_along_axis(cols, best, axis=1)
    other = rng.random(n_samples) < 0.2
    given[other, 1] = rng.integers(0, n_classes, int(other.sum()))  # maybe unscored
    rows = np.repeat(np.arange(n_samples), 2)
    keep = np.repeat(rng.random(n_samples) > 0.05, 2)  # a few rows without labels
    keys = np.unique(rows[keep] * n_classes + given.ravel()[keep])
    r, c = np.divmod(keys, n_classes)
    labels = sp.csr_matrix((np.ones(keys.size, dtype=np.int8), (r, c)),
                           shape=(n_samples, n_classes))
    return labels, pred_probs


def _files(tmp_path, labels, pred_probs):
    sp.save_npz(tmp_path / "labels.npz", labels)
    sp.save_npz(tmp_path / "probs.npz", pred_probs)
    np.save(tmp_path / "probs.npy", pred_probs.toarray())
    return str(tmp_path / "labels.npz")


def _score(tmp_path, labels, probs, tag, *extra):
    out = tmp_path / tag
    out.mkdir()
    code = main(["score", "--labels", labels, "--pred-probs", str(probs), *FILTER,
                 "-o", str(out / "out.csv"), "--review", str(out / "review.csv"),
                 "--write-labels", str(out / "labels.npz"), *extra])
    assert code == 0
    return out


def test_sparse_outputs_equal_the_dense_ones_byte_for_byte(tmp_path, capsys):
    labels, pred_probs = top_k_case(300, 60, top_k=5, seed=1)
    labels_path = _files(tmp_path, labels, pred_probs)
    dense = _score(tmp_path, labels_path, tmp_path / "probs.npy", "dense")
    sparse = _score(tmp_path, labels_path, tmp_path / "probs.npz", "sparse",
                    "--html", str(tmp_path / "sparse.html"))
    printed = capsys.readouterr().out
    for name in ("out.csv", "review.csv"):
        assert (sparse / name).read_bytes() == (dense / name).read_bytes(), name
    cleaned = sp.load_npz(sparse / "labels.npz")
    assert (cleaned != sp.load_npz(dense / "labels.npz")).nnz == 0
    assert (cleaned != labels).nnz > 0  # suggestions were applied
    text = (sparse / "out.csv").read_text().splitlines()
    assert len(text) == 301 and any(line.split(",")[4] for line in text[1:])
    assert "<html" in (tmp_path / "sparse.html").read_text()
    assert "300 examples scored (self_confidence" in printed
    # The summary judges the model from the sparse predictions too.
    assert "Model quality, out of fold" in " ".join(printed.split())


@pytest.mark.parametrize("form", ["csc", "coo"])
def test_every_saved_sparse_format_is_read_as_csr(tmp_path, form):
    _, pred_probs = top_k_case(20, 30, top_k=3)
    sp.save_npz(tmp_path / "p.npz", pred_probs.asformat(form))
    P, names = read_pred_probs(str(tmp_path / "p.npz"))
    assert isinstance(P, FilledSparseMatrix) and names is None
    np.testing.assert_array_equal(P.toarray(), pred_probs.toarray())


def test_peak_memory_is_far_below_one_dense_array(tmp_path, capsys):
    # 2,000 x 200,000: a dense float64 array of the predictions is 3.2 GB.
    n_samples, n_classes = 2_000, 200_000
    labels, pred_probs = top_k_case(n_samples, n_classes)
    sp.save_npz(tmp_path / "labels.npz", labels)
    sp.save_npz(tmp_path / "probs.npz", pred_probs)
    args = ["score", "--labels", str(tmp_path / "labels.npz"), "--pred-probs",
            str(tmp_path / "probs.npz"), *FILTER, "-o", str(tmp_path / "out.csv"),
            "--review", str(tmp_path / "review.csv")]
    tracemalloc.start()
    try:
        code = main(args)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 0
    assert peak < 0.05 * n_samples * n_classes * 8, f"peak {peak / 1e6:.0f} MB"
    lines = (tmp_path / "out.csv").read_text().splitlines()
    assert len(lines) == n_samples + 1
    assert len((tmp_path / "review.csv").read_text().splitlines()) > 1
    capsys.readouterr()


@pytest.mark.parametrize("options, expected", [
    ([], "--flag-by filter"),  # the default: the estimator's second stage
    (["--method", "self_confidence"], "--flag-by filter"),
    (["--method", "noise_posterior", "--flag-by", "filter"], "first-stage --method"),
    (FILTER + ["--per-class"], "--per-class writes one column per class"),
])
def test_what_needs_dense_predictions_is_refused_up_front(tmp_path, capsys, options,
                                                          expected):
    labels, pred_probs = top_k_case(30, 20, top_k=3)
    labels_path = _files(tmp_path, labels, pred_probs)
    out = tmp_path / "out.csv"
    code = main(["score", "--labels", labels_path, "--pred-probs",
                 str(tmp_path / "probs.npz"), "-o", str(out), *options])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("skmlq: error: ")
    assert expected in lines[0] and "probs.npz" in lines[0]
    if not options:
        assert ("--method self_confidence --aggregator exponential_moving_average "
                "--flag-by filter") in lines[0]
    assert not out.exists()


def test_the_review_loop_refuses_sparse_predictions(tmp_path, capsys):
    labels, pred_probs = top_k_case(30, 20, top_k=3)
    labels_path = _files(tmp_path, labels, pred_probs)
    code = main(["review", "--labels", labels_path, "--pred-probs",
                 str(tmp_path / "probs.npz"), "--state", str(tmp_path / "state.npz")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1
    assert "sparse predictions" in lines[0] and "--flag-by filter" in lines[0]
    assert not (tmp_path / "state.npz").exists()


def _coo(rows, cols, values, shape=(4, 6)):
    return sp.coo_matrix((np.asarray(values, dtype=float), (rows, cols)), shape=shape)


@pytest.mark.parametrize("matrix, expected", [
    (_coo([0, 0, 1], [1, 1, 2], [0.2, 0.3, 0.4]), "row 0, column 1 twice"),
    (_coo([0, 2], [1, 3], [0.2, 1.5]), "outside [0, 1] (1.5) at row 2, column 3"),
    (sp.csr_matrix((np.array([0.2, 0.3]), np.array([4, 1]), np.array([0, 2, 2, 2, 2])),
                   shape=(4, 6)), "unsorted column indices in row 0"),
])
def test_a_bad_sparse_file_is_one_named_line_and_writes_nothing(tmp_path, capsys, matrix,
                                                                expected):
    sp.save_npz(tmp_path / "bad.npz", matrix, compressed=False)
    sp.save_npz(tmp_path / "labels.npz", sp.csr_matrix(np.eye(4, 6, dtype=np.int8)))
    out = tmp_path / "out.csv"
    code = main(["score", "--labels", str(tmp_path / "labels.npz"), "--pred-probs",
                 str(tmp_path / "bad.npz"), *FILTER, "-o", str(out)])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1
    assert lines[0].startswith(f"skmlq: error: pred_probs file {tmp_path / 'bad.npz'}: ")
    assert expected in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.npz", "labels.npz"]
