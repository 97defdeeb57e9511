"""The model ``skmlq audit`` picks for its features."""

import numpy as np
import scipy.sparse as sp

from skmlq.cli._models import MAX_COMPONENTS, audit_model, numeric_features


def test_mostly_zero_numeric_columns_stay_sparse():
    X = np.zeros((50, 40))
    X[::7, ::3] = 1.0
    Xs, kind = numeric_features(X)
    assert kind == "sparse" and sp.issparse(Xs) and (Xs.toarray() == X).all()
    X[0, 0] = np.nan  # missing values need imputing: dense
    assert numeric_features(X)[1] == "dense"
    assert numeric_features(np.ones((5, 3)))[1] == "dense"


def test_solver_suits_the_features():
    text, _ = audit_model("text", 100)
    assert text[-1].estimator.solver == "liblinear"
    sparse, _ = audit_model("sparse", 100, 5000)
    assert type(sparse[0]).__name__ == "MaxAbsScaler"
    narrow, description = audit_model("dense", 1000, 50)
    assert narrow[-1].estimator.solver == "lbfgs" and "lbfgs" in description
    wide, description = audit_model("dense", 1000, 1836, cv=5)
    assert wide[2].n_components == MAX_COMPONENTS and wide[-1].estimator.solver == "liblinear"
    assert audit_model("dense", 60, 1836, cv=3)[0][2].n_components == 20  # half of 40
