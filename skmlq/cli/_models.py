"""The model ``skmlq audit`` fits, chosen from the kind of features.

One-vs-rest logistic regression throughout, with the solver and the scaling that
suit the features:

- text: TF-IDF, then liblinear (a coordinate-descent solver made for sparse,
  high-dimensional data; one small problem per class).
- numeric columns that are mostly zeros (counts, binary or one-hot indicators,
  no missing values): kept sparse and scaled by their largest absolute value
  (centring would make them dense), then liblinear as for text.
- other numeric columns: median imputation and standardisation, then lbfgs
  when there are fewer features than training examples. When there are more
  (wide dense data), the cost of every binary fit grows with the number of
  cells, so the standardised features are first projected on their leading
  principal components (at most 100, and half the training examples), then
  liblinear: one projection per fold instead of a wide problem per class.

liblinear penalises the intercept like a weight; ``intercept_scaling`` keeps that
penalty small so that rare classes keep their low base rate.
"""

import numpy as np
import scipy.sparse as sp

__all__ = ["MAX_COMPONENTS", "SPARSE_DENSITY", "audit_model", "numeric_features"]

#: Numeric features with at most this fraction of non-zero cells are modelled as
#: sparse.
SPARSE_DENSITY = 0.1
_INTERCEPT_SCALING = 10.0
#: Principal components kept for wide dense numeric features.
MAX_COMPONENTS = 100


def _liblinear():
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    return OneVsRestClassifier(LogisticRegression(
        solver="liblinear", intercept_scaling=_INTERCEPT_SCALING,
        max_iter=1000))


def numeric_features(X):
    """``(X, kind)``: a sparse CSR matrix and "sparse" for mostly-zero, NaN-free ``X``,
    else ``X`` and "dense"."""
    X = np.asarray(X, dtype=np.float64)
    if X.size and not np.isnan(X).any() and np.count_nonzero(X) <= SPARSE_DENSITY * X.size:
        return sp.csr_matrix(X), "sparse"
    return X, "dense"


def audit_model(kind, n_samples, n_features=None, cv=5):
    """``(estimator, description)`` for ``kind`` in {"text", "sparse", "dense"}."""
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MaxAbsScaler, StandardScaler

    if kind == "text":
        from sklearn.feature_extraction.text import TfidfVectorizer

        return (make_pipeline(TfidfVectorizer(sublinear_tf=True), _liblinear()),
                "TF-IDF + one-vs-rest logistic regression (liblinear)")
    if kind == "sparse":
        return (make_pipeline(MaxAbsScaler(), _liblinear()),
                "sparse, max-abs scaled + one-vs-rest logistic regression (liblinear)")
    n_train = n_samples - n_samples // cv
    steps = [SimpleImputer(strategy="median"), StandardScaler()]
    if n_features is not None and n_features > n_train:
        from sklearn.decomposition import PCA

        n_components = max(1, min(MAX_COMPONENTS, n_train // 2))
        steps.append(PCA(n_components, random_state=0))
        steps.append(_liblinear())
        description = (f"standardised, {n_components} principal components + one-vs-rest "
                       f"logistic regression (liblinear)")
    else:
        from .._estimator import default_estimator

        steps.append(default_estimator())
        description = "standardised + one-vs-rest logistic regression (lbfgs)"
    return make_pipeline(*steps), description
