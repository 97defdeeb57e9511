import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skmlq.utils._row_mask import RowMask


@given(arrays(bool, st.tuples(st.integers(0, 30), st.integers(0, 6))), st.integers(1, 9),
       st.data())
def test_reads_as_the_dense_mask(dense, step, data):
    blocks = [(s, dense[s:s + step]) for s in range(0, dense.shape[0], step)]
    mask = RowMask.from_blocks(blocks, dense.shape)
    assert mask.shape == dense.shape and mask.nnz == np.count_nonzero(dense)
    np.testing.assert_array_equal(np.asarray(mask), dense)
    rows = np.sort(data.draw(st.lists(st.integers(0, max(dense.shape[0] - 1, 0)),
                                      max_size=dense.shape[0] and 10)))
    rows = np.asarray(rows, dtype=np.intp)
    np.testing.assert_array_equal(mask[rows], dense[rows])
    np.testing.assert_array_equal(mask[2:7], dense[2:7])
    for axis in (0, 1):
        np.testing.assert_array_equal(mask.any(axis=axis), dense.any(axis=axis))
        np.testing.assert_array_equal(mask.sum(axis=axis), dense.sum(axis=axis))
    assert mask.any() == dense.any() and mask.sum() == dense.sum()
    np.testing.assert_array_equal(RowMask(dense)[rows], dense[rows])
