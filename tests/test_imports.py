"""``import skmlq`` and ``skmlq --help`` stay light: nothing heavy is imported up front."""

import subprocess
import sys

import pytest

HEAVY = ("sklearn", "scipy", "numpy", "pandas")

LIGHT = [
    "import skmlq",
    "from skmlq.cli import main; main(['--help'])",
    "from skmlq.cli import main; main(['--version'])",
    "from skmlq.cli import main; main(['score', '--help'])",
]
FIRST_USE = "import skmlq; skmlq.MultilabelLabelQuality"
SUBPACKAGES = ["datasets", "report", "rank", "filter", "plotting"]


def _subpackage_code(name):
    return f"import skmlq, sys; m = skmlq.{name}; assert m is sys.modules['skmlq.{name}']"


def _start(code):
    probe = (f"{code}\nimport sys\n"
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)")
    return subprocess.Popen([sys.executable, "-c", probe], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def probes():
    """Every probe's fresh process, all started at once: each needs its own process
    (a module imported once stays imported), most import scikit-learn (seconds each on
    a busy machine), and they run side by side while the tests wait for them."""
    codes = LIGHT + [FIRST_USE] + [_subpackage_code(name) for name in SUBPACKAGES]
    started = {code: _start(code) for code in codes}
    yield started
    for proc in started.values():
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _loaded(probes, code):
    """The heavy modules that ``code`` left imported in its fresh process."""
    proc = probes[code]
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    assert proc.returncode == 0, err
    return err.split()


@pytest.mark.parametrize("code", LIGHT)
def test_nothing_heavy_is_imported(code, probes):
    assert _loaded(probes, code) == []


def test_public_names_load_on_first_use(probes):
    import skmlq

    assert "MultilabelLabelQuality" in dir(skmlq)
    assert skmlq.MultilabelLabelQuality.__name__ == "MultilabelLabelQuality"
    assert callable(skmlq.get_label_quality_scores)
    assert _loaded(probes, FIRST_USE)[:1] == ["sklearn"]
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        skmlq.nope


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_subpackages_load_on_first_use(name, probes):
    # ``import skmlq`` then ``skmlq.datasets.load_yeast()``, as the README shows.
    assert name in dir(__import__("skmlq"))
    assert _loaded(probes, _subpackage_code(name)) != []
