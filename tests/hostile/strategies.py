"""Hypothesis strategies of hostile inputs, each paired with its cleaned form.

A *variant* turns a clean case (a boolean indicator ``Y`` and float64
``pred_probs`` ``P``) into what a user might really pass: another container,
dtype, byte order, memory layout, sparse format or pandas dtype (``clean`` is
then the plain input that must give the same result), or a malformed value
(``clean`` is None: the call must raise ValueError/TypeError naming the
argument). Variants are plain functions ``f(Y, rng) -> (value, clean)`` so that a
failing example prints as the variant's name.
"""

import numpy as np
import scipy.sparse as sp
from hypothesis import strategies as st

try:
    import pandas as pd
except ImportError:  # pragma: no cover - pandas is in the test extra
    pd = None

# Values that sit on the edges of [0, 1] or of float64.
EDGE_PROBABILITIES = [0.0, -0.0, 1.0, 0.5, 5e-324, 2.2250738585072014e-308, 1e-300,
                      1 - 2**-53, 2**-53, 0.1, 0.9999999999999999]


@st.composite
def cases(draw, min_samples=4, max_samples=14, max_classes=5):
    """A clean ``(Y, P)``: every class has given and absent examples (rows 0 and 1)."""
    n = draw(st.integers(min_samples, max_samples))
    k = draw(st.integers(1, max_classes))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    Y = rng.random((n, k)) < rng.uniform(0.1, 0.7)
    Y[0], Y[1] = True, False
    P = np.clip(np.where(Y, 0.7, 0.25) + rng.normal(0, 0.25, (n, k)), 0, 1)
    edges = rng.random((n, k)) < draw(st.sampled_from([0.0, 0.1, 0.5]))
    P[edges] = rng.choice(EDGE_PROBABILITIES, size=int(edges.sum()))
    return Y, P, seed


def _rows(Y):
    return [np.flatnonzero(row).tolist() for row in Y]


class Variant:
    """A named ``f(Y_or_P, rng) -> (value, clean)`` (its repr is its name)."""

    def __init__(self, name, func):
        self.name, self.func = name, func

    def __call__(self, *args):
        return self.func(*args)

    def __repr__(self):
        return self.name


def _strided(A):
    big = np.zeros((A.shape[0] * 2, A.shape[1] * 3), dtype=A.dtype)
    big[::2, ::3] = A
    return big[::2, ::3]


def _read_only(A):
    A = np.array(A)
    A.setflags(write=False)
    return A


def _with_duplicates(Y):
    rows, cols = np.nonzero(Y)
    return sp.coo_matrix(
        (np.ones(2 * rows.size), (np.r_[rows, rows], np.r_[cols, cols])), shape=Y.shape
    )


def _explicit_zeros(Y):
    M = sp.csr_matrix(Y.astype(np.float64))
    rows, cols = np.nonzero(~Y)
    if rows.size:
        M = sp.csr_matrix(
            (np.r_[M.tocoo().data, np.zeros(1)],
             (np.r_[M.tocoo().row, rows[:1]], np.r_[M.tocoo().col, cols[:1]])),
            shape=Y.shape,
        )
    return M


def _unsorted_csr(Y):
    M = sp.csr_matrix(Y.astype(np.int8))
    for i in range(M.shape[0]):
        lo, hi = M.indptr[i], M.indptr[i + 1]
        M.indices[lo:hi] = M.indices[lo:hi][::-1].copy()
    M.has_sorted_indices = False
    return M


def _object_rows(Y):
    rows = np.empty(Y.shape[0], dtype=object)
    for i, row in enumerate(_rows(Y)):
        rows[i] = row
    return rows


def _first_row_with(Y, given=True):
    rows = np.flatnonzero(Y.any(axis=1) if given else (~Y).any(axis=1))
    return int(rows[-1])


def _set(rows, i, value):
    rows = [list(r) for r in rows]
    rows[i] = value
    return rows


def _append_to_row(Y, value):
    rows = _rows(Y)
    i = _first_row_with(Y)
    rows[i] = rows[i] + [value]
    return rows


def _dense_with(Y, value, dtype=np.float64):
    A = Y.astype(dtype)
    A[_first_row_with(Y), 0] = value
    return A


def _sparse_with(Y, value):
    M = sp.lil_matrix(Y.astype(np.float64))
    M[_first_row_with(Y), 0] = value
    return M.tocsr()


def _labels_valid():
    v = [
        Variant("list", lambda Y, r: _rows(Y)),
        Variant("list-of-numpy-ints",
                lambda Y, r: [[np.int64(j) for j in row] for row in _rows(Y)]),
        Variant("list-of-uint8-ints",
                lambda Y, r: [[np.uint8(j) for j in row] for row in _rows(Y)]),
        Variant("list-of-tuples", lambda Y, r: [tuple(row) for row in _rows(Y)]),
        Variant("tuple-of-lists", lambda Y, r: tuple(_rows(Y))),
        Variant("list-of-arrays", lambda Y, r: [np.flatnonzero(row) for row in Y]),
        Variant("list-duplicates-unsorted", lambda Y, r: [row[::-1] * 2 for row in _rows(Y)]),
        Variant("object-array-of-lists", lambda Y, r: _object_rows(Y)),
        Variant("dense-bool", lambda Y, r: Y.copy()),
        Variant("dense-int8", lambda Y, r: Y.astype(np.int8)),
        Variant("dense-int64", lambda Y, r: Y.astype(np.int64)),
        Variant("dense-uint8", lambda Y, r: Y.astype(np.uint8)),
        Variant("dense-float64", lambda Y, r: Y.astype(np.float64)),
        Variant("dense-float32", lambda Y, r: Y.astype(np.float32)),
        Variant("dense-big-endian-int", lambda Y, r: Y.astype(">i4")),
        Variant("dense-big-endian-float", lambda Y, r: Y.astype(">f8")),
        Variant("dense-fortran", lambda Y, r: np.asfortranarray(Y.astype(np.int64))),
        Variant("dense-strided", lambda Y, r: _strided(Y.astype(np.int64))),
        Variant("dense-read-only", lambda Y, r: _read_only(Y)),
        Variant("sparse-csr", lambda Y, r: sp.csr_matrix(Y)),
        Variant("sparse-csr-float", lambda Y, r: sp.csr_matrix(Y.astype(np.float64))),
        Variant("sparse-csr-int8-unsorted", lambda Y, r: _unsorted_csr(Y)),
        Variant("sparse-csr-explicit-zero", lambda Y, r: _explicit_zeros(Y)),
        Variant("sparse-csc", lambda Y, r: sp.csc_matrix(Y.astype(np.int64))),
        Variant("sparse-coo", lambda Y, r: sp.coo_matrix(Y.astype(np.int32))),
        Variant("sparse-coo-duplicates", lambda Y, r: _with_duplicates(Y)),
        Variant("sparse-dok", lambda Y, r: sp.dok_matrix(Y.astype(np.float64))),
        Variant("sparse-lil", lambda Y, r: sp.lil_matrix(Y.astype(np.int64))),
        Variant("sparse-bsr", lambda Y, r: sp.bsr_matrix(Y.astype(np.float64))),
        Variant("sparse-dia", lambda Y, r: sp.dia_matrix(Y.astype(np.float64))),
        Variant("sparse-csr-array", lambda Y, r: sp.csr_array(Y)),
        Variant("sparse-coo-array", lambda Y, r: sp.coo_array(Y.astype(np.float64))),
    ]
    if pd is not None:
        v += [
            Variant("pandas-bool", lambda Y, r: pd.DataFrame(Y)),
            Variant("pandas-int-named", lambda Y, r: pd.DataFrame(
                Y.astype(int), columns=[f"c{j}" for j in range(Y.shape[1])],
                index=np.arange(Y.shape[0]) * 10 + 3)),
            Variant("pandas-Int64", lambda Y, r: pd.DataFrame(Y.astype(int)).astype("Int64")),
            Variant("pandas-UInt8", lambda Y, r: pd.DataFrame(Y.astype(int)).astype("UInt8")),
            Variant("pandas-boolean", lambda Y, r: pd.DataFrame(Y).astype("boolean")),
            Variant("pandas-convert-dtypes",
                    lambda Y, r: pd.DataFrame(Y.astype(int)).convert_dtypes()),
        ]
    return [Variant(x.name, (lambda f: lambda Y, r: (f(Y, r), Y))(x.func)) for x in v]


def _labels_invalid():
    v = [
        Variant("list-float-index", lambda Y, r: _append_to_row(Y, 0.5)),
        Variant("list-float-integral-index", lambda Y, r: _append_to_row(Y, 1.0)),
        Variant("list-bool-after-int", lambda Y, r: _append_to_row(Y, True)),
        Variant("list-bool-row", lambda Y, r: _set(_rows(Y), 0, [True])),
        Variant("list-numpy-bool-after-int", lambda Y, r: _append_to_row(Y, np.True_)),
        Variant("list-nan", lambda Y, r: _append_to_row(Y, float("nan"))),
        Variant("list-negative", lambda Y, r: _append_to_row(Y, -1)),
        Variant("list-too-large", lambda Y, r: _append_to_row(Y, Y.shape[1])),
        Variant("list-huge", lambda Y, r: _append_to_row(Y, 2**70)),
        Variant("list-str-index", lambda Y, r: _append_to_row(Y, "0")),
        Variant("list-none-index", lambda Y, r: _append_to_row(Y, None)),
        Variant("list-nested", lambda Y, r: _append_to_row(Y, [0])),
        Variant("row-bytes", lambda Y, r: _set(_rows(Y), 1, b"\x00")),
        Variant("row-bytearray", lambda Y, r: _set(_rows(Y), 1, bytearray(b"\x00"))),
        Variant("row-dict", lambda Y, r: _set(_rows(Y), 1, {0: 1})),
        Variant("row-set", lambda Y, r: _set(_rows(Y), 1, {0})),
        Variant("row-str", lambda Y, r: _set(_rows(Y), 1, "0")),
        Variant("row-int", lambda Y, r: _set(_rows(Y), 1, 0)),
        Variant("row-none", lambda Y, r: _set(_rows(Y), 1, None)),
        Variant("list-too-few-rows", lambda Y, r: _rows(Y)[:-1]),
        Variant("dense-two", lambda Y, r: _dense_with(Y, 2)),
        Variant("dense-minus-one", lambda Y, r: _dense_with(Y, -1, np.int64)),
        Variant("dense-half", lambda Y, r: _dense_with(Y, 0.5)),
        Variant("dense-nan", lambda Y, r: _dense_with(Y, np.nan)),
        Variant("dense-inf", lambda Y, r: _dense_with(Y, np.inf)),
        Variant("dense-complex", lambda Y, r: Y.astype(np.complex128)),
        Variant("dense-str", lambda Y, r: Y.astype(int).astype(str)),
        Variant("dense-datetime", lambda Y, r: Y.astype("datetime64[s]")),
        Variant("dense-1d", lambda Y, r: Y[:, 0].astype(int)),
        Variant("dense-3d", lambda Y, r: Y[:, :, None]),
        Variant("dense-extra-column", lambda Y, r: np.c_[Y, Y[:, :1]]),
        Variant("dense-extra-row", lambda Y, r: np.r_[Y, Y[:1]]),
        Variant("sparse-two", lambda Y, r: _sparse_with(Y, 2.0)),
        Variant("sparse-nan", lambda Y, r: _sparse_with(Y, np.nan)),
        Variant("sparse-minus-one", lambda Y, r: _sparse_with(Y, -1.0)),
        Variant("sparse-complex", lambda Y, r: sp.csr_matrix(Y.astype(np.complex128))),
        Variant("sparse-extra-column", lambda Y, r: sp.csr_matrix(np.c_[Y, Y[:, :1]])),
        Variant("none", lambda Y, r: None),
        Variant("scalar", lambda Y, r: 3),
        Variant("string", lambda Y, r: "0;1"),
    ]
    if pd is not None:
        def with_na(Y, r):
            df = pd.DataFrame(Y).astype("boolean")
            column = pd.array(Y[:, 0], dtype="boolean")
            column[_first_row_with(Y)] = pd.NA
            df[df.columns[0]] = column
            return df
        v.append(Variant("pandas-boolean-NA", with_na))
    return [Variant(x.name, (lambda f: lambda Y, r: (f(Y, r), None))(x.func)) for x in v]


LABELS_VALID = _labels_valid()
LABELS_INVALID = _labels_invalid()


def _p(func, clean=lambda P: P):
    return lambda P, r: (func(P), clean(P))


def _p_at(P, value, dtype=None):
    A = P.astype(dtype or P.dtype)
    A[-1, -1] = value
    return A


def _pred_probs_valid():
    v = [
        Variant("float64", _p(lambda P: P.copy())),
        Variant("float32", _p(lambda P: P.astype(np.float32),
                              lambda P: P.astype(np.float32))),
        Variant("float16", _p(lambda P: P.astype(np.float16),
                              lambda P: P.astype(np.float16).astype(np.float64))),
        Variant("longdouble", _p(lambda P: P.astype(np.longdouble))),
        Variant("big-endian-float64", _p(lambda P: P.astype(">f8"))),
        Variant("big-endian-float32", _p(lambda P: P.astype(">f4"),
                                         lambda P: P.astype(np.float32))),
        Variant("fortran", _p(lambda P: np.asfortranarray(P))),
        Variant("strided", _p(_strided)),
        Variant("read-only", _p(_read_only)),
        Variant("list-of-lists", _p(lambda P: P.tolist())),
        Variant("tuple-of-tuples", _p(lambda P: tuple(map(tuple, P.tolist())))),
        Variant("list-of-arrays", _p(lambda P: list(P))),
        Variant("zero-one-int", _p(lambda P: (P > 0.5).astype(np.int64),
                                   lambda P: (P > 0.5).astype(np.float64))),
        Variant("zero-one-bool", _p(lambda P: P > 0.5, lambda P: (P > 0.5).astype(np.float64))),
        Variant("zero-one-big-endian-int", _p(lambda P: (P > 0.5).astype(">i2"),
                                              lambda P: (P > 0.5).astype(np.float64))),
        # Sparse predictions: the entries not stored are 0 (the contract of the tests
        # reads a sparse result densified, or an error naming pred_probs as sparse
        # where an entry point needs dense predictions).
        Variant("sparse-csr", _p(lambda P: sp.csr_matrix(P))),
        Variant("sparse-coo", _p(lambda P: sp.coo_matrix(P))),
        Variant("sparse-csr-array-float32", _p(lambda P: sp.csr_array(P.astype(np.float32)),
                                               lambda P: P.astype(np.float32))),
    ]
    if pd is not None:
        v += [
            Variant("pandas-float64", _p(lambda P: pd.DataFrame(P))),
            Variant("pandas-float32", _p(lambda P: pd.DataFrame(P.astype(np.float32)),
                                         lambda P: P.astype(np.float32))),
            Variant("pandas-Float64", _p(lambda P: pd.DataFrame(P).astype("Float64"))),
            Variant("pandas-convert-dtypes", _p(lambda P: pd.DataFrame(P).convert_dtypes())),
        ]
    return v


def _pred_probs_invalid():
    v = [
        Variant("nan", lambda P: _p_at(P, np.nan)),
        Variant("inf", lambda P: _p_at(P, np.inf)),
        Variant("minus-inf", lambda P: _p_at(P, -np.inf)),
        Variant("tiny-negative", lambda P: _p_at(P, -1e-300)),
        Variant("just-above-one", lambda P: _p_at(P, 1.0000000000000002)),
        Variant("two", lambda P: _p_at(P, 2.0)),
        Variant("float32-nan", lambda P: _p_at(P, np.nan, np.float32)),
        Variant("int-two", lambda P: _p_at((P > 0.5).astype(np.int64), 2)),
        Variant("complex", lambda P: P.astype(np.complex128)),
        Variant("str", lambda P: P.astype(str)),
        Variant("object-none", lambda P: _p_at(P.astype(object), None)),
        Variant("datetime", lambda P: (P * 100).astype("datetime64[s]")),
        Variant("sparse-nan", lambda P: sp.csr_matrix(_p_at(P, np.nan))),
        Variant("sparse-two", lambda P: sp.coo_matrix(_p_at(P, 2.0))),
        Variant("sparse-duplicates", lambda P: sp.csr_matrix(
            (np.r_[P[0], P[0]], np.r_[np.arange(P.shape[1]), np.arange(P.shape[1])],
             np.r_[0, np.full(P.shape[0], 2 * P.shape[1])]), shape=P.shape)),
        Variant("1d", lambda P: P[:, 0].copy()),
        Variant("3d", lambda P: P[:, :, None]),
        Variant("no-columns", lambda P: P[:, :0]),
        Variant("ragged-list", lambda P: P.tolist()[:-1] + [P[-1].tolist() + [0.5]]),
        Variant("extra-row", lambda P: np.r_[P, P[:1]]),
        Variant("extra-column", lambda P: np.c_[P, P[:, :1]]),
        Variant("none", lambda P: None),
        Variant("scalar", lambda P: 0.5),
    ]
    if pd is not None:
        def with_na(P):
            df = pd.DataFrame(P).astype("Float64")
            column = pd.array(P[:, -1], dtype="Float64")
            column[-1] = pd.NA
            df[df.columns[-1]] = column
            return df
        v.append(Variant("pandas-Float64-NA", with_na))
    return [Variant(x.name, (lambda f: lambda P, r: (f(P), None))(x.func)) for x in v]


PRED_PROBS_VALID = _pred_probs_valid()
PRED_PROBS_INVALID = _pred_probs_invalid()

labels_variants = st.sampled_from(LABELS_VALID + LABELS_INVALID)
pred_probs_variants = st.sampled_from(PRED_PROBS_VALID + PRED_PROBS_INVALID)


class _Opaque:
    """An object of no accepted type (its repr is stable)."""

    def __repr__(self):
        return "<opaque>"


# Option values of every type: accepted ones, near misses and nonsense.
HOSTILE_VALUES = [
    None, True, False, np.True_, 0, 1, 2, -1, 2**70, -(2**70), 0.0, -0.0, 0.5, 1.0, 1.5,
    5e-324, 1e-300, 1 - 2**-53, 1e308, float("nan"), float("inf"), -float("inf"),
    np.float32(0.5), np.float64(0.25), np.int8(1), np.uint64(2**63), np.array(0.5),
    np.array([0.5]), 1 + 0j, "", "0.5", "self_confidence", "both", b"x", [], [0.5], (), {},
    {"method": "softmin"}, _Opaque(), len,
]
hostile_values = st.sampled_from(HOSTILE_VALUES)
