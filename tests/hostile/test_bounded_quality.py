"""``skmlq score``'s model quality comes from bounded summaries (histograms filled in
row blocks): it agrees with the exact per-class scores within the bound it states,
exactly when the probabilities fall on bin edges, for any data."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from skmlq.report._summary import model_quality_binned, model_quality_scores

from ._contract import count_input, fuzz_settings


@st.composite
def quality_cases(draw):
    n = draw(st.integers(2, 300))
    k = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    Y = rng.random((n, k)) < draw(st.sampled_from([0.05, 0.3, 0.7]))
    kind = draw(st.sampled_from(["grid", "noisy", "ties", "edges"]))
    if kind == "grid":  # on bin edges: every bin holds one value, the scores are exact
        P = rng.integers(0, 64, (n, k)) / 64
    elif kind == "ties":
        P = rng.choice([0.0, 0.25, 0.5, 1.0], (n, k))
    elif kind == "edges":
        P = rng.choice([0.0, 1.0, 5e-324, 1 - 2**-53], (n, k))
    else:
        P = np.clip(np.where(Y, 0.6, 0.4) + rng.normal(0, 0.3, (n, k)), 0, 1)
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return Y, P.astype(dtype), kind


@fuzz_settings(1.0)
@given(quality_cases())
def test_binned_quality_within_its_bound(case):
    count_input("binned-quality")
    Y, P, kind = case
    n_given, ap, auc = model_quality_scores(Y, P)
    n_given2, ap2, auc2, bound = model_quality_binned(Y, P, n_bins=64)
    assert np.array_equal(n_given, n_given2)
    assert np.array_equal(np.isnan(ap), np.isnan(ap2))
    judged = ~np.isnan(auc)
    assert np.all(np.abs(auc - auc2)[judged] <= bound[judged] + 1e-12)
    if kind in ("grid", "ties"):
        np.testing.assert_allclose(ap2[judged], ap[judged], rtol=0, atol=1e-12)
        np.testing.assert_allclose(auc2[judged], auc[judged], rtol=0, atol=1e-12)


def test_memory_mapped_rows_are_read_in_blocks(tmp_path):
    rng = np.random.default_rng(0)
    Y = rng.random((5000, 3)) < 0.2
    P = np.lib.format.open_memmap(tmp_path / "p.npy", mode="w+", dtype=np.float32,
                                  shape=Y.shape)
    P[:] = np.clip(np.where(Y, 0.7, 0.3) + rng.normal(0, 0.2, Y.shape), 0, 1)
    exact = model_quality_scores(Y, np.asarray(P))
    binned = model_quality_binned(Y, np.load(tmp_path / "p.npy", mmap_mode="r"))
    assert np.all(np.abs(exact[2] - binned[2]) <= binned[3])
    assert np.all(np.abs(exact[1] - binned[1]) < 1e-3)
