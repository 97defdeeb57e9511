"""The install README shows first, simulated in-process: the optional dependencies
are made unimportable, and every documented path still works or names its extra.

CI also runs the real thing (``.ci/run``'s minimal environment: a bare
``pip install .`` running README's Quickstart, every command and the tests).
"""

import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from ._contract import list_dir, run_cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_matplotlib(monkeypatch):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)


@pytest.fixture
def inputs(tmp_path):
    rng = np.random.default_rng(0)
    np.save(tmp_path / "y.npy", rng.random((40, 3)) < 0.4)
    np.save(tmp_path / "p.npy", rng.random((40, 3)))
    return tmp_path


def test_pandas_is_a_dependency_and_its_extra_still_installs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(req.startswith("pandas") for req in project["dependencies"])
    assert project["optional-dependencies"]["pandas"] == []


def test_score_html_without_matplotlib_says_what_is_missing(no_matplotlib, inputs):
    code, out, err = run_cli(["score", "--labels", "y.npy", "--pred-probs", "p.npy",
                              "--html", "r.html", "-o", "o.csv"], inputs)
    assert code == 0, err
    line = next(line for line in out.splitlines() if "HTML audit report" in line)
    assert "no figures" in line and 'pip install "skmlq[plot]"' in line
    assert "summary, figures" not in out
    page = (inputs / "r.html").read_text(encoding="utf-8")
    assert "<img" not in page and "skmlq[plot]" in page
    assert list_dir(inputs) == ["o.csv", "p.npy", "r.html", "y.npy"]


def test_score_html_with_matplotlib_has_figures(inputs):
    pytest.importorskip("matplotlib")
    code, out, err = run_cli(["score", "--labels", "y.npy", "--pred-probs", "p.npy",
                              "--html", "r.html"], inputs)
    assert code == 0, err
    assert "summary; figures)" in out
    assert "<img" in (inputs / "r.html").read_text(encoding="utf-8")


def test_audit_report_without_matplotlib_warns_naming_the_extra(no_matplotlib, tmp_path):
    from skmlq import MultilabelLabelQuality

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    Y = (X[:, :2] + rng.normal(0, 0.5, (60, 2))) > 0
    mlq = MultilabelLabelQuality(cv=3, random_state=0).fit(X, Y)
    with pytest.warns(UserWarning, match=r'no figures: .*pip install "skmlq\[plot\]"'):
        mlq.audit_report(tmp_path / "a.html")
    assert "<img" not in (tmp_path / "a.html").read_text(encoding="utf-8")
