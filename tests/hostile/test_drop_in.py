"""A drop-in accepts what the original accepts: options the original ignores on a path
are ignored there too, with a warning that says so."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ._contract import count_input, fuzz_settings

Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]] * 8)
P = np.clip(Y * 0.5 + 0.25 + np.linspace(-0.2, 0.2, 32)[:, None], 0, 1)

ANY = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3),
                st.floats(allow_nan=True))


@fuzz_settings(0.3)
@given(st.dictionaries(st.sampled_from(["adjust_pred_probs", "other", "method"]), ANY,
                       min_size=1, max_size=2))
def test_rank_by_kwargs_is_ignored_with_low_memory(rank_by_kwargs):
    from skmlq.filter import find_label_issues

    count_input("rank_by_kwargs")
    expected = find_label_issues(Y, P, low_memory=True)
    with pytest.warns(UserWarning, match="`rank_by_kwargs` is not used when `low_memory=True`"):
        got = find_label_issues(Y, P, low_memory=True, rank_by_kwargs=rank_by_kwargs)
    assert np.array_equal(got, expected)


def test_rank_by_kwargs_is_still_checked_where_it_is_used():
    from skmlq.filter import find_label_issues

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        find_label_issues(Y, P, low_memory=True, rank_by_kwargs={})
    with pytest.raises(TypeError, match="adjust_pred_probs"):
        find_label_issues(Y, P, rank_by_kwargs={"adjust_pred_probs": None})
