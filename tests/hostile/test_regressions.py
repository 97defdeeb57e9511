"""Regression tests for bad input that once gave a traceback, debris or a wrong answer.

One test per known defect; each asserts the contract of the bad-input promise: the
result equals the result on the cleaned input, or a ValueError/TypeError names the
argument (and says what is accepted).
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin

from skmlq import MultilabelLabelQuality
from skmlq.dataset import (
    common_multilabel_issues,
    overall_multilabel_health_score,
    rank_classes_by_multilabel_quality,
)
from skmlq.filter import find_label_issues, find_multilabel_issues_per_class
from skmlq.rank import (
    LabelQualityScorer,
    get_cooccurrence_params,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
    iter_label_quality_scores,
)

from ._contract import raises_naming, run_cli, list_dir

pd = pytest.importorskip("pandas")


def _case(n=24, k=3, seed=0):
    rng = np.random.default_rng(seed)
    Y = rng.random((n, k)) < 0.4
    Y[0] = True
    Y[1] = False
    P = np.clip(np.where(Y, 0.7, 0.25) + rng.normal(0, 0.2, (n, k)), 0.01, 0.99)
    return Y, P


def _lists(Y):
    return [np.flatnonzero(row).tolist() for row in Y]


# --------------------------------------------------------------- tracebacks, internal errors
def test_tiny_alpha_is_the_limit_alpha_to_0():
    Y, P = _case(k=8)
    tiny = get_label_quality_scores(Y, P, aggregator_kwargs={"alpha": 5e-324})
    zero = get_label_quality_scores(Y, P, aggregator_kwargs={"alpha": 0.0})
    np.testing.assert_allclose(tiny, zero, rtol=0, atol=1e-12)


def test_tiny_alpha_estimator():
    Y, _ = _case()
    X = np.random.default_rng(0).normal(size=(len(Y), 2))
    mlq = MultilabelLabelQuality(cv=2, alpha=5e-324, method="self_confidence",
                                 aggregator="exponential_moving_average").fit(X, Y)
    assert np.isfinite(mlq.label_quality_scores_).all()


def test_tiny_alpha_cli(tmp_path):
    Y, P = _case()
    np.save(tmp_path / "y.npy", Y)
    np.save(tmp_path / "p.npy", P)
    code, out, err = run_cli(["score", "--labels", "y.npy", "--pred-probs", "p.npy",
                              "--aggregator", "exponential_moving_average",
                              "--alpha", "5e-324"], tmp_path)
    assert code == 0, err


def test_npz_with_format_and_shape_but_no_data(tmp_path):
    _, P = _case()
    np.save(tmp_path / "p.npy", P)
    np.savez(tmp_path / "y.npz", format=np.array("csr"), shape=np.array(P.shape))
    code, _, err = run_cli(["score", "--labels", "y.npz", "--pred-probs", "p.npy"], tmp_path)
    assert code == 2 and "y.npz" in err


@pytest.mark.parametrize("dtype, adjust", [
    (">f4", False), (">f8", False), (">f4", True), (">f8", True), (">i2", False), (">u4", True),
])
def test_big_endian_pred_probs(dtype, adjust):
    Y, P = _case()
    if dtype[1] in "iu":
        P = (P > 0.5).astype(dtype[1:])
    big = P.astype(dtype)
    expected = get_label_quality_scores(Y, P.astype(dtype[1:]), adjust_pred_probs=adjust)
    got = get_label_quality_scores(Y, big, adjust_pred_probs=adjust)
    np.testing.assert_array_equal(got, expected)
    got = get_label_quality_scores_per_class(Y, big, adjust_pred_probs=adjust)
    np.testing.assert_array_equal(
        got, get_label_quality_scores_per_class(Y, P.astype(dtype[1:]), adjust_pred_probs=adjust)
    )


def test_big_endian_labels_and_filter():
    Y, P = _case()
    expected = find_label_issues(Y, P)
    np.testing.assert_array_equal(
        find_label_issues(Y.astype(">i4"), P.astype(">f8")), expected
    )


def test_big_endian_npy_cli(tmp_path):
    Y, P = _case()
    np.save(tmp_path / "y.npy", Y.astype(">i2"))
    np.save(tmp_path / "p.npy", P.astype(">f4"))
    np.save(tmp_path / "p_native.npy", P.astype("<f4"))
    code, _, err = run_cli(["score", "--labels", "y.npy", "--pred-probs", "p.npy",
                            "-o", "out.csv"], tmp_path)
    assert code == 0, err
    code, _, err = run_cli(["score", "--labels", "y.npy", "--pred-probs", "p_native.npy",
                            "-o", "native.csv"], tmp_path)
    assert code == 0, err
    assert (tmp_path / "out.csv").read_text() == (tmp_path / "native.csv").read_text()


# --------------------------------------------------------------- silent wrong answers
def _const(value):
    def aggregate(scores, axis=1):
        return np.full(scores.shape[0], value)
    return aggregate


@pytest.mark.parametrize("value", [np.nan, np.inf, -0.5, 1.5, 1 + 0j, 0.5 + 0.1j])
def test_callable_aggregator_result_must_be_real_in_unit_interval(value):
    Y, P = _case()
    err = raises_naming("aggregator", get_label_quality_scores, Y, P,
                        aggregator_kwargs={"method": _const(value)})
    assert "aggregate" in str(err)  # the callable's name


def test_callable_aggregator_string_result():
    Y, P = _case()

    def words(scores, axis=1):
        return np.array(["low"] * scores.shape[0])

    err = raises_naming("aggregator", get_label_quality_scores, Y, P,
                        aggregator_kwargs={"method": words})
    assert "words" in str(err)


def test_callable_aggregator_bad_result_in_estimator():
    Y, _ = _case()
    X = np.random.default_rng(0).normal(size=(len(Y), 2))
    raises_naming("aggregator", MultilabelLabelQuality(cv=2, aggregator=_const(2.0)).fit, X, Y)


@pytest.mark.parametrize("joint", [-np.ones((3, 2, 2)), np.zeros((3, 2, 2))],
                         ids=["negative", "all-zero"])
def test_confident_joint_counts_must_be_nonnegative_and_not_all_zero(joint):
    Y, P = _case()
    raises_naming("confident_joint", find_label_issues, Y, P, confident_joint=joint)
    raises_naming("confident_joint", find_multilabel_issues_per_class, Y, P,
                  confident_joint=joint)
    raises_naming("confident_joint", overall_multilabel_health_score, Y, P,
                  confident_joint=joint)
    raises_naming("joint", rank_classes_by_multilabel_quality, Y, P, joint=joint)


@pytest.mark.parametrize("row", [[0, True], [1, False], [0, np.True_]],
                         ids=["int-True", "int-False", "int-np.True_"])
def test_bool_inside_a_label_list_is_rejected(row):
    Y, P = _case()
    labels = _lists(Y)
    labels[3] = row
    err = raises_naming("labels[3]", get_label_quality_scores, labels, P)
    assert isinstance(err, TypeError)


@pytest.mark.parametrize("row", [
    pytest.param(b"\x00\x01", id="bytes"),
    pytest.param(bytearray(b"\x01"), id="bytearray"),
    pytest.param({0: "a"}, id="dict"),
    pytest.param({1, 2}, id="set"),
    pytest.param("12", id="str"),
])
def test_label_rows_that_are_not_lists_are_rejected(row):
    Y, P = _case()
    labels = _lists(Y)
    labels[2] = row
    raises_naming("labels[2]", get_label_quality_scores, labels, P)


def test_stream_batches_must_keep_the_number_of_classes():
    Y, P = _case(k=3)
    batches = [(Y[:10], P[:10]), (Y[10:, :2], P[10:, :2])]
    raises_naming(("batch 1", "batches[1]"), lambda: list(iter_label_quality_scores(batches)))
    # a fitted scorer knows its number of classes (an unfitted one keeps no state)
    scorer = LabelQualityScorer(adjust_pred_probs=True).fit_thresholds([(Y, P)])
    raises_naming("pred_probs", scorer.get_label_quality_scores, Y[10:, :2], P[10:, :2])


def test_scoring_after_fitting_thresholds_on_no_rows_is_refused():
    Y, P = _case()
    scorer = LabelQualityScorer(adjust_pred_probs=True)
    scorer.partial_fit_thresholds(np.zeros((0, 3)), np.zeros((0, 3)))
    raises_naming(("partial_fit_thresholds", "no rows", "0 rows"),
                  scorer.get_label_quality_scores, Y, P)


@pytest.mark.parametrize("batch", [(1, 2, 3), "ab", 7, None], ids=["triple", "str", "int", "None"])
def test_a_batch_that_is_not_a_pair_names_the_batch(batch):
    Y, P = _case()
    raises_naming(("batches[1]", "batch 1"),
                  lambda: list(iter_label_quality_scores([(Y, P), batch])))


def test_num_to_remove_per_class_longer_than_n_classes():
    Y, P = _case()
    raises_naming("num_to_remove_per_class", find_label_issues, Y, P,
                  num_to_remove_per_class=[1, 1, 1, 1])


def test_num_to_remove_per_class_overflow_means_all():
    Y, P = _case()
    n = len(Y)
    expected = find_label_issues(Y, P, num_to_remove_per_class=[n, 1, 1])
    got = find_label_issues(Y, P, num_to_remove_per_class=[2**70, 1, 1])
    np.testing.assert_array_equal(got, expected)


# --------------------------------------------------------------- valid input misread
@pytest.mark.parametrize("convert", ["convert_dtypes", "Int64", "Float64", "boolean"])
def test_pandas_nullable_dtypes(convert):
    Y, P = _case()
    expected = get_label_quality_scores(Y, P)
    Yf, Pf = pd.DataFrame(Y), pd.DataFrame(P)
    if convert == "convert_dtypes":
        Yf, Pf = Yf.astype(int).convert_dtypes(), Pf.convert_dtypes()
    elif convert == "Int64":
        Yf = Yf.astype(int).astype("Int64")
    elif convert == "Float64":
        Pf = Pf.astype("Float64")
    else:
        Yf = Yf.astype("boolean")
    np.testing.assert_array_equal(get_label_quality_scores(Yf, Pf), expected)


def test_pandas_nullable_missing_value_names_row_and_column():
    Y, P = _case()
    Pf = pd.DataFrame(P).astype("Float64")
    Pf.iloc[4, 2] = pd.NA
    err = raises_naming("pred_probs", get_label_quality_scores, Y, Pf)
    assert "row 4" in str(err) and "column 2" in str(err)
    Yf = pd.DataFrame(Y).astype("boolean")
    Yf.iloc[5, 1] = pd.NA
    err = raises_naming("labels", get_label_quality_scores, Yf, P)
    assert "row 5" in str(err) and "column 1" in str(err)


@pytest.mark.parametrize("fmt", ["coo", "csr", "csc", "coo_array"])
def test_sparse_duplicate_entries_mean_one_annotation(fmt):
    Y, P = _case()
    expected = get_label_quality_scores(Y, P)
    rows, cols = np.nonzero(Y)
    # every annotation stored twice
    coo = sp.coo_matrix((np.ones(2 * rows.size), (np.r_[rows, rows], np.r_[cols, cols])),
                        shape=Y.shape)
    labels = coo if fmt == "coo" else sp.coo_array(coo) if fmt == "coo_array" else None
    if fmt in ("csr", "csc"):
        # built from indptr/indices so that the duplicates survive
        order = np.lexsort((np.r_[cols, cols], np.r_[rows, rows]))
        r, c = np.r_[rows, rows][order], np.r_[cols, cols][order]
        if fmt == "csr":
            indptr = np.searchsorted(r, np.arange(Y.shape[0] + 1))
            labels = sp.csr_matrix((np.ones(r.size), c, indptr), shape=Y.shape)
        else:
            order = np.lexsort((r, c))
            r, c = r[order], c[order]
            indptr = np.searchsorted(c, np.arange(Y.shape[1] + 1))
            labels = sp.csc_matrix((np.ones(r.size), r, indptr), shape=Y.shape)
    np.testing.assert_array_equal(get_label_quality_scores(labels, P), expected)


# --------------------------------------------------------------- messages
@pytest.mark.parametrize("value", [0, 1.5, [], "", (), "exponential_moving_average",
                                   [("a", 1)]])
def test_aggregator_kwargs_that_is_not_a_dict(value):
    Y, P = _case()
    err = raises_naming("aggregator_kwargs", get_label_quality_scores, Y, P,
                        aggregator_kwargs=value)
    assert isinstance(err, TypeError)


@pytest.mark.parametrize("fmt", ["csr", "coo", "csc"])
def test_sparse_pred_probs_are_scored_or_named(fmt):
    # Sparse predictions are scored as their densified array, by the second stage too
    # (with the same parameters); its per-class scores name the input they need.
    Y, P = _case()
    S = sp.csr_matrix(P).asformat(fmt)
    np.testing.assert_allclose(get_label_quality_scores(Y, S),
                               get_label_quality_scores(Y, S.toarray()), rtol=0, atol=1e-12)
    params = get_cooccurrence_params(Y, S.toarray())
    np.testing.assert_allclose(
        get_label_quality_scores(Y, S, method="cooccurrence", cooccurrence_params=params),
        get_label_quality_scores(Y, S.toarray(), method="cooccurrence",
                                 cooccurrence_params=params), rtol=0, atol=1e-12)
    err = raises_naming("pred_probs", get_label_quality_scores_per_class, Y, S,
                        method="cooccurrence", cooccurrence_params=params)
    assert "sparse" in str(err) and "'cooccurrence'" in str(err)


class _OverconfidentClassifier(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.n_classes_ = np.shape(y)[1]
        return self

    def predict_proba(self, X):
        return np.full((len(X), self.n_classes_), 2.0)


def test_bad_probabilities_of_the_classifier_name_the_classifier():
    Y, _ = _case()
    X = np.random.default_rng(0).normal(size=(len(Y), 2))
    err = raises_naming("_OverconfidentClassifier",
                        MultilabelLabelQuality(_OverconfidentClassifier(), cv=2).fit, X, Y)
    assert "predict_proba" in str(err) and "pred_probs" not in str(err)


@pytest.mark.parametrize("cv", [True, False, 1.5, "3"])
def test_cv_of_the_wrong_type(cv):
    Y, _ = _case()
    X = np.random.default_rng(0).normal(size=(len(Y), 2))
    raises_naming("cv", MultilabelLabelQuality(cv=cv).fit, X, Y)


@pytest.mark.parametrize("func", [find_label_issues, find_multilabel_issues_per_class,
                                  common_multilabel_issues, rank_classes_by_multilabel_quality,
                                  overall_multilabel_health_score])
def test_zero_examples_in_filter_and_dataset(func):
    err = raises_naming(("labels", "pred_probs"), func, np.zeros((0, 3), dtype=int),
                        np.zeros((0, 3)))
    assert "annotated on every example" not in str(err)
    assert "no examples" in str(err) or "0 examples" in str(err)


@pytest.mark.parametrize("argv", [
    ["score", "--labels", "y.npy"],
    ["score", "--labels", "y.npy", "--pred-probs", "p.npy", "--alpha", "2"],
    ["score", "--labels", "y.npy", "--pred-probs", "p.npy", "--method", "nope"],
    ["audit"],
    ["demo", "--n-samples", "x"],
], ids=["missing", "alpha", "choice", "audit", "demo"])
def test_usage_errors_start_with_skmlq_error(argv, tmp_path):
    code, _, err = run_cli(argv, tmp_path)
    assert code == 2 and err.startswith("skmlq: error: ")


@pytest.mark.parametrize("classes", ["a,b,,d", "a,b,", "a,a,b", " ,b,c", "a, a ,b"])
def test_classes_option_names_must_be_unique_and_non_empty(classes, tmp_path):
    Y, P = _case(k=3)
    np.save(tmp_path / "y.npy", Y)
    np.save(tmp_path / "p.npy", P)
    code, _, err = run_cli(["score", "--labels", "y.npy", "--pred-probs", "p.npy",
                            "--classes", classes], tmp_path)
    assert code == 2 and "--classes" in err


# --------------------------------------------------------------- files
def _probs_csv(P, quote=False):
    fmt = '"{!r}"' if quote else "{!r}"
    return "".join(",".join(fmt.format(float(v)) for v in row) + "\n" for row in P)


@pytest.mark.parametrize("which", ["labels", "pred_probs-headerless", "pred_probs-header"])
def test_utf8_byte_order_mark(which, tmp_path):
    Y, P = _case(k=3)
    labels_csv = "labels\n" + "".join(";".join(map(str, r)) + "\n" for r in _lists(Y))
    probs_csv = _probs_csv(P)
    if which == "pred_probs-header":
        probs_csv = "c0,c1,c2\n" + probs_csv
    for name, text in (("y.csv", labels_csv), ("p.csv", probs_csv)):
        bom = (name == "y.csv") == (which == "labels")
        (tmp_path / name).write_text(text, encoding="utf-8-sig" if bom else "utf-8")
    (tmp_path / "clean_y.csv").write_text(labels_csv)
    (tmp_path / "clean_p.csv").write_text(probs_csv)
    code, _, err = run_cli(["score", "--labels", "y.csv", "--pred-probs", "p.csv",
                            "-o", "out.csv"], tmp_path)
    assert code == 0, err
    code, _, err = run_cli(["score", "--labels", "clean_y.csv", "--pred-probs", "clean_p.csv",
                            "-o", "clean.csv"], tmp_path)
    assert code == 0, err
    assert (tmp_path / "out.csv").read_text() == (tmp_path / "clean.csv").read_text()


def test_quoted_numbers_in_pred_probs_csv(tmp_path):
    Y, P = _case(k=3)
    np.save(tmp_path / "y.npy", Y)
    (tmp_path / "p.csv").write_text(_probs_csv(P, quote=True))
    (tmp_path / "clean.csv").write_text(_probs_csv(P))
    for probs, out in (("p.csv", "a.csv"), ("clean.csv", "b.csv")):
        code, _, err = run_cli(["score", "--labels", "y.npy", "--pred-probs", probs,
                                "-o", out], tmp_path)
        assert code == 0, err
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


def test_header_only_pred_probs_csv(tmp_path):
    (tmp_path / "p.csv").write_text("a,b,c\n")
    (tmp_path / "y.csv").write_text("labels\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, _, err = run_cli(["score", "--labels", "y.csv", "--pred-probs", "p.csv"], tmp_path)
    assert code == 2 and "p.csv" in err and "no data rows" in err
    assert list_dir(tmp_path) == ["p.csv", "y.csv"]


def test_adjusted_scores_of_exact_zero_and_one_stay_in_unit_interval():
    # The threshold adjustment is an affine map of p; at p = 0 or 1 it rounded to one
    # ulp outside [0, 1] (scores 1.0000000000000002 and -2.2e-16), found by the fuzz
    # profile.
    rng = np.random.default_rng(0)
    for _ in range(20):
        Y = rng.random((13, 3)) < 0.3
        Y[0], Y[1] = True, False
        P = rng.choice([0.0, 1.0, 0.5, 1e-300, 0.25, 0.9], size=Y.shape)
        for method in ("self_confidence", "normalized_margin"):
            S = get_label_quality_scores_per_class(Y, P, adjust_pred_probs=True, method=method)
            assert S.min() >= 0 and S.max() <= 1


@pytest.mark.parametrize("class_names", ["abc", 3, [{}, {}, {}], np.zeros((3, 1))])
def test_class_names_that_are_not_names(class_names):
    # A string was split into one name per character; unhashable entries raised
    # "unhashable type" (found by the fuzz profile).
    Y, P = _case(k=3)
    raises_naming("class_names", rank_classes_by_multilabel_quality, Y, P,
                  class_names=class_names)
