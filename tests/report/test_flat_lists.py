import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from skmlq.report._flat import FlatLists

NAMES = st.lists(st.text(max_size=4), min_size=1, max_size=6, unique=True)


@given(NAMES, st.lists(st.lists(st.integers(0, 5), max_size=4), max_size=12),
       st.sampled_from([";", "|", ", ", ""]), st.data())
def test_joined_is_the_join_of_every_row(names, rows, sep, data):
    rows = [[v % len(names) for v in row] for row in rows]
    offsets = np.cumsum([0] + [len(r) for r in rows])
    values = np.array([v for r in rows for v in r], dtype=np.int64)
    lists = FlatLists.from_offsets(offsets, values, names)
    order = data.draw(st.permutations(range(len(rows))))
    lists = lists.take(np.asarray(order, dtype=np.int64))
    expected = [sep.join(names[v] for v in rows[i]) for i in order]
    assert lists.joined(sep) == expected
    plain = FlatLists.from_offsets(offsets, values)  # values without categories
    assert plain.take(np.asarray(order, dtype=np.int64)).joined(sep) == [
        sep.join(str(v) for v in rows[i]) for i in order]
