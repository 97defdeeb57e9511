"""
Scale out: memory-mapped files and dask
=======================================

The same scores at any size. Probabilities larger than RAM are scored from a
memory-mapped ``.npy`` file in row blocks; dask arrays chunked by rows give lazy
results; and joblib's dask backend sends the estimator's cross-fitting folds to a
cluster. Here everything runs on one machine (an in-process dask cluster), with
data small enough for a documentation build; the calls are those you would use
on a cluster (``pip install "skmlq[dask]"``).
"""

# %%
# Probabilities on disk
# ---------------------
# 500,000 examples x 50 classes of float32 (100 MB): written to a temporary
# ``.npy`` file and scored through ``np.load(..., mmap_mode="r")``, which reads the
# file block by block instead of loading it.
import os
import tempfile
import time

import numpy as np
import scipy.sparse as sp

from skmlq.rank import get_label_quality_scores

rng = np.random.default_rng(0)
n_samples, n_classes = 500_000, 50
truth = rng.random((n_samples, n_classes), dtype=np.float32) < 0.06
pred_probs = np.where(truth, rng.beta(6, 2, truth.shape), rng.beta(1, 10, truth.shape))
pred_probs = pred_probs.astype(np.float32)
labels = sp.csr_matrix(truth)  # large label sets are best a sparse indicator

tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "pred_probs.npy")
np.save(path, pred_probs)
on_disk = np.load(path, mmap_mode="r")
start = time.perf_counter()
scores = get_label_quality_scores(labels, on_disk, adjust_pred_probs=True)
seconds = time.perf_counter() - start
in_memory = get_label_quality_scores(labels, pred_probs, adjust_pred_probs=True)
print(f"scored {n_samples:,} x {n_classes} from disk in {seconds:.2f} s; "
      f"same as in memory: {np.array_equal(scores, in_memory)}")
del on_disk
os.remove(path)
os.rmdir(tmp)

# %%
# dask arrays: a lazy result
# --------------------------
# Chunks hold whole rows (every class of an example in one chunk). The result is
# a lazy dask array; ``compute`` runs it on the active scheduler.
import dask.array as da

P = da.from_array(pred_probs, chunks=(100_000, n_classes))
Y = da.from_array(truth, chunks=(100_000, n_classes))
lazy = get_label_quality_scores(Y, P, adjust_pred_probs=True)
print(type(lazy).__name__, lazy.chunks[0])
dask_scores = lazy.compute()
# float32 in, float32 out: the chunks round at float32 precision.
print("largest difference from numpy:", float(np.abs(dask_scores - scores).max()))

# %%
# Cross-fitting on a cluster
# --------------------------
# ``MultilabelLabelQuality.fit`` fits its folds through joblib: inside
# ``joblib.parallel_backend("dask")`` they run on the dask cluster of the active
# client. Replace ``Client(processes=False)`` (a cluster in this process) by
# ``Client("tcp://scheduler:8786")`` for a real one; the workers need the same
# versions of skmlq, scikit-learn and the classifier's package.
import joblib
from distributed import Client
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from skmlq import MultilabelLabelQuality
from skmlq.datasets import load_yeast

X, Y_yeast = load_yeast(return_X_y=True)
model = OneVsRestClassifier(LogisticRegression(solver="liblinear"))
with Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None):
    with joblib.parallel_backend("dask"):
        on_cluster = MultilabelLabelQuality(model, cv=5, n_jobs=-1, random_state=0,
                                            refit=False).fit(X, Y_yeast)
local = MultilabelLabelQuality(model, cv=5, random_state=0, refit=False).fit(X, Y_yeast)
print("same scores as n_jobs=1:",
      np.allclose(on_cluster.label_quality_scores_, local.label_quality_scores_))
