"""skmlq.datasets: the bundled yeast data and the ARFF reader (on small files)."""

import gzip
import io

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from skmlq.datasets import load_arff, load_yeast
from skmlq.utils._errors import InputValueError

TOY = """% a comment
@RELATION 'toy data'

@attribute w1 numeric
@attribute 'w two' REAL
@attribute colour {red,green,blue}
@attribute TAG_a {0,1}
@attribute TAG_b {0,1}
@data
% sparse and dense rows may be mixed
{0 2.5,3 1}
0,1,blue,1,1
{1 -1,2 green}
1.5,?,red,0,0
"""


def write(tmp_path, text, name="data.arff"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------- load_yeast


def test_load_yeast_bunch():
    yeast = load_yeast()
    assert yeast.data.shape == (2417, 103) and yeast.data.dtype == np.float64
    assert yeast.target.shape == (2417, 14) and yeast.target.dtype == np.int8
    assert set(np.unique(yeast.target)) == {0, 1}
    assert yeast.target.sum(axis=1).min() >= 1
    assert yeast.feature_names[0] == "Att1" and len(yeast.feature_names) == 103
    assert list(yeast.target_names) == [f"Class{k}" for k in range(1, 15)]
    assert yeast.frame is None
    # Provenance and licence travel with the data.
    assert "Elisseeff" in yeast.DESCR and "BSD-3-Clause" in yeast.DESCR


def test_load_yeast_return_X_y_matches_bunch():
    X, Y = load_yeast(return_X_y=True)
    yeast = load_yeast()
    np.testing.assert_array_equal(X, yeast.data)
    np.testing.assert_array_equal(Y, yeast.target)


def test_load_yeast_as_frame():
    pd = pytest.importorskip("pandas")
    yeast = load_yeast(as_frame=True)
    assert isinstance(yeast.data, pd.DataFrame) and isinstance(yeast.target, pd.DataFrame)
    assert list(yeast.frame.columns) == yeast.feature_names + list(yeast.target_names)
    np.testing.assert_array_equal(yeast.target.to_numpy(), load_yeast().target)
    X, Y = load_yeast(as_frame=True, return_X_y=True)
    assert X.shape == (2417, 103) and Y.shape == (2417, 14)


def test_yeast_file_is_package_data():
    from importlib import resources

    data = resources.files("skmlq.datasets").joinpath("data")
    assert data.joinpath("yeast.csv.gz").is_file()
    assert "BSD 3-Clause" in data.joinpath("README.md").read_text("utf-8")


# ---------------------------------------------------------------------- load_arff


def test_load_arff_dense_sparse_nominal_missing(tmp_path):
    toy = load_arff(write(tmp_path, TOY), label_prefix="TAG_")
    assert sp.issparse(toy.data) and toy.data.format == "csr"
    expected = np.array(
        [[2.5, 0, 0], [0, 1, 2], [0, -1, 1], [1.5, np.nan, 0]], dtype=np.float64
    )
    np.testing.assert_array_equal(toy.data.toarray(), expected)
    np.testing.assert_array_equal(toy.target, [[1, 0], [1, 1], [0, 0], [0, 0]])
    assert toy.target.dtype == np.int8
    assert toy.feature_names == ["w1", "w two", "colour"]
    assert list(toy.target_names) == ["TAG_a", "TAG_b"]
    assert toy.relation == "toy data"


def test_load_arff_fast_and_line_by_line_paths_agree(tmp_path):
    # Only 0/1 values and no quotes: the bulk path. The same rows with a quoted value
    # take the line-by-line path; both must give the same arrays.
    body = "{0 1,2 1}\n1,0,0,1\n{}\n{3 1,1 1}\n"
    head = "@relation r\n@attribute a numeric\n@attribute b numeric\n"
    head += "@attribute L1 {0,1}\n@attribute L2 {0,1}\n@data\n"
    fast = load_arff(write(tmp_path, head + body), n_labels=2)
    slow = load_arff(write(tmp_path, head + body.replace("1,0,0,1", "'1',0,0,1"), "q.arff"),
                     n_labels=2)
    np.testing.assert_array_equal(fast.data.toarray(), slow.data.toarray())
    np.testing.assert_array_equal(fast.target, slow.target)
    np.testing.assert_array_equal(fast.target, [[1, 0], [0, 1], [0, 0], [0, 1]])


def test_load_arff_unsorted_sparse_indices(tmp_path):
    head = "@relation r\n@attribute a numeric\n@attribute b numeric\n@attribute L {0,1}\n@data\n"
    toy = load_arff(write(tmp_path, head + "{2 1,0 3}\n{1 4}\n"), n_labels=1)
    np.testing.assert_array_equal(toy.data.toarray(), [[3, 0], [0, 4]])
    np.testing.assert_array_equal(toy.target, [[1], [0]])


def test_load_arff_label_count_start_end_and_meka_header(tmp_path):
    attrs = "".join(f"@attribute x{j} numeric\n" for j in range(4))
    rows = "1,0,5,6\n0,1,7,8\n"
    end = load_arff(write(tmp_path, "@relation r\n" + attrs + "@data\n" + "5,6,1,0\n"), n_labels=2)
    assert end.feature_names == ["x0", "x1"] and list(end.target_names) == ["x2", "x3"]
    np.testing.assert_array_equal(end.target, [[1, 0]])
    # Here the last two columns hold 5..8: not 0/1, so they cannot be labels.
    path = write(tmp_path, "@relation r\n" + attrs + "@data\n" + rows, "e.arff")
    with pytest.raises(ValueError, match="line 7: label attribute 'x2' has value 5"):
        load_arff(path, n_labels=2)
    start = load_arff(path, n_labels=2, label_location="start")
    np.testing.assert_array_equal(start.target, [[1, 0], [0, 1]])
    np.testing.assert_array_equal(start.data.toarray(), [[5, 6], [7, 8]])
    # MEKA: '-C 2' (labels first) and '-C -2' (labels last) in the relation name.
    meka = write(tmp_path, "@relation 'r: -C 2'\n" + attrs + "@data\n" + rows, "m.arff")
    np.testing.assert_array_equal(load_arff(meka).target, [[1, 0], [0, 1]])
    meka_end = write(tmp_path, "@relation 'r: -C -1 -split'\n" + attrs + "@data\n"
                     + "5,6,7,1\n", "m2.arff")
    np.testing.assert_array_equal(load_arff(meka_end).target, [[1]])


def test_load_arff_gzip_fileobj_crlf_and_return_X_y(tmp_path):
    text = TOY.replace("\n", "\r\n")
    path = tmp_path / "toy.arff.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(text)
    X, Y = load_arff(path, label_prefix="TAG_", return_X_y=True)
    X2, Y2 = load_arff(io.BytesIO(TOY.encode()), label_prefix="TAG_", return_X_y=True)
    np.testing.assert_array_equal(X.toarray(), X2.toarray())
    np.testing.assert_array_equal(Y, Y2)
    assert Y.shape == (4, 2)


def test_load_arff_empty_data_section(tmp_path):
    path = write(tmp_path, "@relation r\n@attribute a numeric\n@attribute L {0,1}\n@data\n")
    toy = load_arff(path, n_labels=1)
    assert toy.data.shape == (0, 1) and toy.target.shape == (0, 1)


@pytest.mark.parametrize(
    "body, message",
    [
        ("{0 1,5 1}", r"line 6: sparse index 5 is out of range; the file declares 3"),
        ("{0 1,0 2}", r"line 6: sparse index 0 appears twice"),
        ("{0 1", r"line 6: a sparse row must end with '\}'"),
        ("{0 1}, {3}", r"line 6: instance weights .* are not supported"),
        ("1,0,0, {3}", r"line 6: instance weights .* are not supported"),
        ("{0}", r"line 6: sparse entry '0' is not 'INDEX VALUE'"),
        ("{x 1}", r"line 6: sparse index 'x' is not an integer"),
        ("1,2", r"line 6: the row has 2 values; the file declares 3 attributes"),
        ("x,1,0", r"line 6: value 'x' of numeric attribute 'a' is not a number"),
        ("1,yes,0", r"line 6: value 'yes' of attribute 'b' is not one of its declared"),
        ("{1 2}", r"line 6: value '2' of attribute 'b' is not one of its declared"),
        ("1,0,2", r"line 6: value '2' of attribute 'TAG_x' is not one of its declared"),
        ("1,0,?", r"line 6: label attribute 'TAG_x' has value nan"),
    ],
)
def test_load_arff_malformed_rows_name_the_line(tmp_path, body, message):
    head = "@relation t\n@attribute a numeric\n@attribute b {0,1}\n@attribute TAG_x {0,1}\n@data\n"
    path = write(tmp_path, head + body + "\n")
    with pytest.raises(InputValueError, match=message):
        load_arff(path, label_prefix="TAG_")


@pytest.mark.parametrize(
    "text, kwargs, message",
    [
        ("@relation r\n@attribute s string\n@data\n", {"n_labels": 1},
         r"line 2: attribute 's' has type 'string'"),
        ("@relation r\n@attribute a numeric\n", {"n_labels": 1}, "no @data section"),
        ("@relation r\n@data\n", {"n_labels": 1}, r"line 2: @data before any @attribute"),
        ("@relation r\n@attribute\n@data\n", {"n_labels": 1},
         r"line 2: cannot read the attribute declaration"),
        ("@relation r\nhello\n", {"n_labels": 1}, r"line 2: expected @relation, @attribute"),
        ("@relation r\n@attribute a {0,1\n@data\n", {"n_labels": 1}, r"line 2: nominal"),
        ("@relation r\n@attribute a {1,0}\n@data\n", {"n_labels": 1},
         r"line 2: label attribute 'a' is declared \{1,0\}"),
        ("@relation r\n@attribute a numeric\n@data\n", {}, "give label_prefix"),
        ("@relation r\n@attribute a numeric\n@data\n", {"label_prefix": "T"},
         "no attribute name starts with label_prefix='T'"),
        ("@relation r\n@attribute a numeric\n@data\n", {"n_labels": 2},
         r"n_labels must be between 1 and the number of attributes \(1\)"),
        ("@relation r\n@attribute a numeric\n@data\n", {"n_labels": 1, "label_prefix": "a"},
         "not both"),
        ("@relation r\n@attribute a numeric\n@data\n", {"n_labels": 1, "label_location": "mid"},
         "label_location='mid' is not a valid location; valid locations are 'start', 'end'"),
    ],
)
def test_load_arff_bad_header_or_options(tmp_path, text, kwargs, message):
    # InputValueError: the command line reports these as bad input (exit 2).
    with pytest.raises(InputValueError, match=message):
        load_arff(write(tmp_path, text), **kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_labels": 1.0}, r"n_labels=1.0 must be an int"),
        ({"n_labels": True}, r"n_labels=True must be an int"),
        ({"label_prefix": ""}, r"label_prefix='' must be a non-empty str"),
        ({"n_labels": 1, "return_X_y": "yes"}, r"return_X_y='yes' must be True or False"),
    ],
)
def test_load_arff_option_types(tmp_path, kwargs, message):
    path = write(tmp_path, "@relation r\n@attribute a numeric\n@data\n")
    with pytest.raises(TypeError, match=message):
        load_arff(path, **kwargs)


def test_load_yeast_option_types():
    with pytest.raises(TypeError, match="as_frame=1 must be True or False"):
        load_yeast(as_frame=1)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 6).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.sampled_from([0.0, 0.0, 1.0, -2.5, 3.25]), min_size=3, max_size=3),
                     min_size=n, max_size=n),
            st.lists(st.lists(st.integers(0, 1), min_size=2, max_size=2), min_size=n, max_size=n),
            st.lists(st.booleans(), min_size=n, max_size=n),
        )
    )
)
def test_load_arff_round_trip(tmp_path_factory, data):
    """Any mix of dense and sparse rows reads back as the arrays that were written."""
    X, Y, as_sparse = data
    lines = ["@relation r"] + [f"@attribute f{j} numeric" for j in range(3)]
    lines += ["@attribute L0 {0,1}", "@attribute L1 {0,1}", "@data"]
    for x, y, sparse_row in zip(X, Y, as_sparse):
        values = list(x) + list(y)
        if sparse_row:
            lines.append("{" + ",".join(f"{j} {v:g}" for j, v in enumerate(values) if v) + "}")
        else:
            lines.append(",".join(f"{v:g}" for v in values))
    path = tmp_path_factory.mktemp("arff") / "r.arff"
    path.write_text("\n".join(lines) + "\n")
    got = load_arff(path, n_labels=2)
    np.testing.assert_array_equal(got.data.toarray(), np.array(X).reshape(-1, 3))
    np.testing.assert_array_equal(got.target, np.array(Y, dtype=np.int8).reshape(-1, 2))


def test_load_arff_numeric_label_must_be_0_or_1(tmp_path):
    head = "@relation t\n@attribute a numeric\n@attribute L numeric\n@data\n"
    ok = load_arff(write(tmp_path, head + "{0 3,1 1}\n2,0\n"), n_labels=1)
    np.testing.assert_array_equal(ok.target, [[1], [0]])
    with pytest.raises(ValueError, match=r"line 6: label attribute 'L' has value 0.5"):
        load_arff(write(tmp_path, head + "{0 3,1 1}\n2,0.5\n", "b.arff"), n_labels=1)


_HEADER = "@relation r\n@attribute a numeric\n@attribute b {x,y}\n@attribute L {0,1}\n@data\n"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet="{}0123456789 ,.-?'\"xyab%\t", max_size=25), max_size=4))
def test_load_arff_malformed_data_raises_only_value_error(rows):
    """Whatever the data rows hold, the reader returns arrays or raises ValueError."""
    text = _HEADER + "\n".join(rows) + "\n"
    try:
        got = load_arff(io.StringIO(text), n_labels=1)
    except ValueError as exc:
        assert str(exc).startswith("line ")
    else:
        assert got.data.shape[1] == 2 and got.target.shape[1] == 1
        assert set(np.unique(got.target)) <= {0, 1}
