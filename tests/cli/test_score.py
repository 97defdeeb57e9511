"""``skmlq score``: every input format, options, streaming and the output file."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq import get_label_quality_scores, get_label_quality_scores_per_class
from skmlq.rank import get_cooccurrence_params, get_label_error_probabilities
from skmlq.report._build import error_flags
from skmlq.cli import _report_csv, _score, main
from skmlq.cli._readers import read_pred_probs

from ._files import (
    NAMES, make_case, read_output, write_labels_csv, write_labels_jsonl, write_probs_csv,
)


EXACT = ["--float-format", "exact"]


def _split(cell, sep):
    return cell.split(sep) if cell else []


ESTIMATOR_SCORING = dict(method="noise_posterior", aggregator_kwargs={"method": "product"})


def _check_ranked(out_path, Y, P, per_class=False, sep=";", **kwargs):
    """The output equals the functional API with the estimator's default scoring (or
    the scoring of ``kwargs``) and its verdict: sorted worst first, stable, exact
    floats, the suggestions of the error probabilities."""
    header, rows = read_output(out_path)
    kwargs = {**ESTIMATOR_SCORING, **kwargs}
    params = get_cooccurrence_params(Y, P)
    if kwargs["method"] in ("noise_posterior", "single_error", "cooccurrence"):
        kwargs["cooccurrence_params"] = params
    expected = get_label_quality_scores(Y, P, **kwargs)
    order = np.argsort(expected, kind="stable")
    assert header[:6] == ["row", "label_quality", "rank", "given", "to_remove", "to_add"]
    proba, proba_per_class = get_label_error_probabilities(Y, P, cooccurrence_params=params)
    mask, _ = error_flags(proba, proba_per_class, 0.5, P.shape)
    names = header[6:] and [h[len("label_quality_"):] for h in header[6:]]
    for r in rows:
        i = int(r[0])
        if names:
            assert _split(r[3], sep) == [names[k] for k in np.flatnonzero(Y[i])]
        assert len(_split(r[4], sep)) == (mask[i] & Y[i].astype(bool)).sum()
        assert len(_split(r[5], sep)) == (mask[i] & ~Y[i].astype(bool)).sum()
    got_rows = np.array([int(r[0]) for r in rows])
    np.testing.assert_array_equal(got_rows, order)
    np.testing.assert_array_equal(np.array([r[1] for r in rows], expected.dtype), expected[order])
    np.testing.assert_array_equal([int(r[2]) for r in rows], np.arange(1, len(Y) + 1))
    if per_class:
        kwargs.pop("aggregator_kwargs", None)
        S = get_label_quality_scores_per_class(Y, P, **kwargs)
        np.testing.assert_array_equal(np.array([r[6:] for r in rows], S.dtype), S[order])
    else:
        assert len(header) == 6
    return header


@pytest.mark.parametrize("labels_format", ["npy", "npz", "npz_sparse", "csv_idx", "csv_names",
                                           "jsonl_idx", "jsonl_names"])
def test_label_formats(tmp_path, labels_format, capsys):
    Y, P = make_case()
    probs = tmp_path / "probs.csv"
    write_probs_csv(probs, P, NAMES)  # header: names map to these columns
    labels = tmp_path / f"labels.{labels_format.split('_')[0]}"
    if labels_format == "npy":
        np.save(labels, Y.astype(np.int8))
    elif labels_format == "npz":
        np.savez(labels, labels=Y)
    elif labels_format == "npz_sparse":
        sp.save_npz(labels, sp.csr_matrix(Y))
    elif labels_format.startswith("csv"):
        write_labels_csv(labels, Y, NAMES if labels_format.endswith("names") else None)
    else:
        write_labels_jsonl(labels, Y, NAMES if labels_format.endswith("names") else None)
    out = tmp_path / "out.csv"
    assert main(["score", "--labels", str(labels), "--pred-probs", str(probs),
                 "-o", str(out), *EXACT]) == 0
    _check_ranked(out, Y, P)
    printed = capsys.readouterr().out
    assert "rank  row  label_quality" in printed
    table = printed.split("rank  row  label_quality")[1].splitlines()[1:]
    assert [line.split()[0] for line in table[:20]] == [str(r) for r in range(1, 21)]


@pytest.mark.parametrize("probs_format", ["npy", "npz", "csv", "tsv"])
def test_pred_probs_formats_and_per_class(tmp_path, probs_format):
    Y, P = make_case(seed=1)
    labels = tmp_path / "labels.jsonl"
    write_labels_jsonl(labels, Y)
    probs = tmp_path / f"probs.{probs_format}"
    if probs_format == "npy":
        np.save(probs, P)
    elif probs_format == "npz":
        np.savez(probs, pred_probs=P)
    elif probs_format == "csv":
        write_probs_csv(probs, P)  # no header: integer labels are column indices
    else:
        probs.write_text("\n".join("\t".join(map(repr, row)) for row in P.tolist()) + "\n")
    out = tmp_path / "out.csv"
    assert main(["score", "--labels", str(labels), "--pred-probs", str(probs), "--per-class",
                 "-o", str(out), *EXACT]) == 0
    header = _check_ranked(out, Y, P, per_class=True)
    assert header[6:] == [f"label_quality_{k}" for k in range(4)]


def test_names_without_header_map_sorted_and_say_so(tmp_path, capsys):
    Y, P = make_case(seed=2)
    np.save(tmp_path / "p.npy", P)
    write_labels_csv(tmp_path / "l.csv", Y, NAMES, sep="|")
    out = tmp_path / "out.csv"
    assert main(["score", "--labels", str(tmp_path / "l.csv"), "--label-sep", "|",
                 "--pred-probs", str(tmp_path / "p.npy"), "--per-class", "-o", str(out),
                 *EXACT]) == 0
    assert "sorted order: 0=bird, 1=cat, 2=dog, 3=fish" in capsys.readouterr().err
    order = np.argsort(NAMES)  # column c of P holds sorted(NAMES)[c]
    Y_sorted = Y[:, order]
    header = _check_ranked(out, Y_sorted, P, per_class=True, sep="|")
    assert header[6:] == ["label_quality_bird", "label_quality_cat", "label_quality_dog",
                          "label_quality_fish"]


def test_classes_option_names_the_columns(tmp_path):
    Y, P = make_case(seed=3)
    np.save(tmp_path / "p.npy", P)
    write_labels_jsonl(tmp_path / "l.jsonl", Y, NAMES)
    out = tmp_path / "out.csv"
    assert main(["score", "--labels", str(tmp_path / "l.jsonl"), "--pred-probs",
                 str(tmp_path / "p.npy"), "--classes", ",".join(NAMES), "--per-class",
                 "-o", str(out), *EXACT]) == 0
    header = _check_ranked(out, Y, P, per_class=True)
    assert header[6:] == [f"label_quality_{n}" for n in NAMES]


@pytest.mark.parametrize("options, kwargs", [
    (["--method", "normalized_margin", "--aggregator", "exponential_moving_average",
      "--alpha", "0.5"],
     dict(method="normalized_margin", aggregator_kwargs={"alpha": 0.5})),
    (["--method", "self_confidence", "--aggregator", "softmin", "--temperature", "0.3",
      "--adjust-pred-probs"],
     dict(method="self_confidence", adjust_pred_probs=True,
          aggregator_kwargs={"method": "softmin", "temperature": 0.3})),
    (["--method", "confidence_weighted_entropy"],
     dict(method="confidence_weighted_entropy")),
    (["--method", "single_error", "--aggregator", "softmin"],
     dict(method="single_error", aggregator_kwargs={"method": "softmin"})),
    # cleanlab's default ranking, one pair of options away.
    (["--method", "self_confidence", "--aggregator", "exponential_moving_average"],
     dict(method="self_confidence", aggregator_kwargs=None)),
])
def test_scoring_options(tmp_path, options, kwargs):
    Y, P = make_case(seed=4)
    np.save(tmp_path / "y.npy", Y)
    np.save(tmp_path / "p.npy", P.astype(np.float32))
    out = tmp_path / "out.csv"
    assert main(["score", "--labels", str(tmp_path / "y.npy"), "--pred-probs",
                 str(tmp_path / "p.npy"), "-o", str(out), *EXACT, *options]) == 0
    _check_ranked(out, Y, P.astype(np.float32), **kwargs)


def test_streams_in_chunks_from_memory_maps(tmp_path, monkeypatch, capsys):
    """Tiny steps force many scoring and writing chunks; .npy inputs stay memory-mapped."""
    Y, P = make_case(seed=5, n=301, k=3)
    np.save(tmp_path / "y.npy", Y)
    np.save(tmp_path / "p.npy", P)
    assert isinstance(read_pred_probs(tmp_path / "p.npy")[0], np.memmap)
    monkeypatch.setattr(_score, "_STEP_ELEMENTS", 17)
    monkeypatch.setattr(_report_csv, "_CHUNK_ELEMENTS", 40)
    out = tmp_path / "out.csv"
    assert main(["score", "--labels", str(tmp_path / "y.npy"), "--pred-probs",
                 str(tmp_path / "p.npy"), "--per-class", "--progress", "-o", str(out),
                 *EXACT]) == 0
    _check_ranked(out, Y, P, per_class=True)
    err = capsys.readouterr().err
    assert "scoring: done" in err and "writing: done" in err


def test_ties_keep_input_order_and_stdout_output(tmp_path, capsys):
    Y = np.zeros((6, 2), dtype=bool)
    P = np.full((6, 2), 0.3)
    P[4] = 0.9  # the only bad row
    np.save(tmp_path / "y.npy", Y)
    np.save(tmp_path / "p.npy", P)
    # cleanlab's ranking: with no class ever given the noise model has nothing to judge.
    assert main(["score", "--labels", str(tmp_path / "y.npy"), "--pred-probs",
                 str(tmp_path / "p.npy"), "-o", "-", "--method", "self_confidence",
                 "--aggregator", "exponential_moving_average"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "row,label_quality,rank,given,to_remove,to_add"
    assert [line.split(",")[0] for line in lines[1:]] == ["4", "0", "1", "2", "3", "5"]


def test_without_output_prints_worst_rows_and_suspect(tmp_path, capsys):
    Y, P = make_case(seed=6)
    P[3] = np.where(Y[3], 0.01, 0.99)  # row 3 contradicts every annotation
    np.save(tmp_path / "y.npy", Y)
    write_probs_csv(tmp_path / "p.csv", P, NAMES)
    assert main(["score", "--labels", str(tmp_path / "y.npy"), "--pred-probs",
                 str(tmp_path / "p.csv")]) == 0
    out = capsys.readouterr().out
    first = next(line for line in out.splitlines() if line.startswith("1 "))
    assert first.split()[1] == "3"
    assert len(first.split()) > 4  # the labels to remove or to add
    assert "write all rows with -o" in out
    assert not list(tmp_path.glob("*.csv"))[1:]  # nothing written but the input


def test_one_column_csv_blank_line_is_an_example_without_labels(tmp_path):
    Y = np.array([[1, 0], [0, 0], [1, 1], [0, 0]], dtype=bool)
    P = np.array([[0.9, 0.2], [0.1, 0.3], [0.7, 0.6], [0.8, 0.9]])
    (tmp_path / "l.csv").write_text("labels\n0\n\n0;1\n\n")
    np.save(tmp_path / "p.npy", P)
    out = tmp_path / "out.csv"
    assert main(["score", "--labels", str(tmp_path / "l.csv"), "--pred-probs",
                 str(tmp_path / "p.npy"), "-o", str(out), *EXACT]) == 0
    _check_ranked(out, Y, P)


def test_warnings_print_as_one_skmlq_line(tmp_path, capsys, monkeypatch):
    # Any warning raised while scoring (here one added to the scoring step) is shown
    # as one line.
    Y, P = make_case(seed=6)
    np.save(tmp_path / "y.npy", Y)
    np.save(tmp_path / "p.npy", P)
    compute = _score.compute_scores

    def warn_then_compute(*args, **kwargs):
        warnings.warn("May not flag all label issues in class 1", UserWarning)
        return compute(*args, **kwargs)

    monkeypatch.setattr(_score, "compute_scores", warn_then_compute)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        assert main(["score", "--labels", str(tmp_path / "y.npy"), "--pred-probs",
                     str(tmp_path / "p.npy"), "-o", str(tmp_path / "out.csv")]) == 0
    err = [line for line in capsys.readouterr().err.splitlines() if "warning" in line.lower()]
    assert err, "the warning is shown"
    for line in err:
        assert line.startswith("skmlq: warning: May not flag all label issues"), line
        assert "UserWarning" not in line and ".py:" not in line


CLEANLAB_ROUTE = ["--method", "self_confidence", "--aggregator", "exponential_moving_average",
                  "--flag-by", "filter"]


def test_flag_by_filter_flags_as_find_label_issues(tmp_path, monkeypatch, capsys):
    """--flag-by filter: cleanlab's ranking and the filter's suggestions, written in
    chunks; no second stage is fitted, and the summary states no expected count."""
    from skmlq.filter import find_label_issues, find_multilabel_issues_per_class

    Y, P = make_case(seed=7, n=301, k=3)
    np.save(tmp_path / "y.npy", Y)
    np.save(tmp_path / "p.npy", P)
    monkeypatch.setattr(_report_csv, "_CHUNK_ELEMENTS", 40)
    monkeypatch.setattr(_score, "compute_verdict", None)  # the stage's route is not taken
    out, review = tmp_path / "out.csv", tmp_path / "review.csv"
    assert main(["score", "--labels", str(tmp_path / "y.npy"), "--pred-probs",
                 str(tmp_path / "p.npy"), "-o", str(out), "--review", str(review), *EXACT,
                 *CLEANLAB_ROUTE]) == 0
    assert "Expected number" not in capsys.readouterr().out
    mask = find_multilabel_issues_per_class(Y, P)
    assert mask.any() and (~mask).any()
    header, rows = read_output(out)
    expected = get_label_quality_scores(Y, P)
    np.testing.assert_array_equal([int(r[0]) for r in rows],
                                  np.argsort(expected, kind="stable"))
    for r in rows:
        i = int(r[0])
        assert _split(r[4], ";") == [str(k) for k in np.flatnonzero(mask[i] & Y[i])]
        assert _split(r[5], ";") == [str(k) for k in np.flatnonzero(mask[i] & ~Y[i])]
    reviewed = {int(line.split(",")[0]) for line in review.read_text().splitlines()[1:]}
    assert reviewed == set(np.flatnonzero(find_label_issues(Y, P)).tolist())


def test_flag_by_filter_refuses_the_error_threshold(tmp_path, capsys):
    Y, P = make_case(seed=8)
    np.save(tmp_path / "y.npy", Y)
    np.save(tmp_path / "p.npy", P)
    assert main(["score", "--labels", str(tmp_path / "y.npy"), "--pred-probs",
                 str(tmp_path / "p.npy"), "--flag-by", "filter",
                 "--error-threshold", "0.3"]) == 2
    assert "--error-threshold applies to --flag-by error_proba only" in capsys.readouterr().err


@pytest.mark.parametrize("options", [["--method", "normalized_margin", "--adjust-pred-probs"],
                                     ["--method", "cooccurrence", "--adjust-pred-probs"]])
def test_flag_by_filter_suggests_as_the_filter_whatever_the_ranking(tmp_path, options):
    from skmlq.filter import find_multilabel_issues_per_class

    Y, P = make_case(seed=9, n=120, k=3)
    np.save(tmp_path / "y.npy", Y)
    np.save(tmp_path / "p.npy", P)
    out = tmp_path / "out.csv"
    assert main(["score", "--labels", str(tmp_path / "y.npy"), "--pred-probs",
                 str(tmp_path / "p.npy"), "-o", str(out), "--flag-by", "filter",
                 "--aggregator", "exponential_moving_average", *options]) == 0
    mask = find_multilabel_issues_per_class(Y, P)
    assert mask.any()
    for r in read_output(out)[1]:
        i = int(r[0])
        assert _split(r[4], ";") == [str(k) for k in np.flatnonzero(mask[i] & Y[i])]
        assert _split(r[5], ";") == [str(k) for k in np.flatnonzero(mask[i] & ~Y[i])]
