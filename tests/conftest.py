import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from threadpoolctl import threadpool_limits

# The test data are small: multi-threaded BLAS only adds contention (lbfgs fits ran
# ~40x slower with two BLAS threads beside pytest on two cores).
threadpool_limits(1)

# Deterministic property tests: the same examples on every run and every machine.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
# SKMLQ_HYPOTHESIS_PROFILE=fuzz: a long, randomised search (new examples on every run,
# failures kept in .hypothesis/ and replayed first), e.g. before a release.
settings.register_profile(
    "fuzz",
    derandomize=False,
    deadline=None,
    max_examples=2000,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
# SKMLQ_HYPOTHESIS_PROFILE=quick: the same deterministic search, shorter; for a second
# run of the suite in another environment (CI's minimal install), where the full
# profile has already run once.
settings.register_profile(
    "quick",
    derandomize=True,
    deadline=None,
    max_examples=10,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("SKMLQ_HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng():
    return np.random.default_rng(0)
