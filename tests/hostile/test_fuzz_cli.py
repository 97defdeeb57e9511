"""Fuzzing ``skmlq score`` with input files of every encoding and framing problem.

Each generated case writes a labels file and a pred_probs file, each either a
faithful re-encoding of the clean data (a byte-order mark, CRLF line ends, quoted
numbers, another container...) or a broken one (truncated, empty, header only,
wrong encoding...), and runs the command line in-process. The contract: exit 0 and
the output of the clean files, or exit 2 with exactly one ``skmlq: error:`` line;
no file is left behind and no input file is changed.
"""

import hashlib
import io
import json
import os
import shutil
import tempfile

import numpy as np
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from . import strategies as hs
from ._contract import count_input, fuzz_settings, list_dir, run_cli

NAMES = ["cat", "dog", "bird", "fish", "emu"]


def _csv_rows(rows, sep=",", quote=False, space=False):
    cell = (lambda v: f'"{v}"') if quote else (lambda v: f" {v} " if space else v)
    return [sep.join(cell(v) for v in row) for row in rows]


def _text(lines, newline="\n", final=True, blank_tail=False):
    text = newline.join(lines) + (newline if final else "")
    return text + (newline * 2 if blank_tail else "")


def _npy_bytes(array):
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def _npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _sparse_npz_bytes(matrix):
    buf = io.BytesIO()
    sp.save_npz(buf, matrix)
    return buf.getvalue()


# ---------------------------------------------------------------- pred_probs files
def _probs_lines(P, header=None):
    rows = [",".join(repr(float(v)) for v in row) for row in P]
    return ([",".join(header)] if header else []) + rows


# name -> f(P) -> (suffix, bytes, clean) where clean is (suffix, bytes) of the plain
# file giving the same result, or None for a broken file.
def _plain_probs(P):
    return ".csv", _text(_probs_lines(P)).encode()


PROBS = {
    "csv": lambda P: (*_plain_probs(P), _plain_probs(P)),
    "csv-bom": lambda P: (".csv", b"\xef\xbb\xbf" + _plain_probs(P)[1], _plain_probs(P)),
    "csv-bom-header": lambda P: (
        ".csv", b"\xef\xbb\xbf" + _text(_probs_lines(P, NAMES[:P.shape[1]])).encode(),
        (".csv", _text(_probs_lines(P, NAMES[:P.shape[1]])).encode())),
    "csv-crlf": lambda P: (".csv", _text(_probs_lines(P), "\r\n").encode(), _plain_probs(P)),
    "csv-no-final-newline": lambda P: (".csv", _text(_probs_lines(P), final=False).encode(),
                                       _plain_probs(P)),
    "csv-blank-tail": lambda P: (".csv", _text(_probs_lines(P), blank_tail=True).encode(),
                                 _plain_probs(P)),
    "csv-quoted": lambda P: (".csv", _text(_csv_rows(
        [[repr(float(v)) for v in row] for row in P], quote=True)).encode(), _plain_probs(P)),
    "csv-spaces": lambda P: (".csv", _text(_csv_rows(
        [[repr(float(v)) for v in row] for row in P], space=True)).encode(), _plain_probs(P)),
    "tsv": lambda P: (".tsv", _text(_csv_rows([[repr(float(v)) for v in row] for row in P],
                                              sep="\t")).encode(), _plain_probs(P)),
    "npy": lambda P: (".npy", _npy_bytes(P), _plain_probs(P)),
    "npy-big-endian": lambda P: (".npy", _npy_bytes(P.astype(">f8")), _plain_probs(P)),
    "npy-fortran": lambda P: (".npy", _npy_bytes(np.asfortranarray(P)), _plain_probs(P)),
    "npy-float32-big-endian": lambda P: (".npy", _npy_bytes(P.astype(">f4")),
                                         (".npy", _npy_bytes(P.astype(np.float32)))),
    "npz": lambda P: (".npz", _npz_bytes(pred_probs=P), _plain_probs(P)),
    "npz-other-key": lambda P: (".npz", _npz_bytes(probs=P), _plain_probs(P)),
    "csv-utf16": lambda P: (".csv", _text(_probs_lines(P)).encode("utf-16"), None),
    "csv-latin1-header": lambda P: (".csv", _text(_probs_lines(P, ["caf\xe9"] + NAMES[
        1:P.shape[1]])).encode("latin-1"), None),
    "empty": lambda P: (".csv", b"", None),
    "only-newline": lambda P: (".csv", b"\n", None),
    "header-only": lambda P: (".csv", _text([",".join(NAMES[:P.shape[1]])]).encode(), None),
    "csv-ragged": lambda P: (".csv", _text(_probs_lines(P)[:-1] + [
        _probs_lines(P)[-1] + ",0.5"]).encode(), None),
    "csv-nan": lambda P: (".csv", _text(_probs_lines(P)[:-1] + [
        ",".join(["nan"] * P.shape[1])]).encode(), None),
    "csv-text-cell": lambda P: (".csv", _text(_probs_lines(P) + [
        ",".join(["x"] * P.shape[1])]).encode(), None),
    "csv-semicolons": lambda P: (".csv", _text(_csv_rows(
        [[repr(float(v)) for v in row] for row in P], sep=";")).encode(),
        _plain_probs(P) if P.shape[1] == 1 else None),  # one column needs no delimiter
    "npy-truncated": lambda P: (".npy", _npy_bytes(P)[:-5], None),
    "npy-header-only": lambda P: (".npy", _npy_bytes(P)[:64], None),
    "npz-truncated": lambda P: (".npz", _npz_bytes(pred_probs=P)[:-30], None),
    "npz-empty-archive": lambda P: (".npz", _npz_bytes(), None),
    "npy-object": lambda P: (".npy", _npy_object(), None),
    "npy-strings": lambda P: (".npy", _npy_bytes(P.astype(str)), None),
    "npy-out-of-range": lambda P: (".npy", _npy_bytes(P * 3), None),
    "npy-1d": lambda P: (".npy", _npy_bytes(P[:, 0]), None),
    "npy-extra-row": lambda P: (".npy", _npy_bytes(np.r_[P, P[:1]]), None),
    "json": lambda P: (".json", json.dumps(P.tolist()).encode(), None),
}


def _npy_object():
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    return buf.getvalue()


# ---------------------------------------------------------------- labels files
def _label_cells(Y, names=None):
    return [";".join(names[j] if names else str(j) for j in np.flatnonzero(row)) for row in Y]


def _labels_csv(Y, names=None, newline="\n", quote=False):
    cells = _label_cells(Y, names)
    lines = ["id,labels"] + [f'{i},"{c}"' if quote else f"{i},{c}" for i, c in enumerate(cells)]
    return _text(lines, newline).encode()


def _labels_jsonl(Y, newline="\n", blank=False):
    lines = [json.dumps(np.flatnonzero(row).tolist()) for row in Y]
    if blank:
        lines = [x for line in lines for x in (line, "")]
    return _text(lines, newline).encode()


def _plain_labels(Y):
    return ".csv", _labels_csv(Y)


def _coo_duplicates(Y):
    rows, cols = np.nonzero(Y)
    return sp.coo_matrix((np.ones(2 * rows.size), (np.r_[rows, rows], np.r_[cols, cols])),
                         shape=Y.shape)


LABELS = {
    "csv": lambda Y: (*_plain_labels(Y), _plain_labels(Y)),
    "csv-bom": lambda Y: (".csv", b"\xef\xbb\xbf" + _labels_csv(Y), _plain_labels(Y)),
    "csv-crlf": lambda Y: (".csv", _labels_csv(Y, newline="\r\n"), _plain_labels(Y)),
    "csv-quoted": lambda Y: (".csv", _labels_csv(Y, quote=True), _plain_labels(Y)),
    "jsonl": lambda Y: (".jsonl", _labels_jsonl(Y), _plain_labels(Y)),
    "jsonl-bom": lambda Y: (".jsonl", b"\xef\xbb\xbf" + _labels_jsonl(Y), _plain_labels(Y)),
    "jsonl-crlf-blank": lambda Y: (".jsonl", _labels_jsonl(Y, "\r\n", blank=True),
                                   _plain_labels(Y)),
    "npy-bool": lambda Y: (".npy", _npy_bytes(Y), _plain_labels(Y)),
    "npy-int8": lambda Y: (".npy", _npy_bytes(Y.astype(np.int8)), _plain_labels(Y)),
    "npy-big-endian": lambda Y: (".npy", _npy_bytes(Y.astype(">i4")), _plain_labels(Y)),
    "npz-dense": lambda Y: (".npz", _npz_bytes(labels=Y), _plain_labels(Y)),
    "npz-sparse-csr": lambda Y: (".npz", _sparse_npz_bytes(sp.csr_matrix(Y)), _plain_labels(Y)),
    "npz-sparse-coo-duplicates": lambda Y: (".npz", _sparse_npz_bytes(_coo_duplicates(Y)),
                                            _plain_labels(Y)),
    "empty": lambda Y: (".csv", b"", None),
    "header-only": lambda Y: (".csv", b"id,labels\n", None),
    "csv-no-labels-column": lambda Y: (".csv", _labels_csv(Y).replace(b"labels", b"tags", 1),
                                       None),
    "csv-out-of-range": lambda Y: (".csv", _labels_csv(Y) + f"{len(Y)},99\n".encode(), None),
    "csv-latin1": lambda Y: (".csv", _labels_csv(Y, ["caf\xe9"] + NAMES[1:Y.shape[1]]).decode(
        "utf-8").encode("latin-1"), None),
    "jsonl-bad-line": lambda Y: (".jsonl", _labels_jsonl(Y)[:-2] + b",]\n", None),
    "jsonl-true": lambda Y: (".jsonl", b"[true]\n" + _labels_jsonl(Y[1:]), None),
    "jsonl-float": lambda Y: (".jsonl", b"[0.5]\n" + _labels_jsonl(Y[1:]), None),
    "npz-sparse-no-data": lambda Y: (".npz", _npz_bytes(format=np.array("csr"),
                                                        shape=np.array(Y.shape)), None),
    "npz-truncated": lambda Y: (".npz", _sparse_npz_bytes(sp.csr_matrix(Y))[:-20], None),
    "npy-two": lambda Y: (".npy", _npy_bytes(Y.astype(np.int64) * 2), None),
    "npy-too-few-rows": lambda Y: (".npy", _npy_bytes(Y[:-1]), None),
}

# -o values, all inside the case's directory.
OUTPUTS = ["out.csv", "-", "sub/out.csv", ".", "labels_in"]

OPTIONS = {
    "--alpha": ["0.5", "5e-324", "1e-400", "-0", "nan", "inf", "1", "2", "0x1p-3", ""],
    "--temperature": ["0.1", "0", "-1", "nan", "1e308", "5e-324"],
    "--method": ["normalized_margin", "nope", ""],
    "--classes": ["a,b,c,d,e", "a,,b", "a,a,b", " , ", "x"],
    "--label-sep": [";", "", ","],
    "--labels-column": ["labels", "", "id"],
    "--delimiter": [",", "", ";", "\\t"],
}


def _digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _write(directory, stem, suffix, data):
    path = os.path.join(directory, stem + suffix)
    with open(path, "wb") as fh:
        fh.write(data)
    return os.path.basename(path)


def _run_files(directory, probs, labels, extra):
    """Run ``skmlq score`` on two written files; check every part of the contract."""
    p_name = _write(directory, "probs_in", *probs)
    l_name = _write(directory, "labels_in", *labels)
    extra = [a.replace("labels_in", l_name) for a in extra]
    before = {name: _digest(os.path.join(directory, name)) for name in list_dir(directory)}
    argv = ["score", "--labels", l_name, "--pred-probs", p_name, "--no-progress"] + extra
    code, out, err = run_cli(argv, directory)
    after = set(list_dir(directory))
    created = after - set(before)
    if code == 0 and "-o" in extra and extra[extra.index("-o") + 1] not in ("-", l_name):
        assert created == {"out.csv"}, (created, err)
    else:
        assert created == set() or created == {"sub"} and not os.listdir(
            os.path.join(directory, "sub")), (created, err)
    for name, digest in before.items():
        if name != "out.csv" and not (code == 0 and name == l_name and "--force" in extra):
            assert _digest(os.path.join(directory, name)) == digest, f"{name} was changed"
    result = None
    if code == 0 and os.path.exists(os.path.join(directory, "out.csv")):
        result = open(os.path.join(directory, "out.csv"), "rb").read()
    return code, out, err, result


@st.composite
def cli_cases(draw):
    Y, P, seed = draw(hs.cases(max_classes=len(NAMES)))
    probs = draw(st.sampled_from(sorted(PROBS)))
    labels = draw(st.sampled_from(sorted(LABELS)))
    # Half the cases use the default options and -o out.csv: then the output must
    # equal that of the clean files.
    options = draw(st.one_of(st.just({}), st.dictionaries(
        st.sampled_from(sorted(OPTIONS)), st.integers(0, 9), max_size=2)))
    options = {k: OPTIONS[k][i % len(OPTIONS[k])] for k, i in options.items()}
    output = draw(st.sampled_from(["out.csv"] * len(OUTPUTS) + OUTPUTS))
    force = draw(st.booleans())
    return Y, P, probs, labels, options, output, force


# (clean pred_probs file, clean labels file, options) -> what _run_files returned on
# them: the same files and options give the same run.
CLEAN_RUNS = {}


def check_files(Y, P, probs_kind, labels_kind, options, output, force, route=()):
    """One command on one pair of generated files; the contract of the module docstring.

    ``route``: options placed first (the scoring route), not part of ``options``.
    """
    count_input("cli")
    probs_suffix, probs_data, probs_clean = PROBS[probs_kind](P)
    labels_suffix, labels_data, labels_clean = LABELS[labels_kind](Y)
    extra = [*route] + [x for k, v in options.items() for x in (k, v)] + ["-o", output]
    if force:
        extra.append("--force")
    directory = tempfile.mkdtemp(prefix="skmlq-fuzz-")
    try:
        code, out, err, result = _run_files(
            directory, (probs_suffix, probs_data), (labels_suffix, labels_data), extra)
        if probs_clean is None or labels_clean is None:
            assert code == 2, f"exit {code} for a broken file; stderr: {err}"
        elif not options and output == "out.csv":
            assert code == 0, err
            # the same command on the clean files gives the same output (most variants
            # of a case share their clean files: each command on them runs once)
            key = (probs_clean, labels_clean, tuple(extra))
            if key not in CLEAN_RUNS:
                shutil.rmtree(directory)
                os.mkdir(directory)
                CLEAN_RUNS[key] = _run_files(directory, probs_clean, labels_clean, extra)
            clean_code, _, clean_err, clean_result = CLEAN_RUNS[key]
            assert clean_code == 0, clean_err
            assert result == clean_result, "not the output of the clean files"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _check_all(calls):
    failures = []
    for where, args in calls:
        try:
            check_files(*args)
        except Exception as exc:  # an exception escaping main() breaks the contract too
            failures.append(f"{where}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
    assert not failures, f"{len(failures)} contract violations:\n" + "\n".join(failures)


# The scoring route that fits nothing: what a file holds is read the same way by
# every route, and the second stage's fit (most of a command's time on these tiny
# files) has its own tests; test_hostile_files_and_options keeps the default route.
READING_ROUTE = ("--method", "self_confidence", "--aggregator", "exponential_moving_average",
                 "--flag-by", "filter")


# Every kind of file, each with clean files for the other input (a handful of cases:
# each runs about 60 commands).
@fuzz_settings(fraction=1 / 15)
@given(case=hs.cases(max_classes=len(NAMES)), force=st.booleans())
def test_every_kind_of_file(case, force):
    Y, P, _ = case
    calls = [(f"pred_probs={kind}", (Y, P, kind, "csv", {}, "out.csv", force, READING_ROUTE))
             for kind in sorted(PROBS)]
    calls += [(f"labels={kind}", (Y, P, "csv", kind, {}, "out.csv", force, READING_ROUTE))
              for kind in sorted(LABELS)]
    _check_all(calls)


@fuzz_settings()
@given(case=cli_cases())
def test_hostile_files_and_options(case):
    Y, P, probs_kind, labels_kind, options, output, force = case
    _check_all([(f"pred_probs={probs_kind} labels={labels_kind} {options} -o {output}",
                 (Y, P, probs_kind, labels_kind, options, output, force))])
