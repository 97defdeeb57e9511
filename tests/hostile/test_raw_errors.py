"""No raw error: bad files and options get skmlq's named one-line error (with the line
for files), never a ``_csv.Error``, ``UnicodeEncodeError``, ``EOFError``,
``LookupError`` or a numpy error; on the command line, exit 2.

Fuzzed: an ARFF file and a filled-in review file, cut, spliced with hostile bytes
(non-UTF-8, NUL, byte-order marks, non-ASCII digits, huge cells) or with lines
repeated; each either reads or raises an ``InputError``.
"""

import gzip
import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skmlq.utils._errors import InputError

from ._contract import count_input, fuzz_settings, list_dir, run_cli

pd = pytest.importorskip("pandas")

ARFF = (b"% a comment\n@relation 'toy: -C 2'\n@attribute w1 numeric\n@attribute w2 numeric\n"
        b"@attribute TAG_a {0,1}\n@attribute TAG_b {0,1}\n@data\n{0 2.5,2 1}\n0,1,1,1\n"
        b"{1 3,3 1}\n")
HOSTILE_BYTES = [b"\xe9", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", "\u0661".encode(),
                 "\u00b2".encode(), b"{", b"}", b",", b"'", b"\r", b"?", b"%",
                 b"99999999999999999999999", b"-1", b"@attribute w1 numeric\n",
                 b"x" * 200_000]


def _mutate(data, draw):
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "cut", "truncate", "repeat"]))
        if kind == "insert":
            data = data[:at] + draw(st.sampled_from(HOSTILE_BYTES)) + data[at:]
        elif kind == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 8)):]
        elif kind == "truncate":
            data = data[:at]
        else:
            lines = data.split(b"\n")
            i = draw(st.integers(0, max(len(lines) - 1, 0)))
            data = b"\n".join(lines[:i + 1] + lines[i:])
    return data


@st.composite
def arff_files(draw):
    data = _mutate(ARFF, draw)
    compressed = draw(st.booleans())
    if compressed:
        data = gzip.compress(data)
        if draw(st.booleans()):
            data = data[:draw(st.integers(0, len(data) - 1))]
    encoding = draw(st.sampled_from(["utf-8", "latin-1", "utf-8-sig", "nope", "utf-16"]))
    return data, compressed, encoding


@fuzz_settings(1.0)
@given(arff_files())
def test_arff_reads_or_names_the_problem(tmp_path_factory, case):
    from skmlq.datasets import load_arff

    count_input("arff-bytes")
    data, compressed, encoding = case
    path = tmp_path_factory.mktemp("arff") / ("toy.arff.gz" if compressed else "toy.arff")
    path.write_bytes(data)
    try:
        load_arff(path, label_prefix="TAG_", encoding=encoding)
    except InputError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("data,encoding,message", [
    (ARFF.replace(b"w2", b"w\xe92"), "utf-8", r"line 4: byte 0xe9 .* not utf-8"),
    (ARFF, "nope", "encoding 'nope' is not a known text encoding"),
    (b"\xef\xbb\xbf" + ARFF, "utf-8", None),
    (ARFF.replace(b"w2", b"w1"), "utf-8", "line 4: attribute 'w1' is declared twice"),
    (ARFF + b"{99999999999999999999999 1}\n", "utf-8", "line 11: sparse index"),
])
def test_arff_named_errors(tmp_path, data, encoding, message):
    from skmlq.datasets import load_arff

    (tmp_path / "a.arff").write_bytes(data)
    if message is None:
        assert load_arff(tmp_path / "a.arff", label_prefix="TAG_").target.shape == (3, 2)
        return
    with pytest.raises(ValueError, match=message):
        load_arff(tmp_path / "a.arff", label_prefix="TAG_", encoding=encoding)


def test_truncated_gzip_and_comment_junk(tmp_path):
    from skmlq.datasets import load_arff

    (tmp_path / "cut.arff.gz").write_bytes(gzip.compress(ARFF)[:-12])
    with pytest.raises(ValueError, match="truncated or damaged gzip"):
        load_arff(tmp_path / "cut.arff.gz", label_prefix="TAG_")
    # A file of mostly comment lines: they are skipped while reading, never kept.
    junk = b"%" * 99 + b"\n"
    (tmp_path / "junk.arff.gz").write_bytes(gzip.compress(ARFF[:-1] + b"\n" + junk * 20_000))
    assert load_arff(tmp_path / "junk.arff.gz", label_prefix="TAG_").target.shape == (3, 2)
    from skmlq.datasets._arff import _read_lines

    assert len(_read_lines(str(tmp_path / "junk.arff.gz"), "utf-8")) == 9


REVIEW = ("example,class,change,given,annotation_score,label_quality,decision\n"
          "0,a,remove,a;b,0.1,0.2,accept\n2,b,add,a,0.3,0.4,\n")


@st.composite
def review_files(draw):
    return _mutate(REVIEW.encode(), draw)


@fuzz_settings(1.0)
@given(review_files())
def test_review_reads_or_names_the_line(data):
    from skmlq.report import apply_review

    count_input("review-bytes")
    labels = [["a", "b"], [], ["a"]]
    try:
        apply_review(labels, io.BytesIO(data), classes=["a", "b"])
    except InputError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("cell", ["\u0661", "\u00b2", "1" * 200_000])
def test_review_example_cells(cell):
    from skmlq.report import apply_review

    data = REVIEW.replace("\n0,a", f"\n{cell},a", 1).encode()
    with pytest.raises(ValueError, match="review line 2"):
        apply_review([["a", "b"], [], ["a"]], io.BytesIO(data), classes=["a", "b"])


def test_options_and_empty_inputs():
    from skmlq.rank import get_cooccurrence_params, get_label_error_probabilities
    from skmlq.report import model_quality

    Y = np.array([[1, 0], [0, 1], [1, 1]])
    P = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.7]])
    with pytest.raises(ValueError, match="min_positives='ten'"):
        model_quality(Y, P, min_positives="ten")
    for func in (get_cooccurrence_params, get_label_error_probabilities):
        with pytest.raises(ValueError, match="pred_probs has no rows"):
            func(np.zeros((0, 2), dtype=int), np.zeros((0, 2)))


def test_lone_surrogates_in_the_html_report(tmp_path):
    from skmlq.plotting import write_html_report
    from skmlq.report import label_issue_report

    Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    P = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.7], [0.3, 0.2]])
    report = label_issue_report(labels=Y, pred_probs=P, class_names=["a\ud800", "b"])
    write_html_report(tmp_path / "r.html", report, text=["t\udc80"] * 4)
    assert "a\ufffd" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_command_line_oversized_cell(tmp_path):
    (tmp_path / "labels.csv").write_text("labels\n" + "a" * 200_000 + "\nb\n")
    np.save(tmp_path / "p.npy", np.full((2, 2), 0.5))
    code, _, err = run_cli(["score", "--labels", "labels.csv", "--pred-probs", "p.npy",
                            "-o", "out.csv"], tmp_path)
    assert code == 2 and "field larger than field limit" in err
    assert list_dir(tmp_path) == ["labels.csv", "p.npy"]
