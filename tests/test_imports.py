"""``import skmlq`` and ``skmlq --help`` stay light: nothing heavy is imported up front."""

import subprocess
import sys

import pytest

HEAVY = ("sklearn", "scipy", "numpy", "pandas")


def _loaded(code):
    probe = (f"{code}\nimport sys\n"
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stderr.split()


@pytest.mark.parametrize("code", [
    "import skmlq",
    "from skmlq.cli import main; main(['--help'])",
    "from skmlq.cli import main; main(['--version'])",
    "from skmlq.cli import main; main(['score', '--help'])",
])
def test_nothing_heavy_is_imported(code):
    assert _loaded(code) == []


def test_public_names_load_on_first_use():
    import skmlq

    assert "MultilabelLabelQuality" in dir(skmlq)
    assert skmlq.MultilabelLabelQuality.__name__ == "MultilabelLabelQuality"
    assert callable(skmlq.get_label_quality_scores)
    assert _loaded("import skmlq; skmlq.MultilabelLabelQuality")[:1] == ["sklearn"]
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        skmlq.nope


@pytest.mark.parametrize("name", ["datasets", "report", "rank", "filter", "plotting"])
def test_subpackages_load_on_first_use(name):
    # ``import skmlq`` then ``skmlq.datasets.load_yeast()``, as the README shows.
    # One process per subpackage (each imports scikit-learn, seconds on a busy machine).
    assert name in dir(__import__("skmlq"))
    code = f"import skmlq, sys; m = skmlq.{name}; assert m is sys.modules['skmlq.{name}']"
    assert _loaded(code) != []
