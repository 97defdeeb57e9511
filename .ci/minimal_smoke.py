"""The minimal install's smoke run: README's Quickstart and every command, as a user
of a bare ``pip install .`` (numpy, scipy, scikit-learn, pandas) would run them.

The Quickstart's code blocks are read from README.md, so the two cannot drift
apart; the data come from ``skmlq.datasets``, reached through ``import skmlq`` as
the README says. Everything runs in a temporary directory. Any failure, and any
exit code other than 0, fails CI.
"""

import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def quickstart_blocks():
    """The ```python blocks of README.md's Quickstart section."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    if len(blocks) < 2:
        sys.exit("README.md's Quickstart has fewer than two python blocks")
    return blocks


def run_quickstart():
    import skmlq

    X, tags = skmlq.datasets.load_yeast(return_X_y=True)
    X, tags = X[:400], tags[:400]
    first, second = quickstart_blocks()[:2]
    namespace = {"X": X, "tags": tags}
    print("+ README Quickstart (yeast, 400 rows)", flush=True)
    exec(compile(first, "README.md Quickstart", "exec"), namespace)
    labels = namespace["mlq"]._fit_labels
    exec(compile(second, "README.md Quickstart (functional)", "exec"),
         {"labels": labels, "pred_probs": namespace["mlq"].pred_probs_})


def skmlq(*args):
    command = [sys.executable, "-m", "skmlq", *args]
    print("+ skmlq " + " ".join(args), flush=True)
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"skmlq {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n"
                 f"{proc.stderr}")
    return proc


def run_commands():
    rng = np.random.default_rng(0)
    Y = rng.random((300, 4)) < 0.3
    P = np.clip(Y + rng.normal(0, 0.3, Y.shape), 0.01, 0.99)
    np.save("labels.npy", Y)
    np.save("pred_probs.npy", P)
    with open("data.csv", "w", encoding="utf-8") as fh:
        fh.write("f1,f2,labels\n")
        for x, y in zip(P, Y):
            tags = ";".join(f"c{k}" for k in np.flatnonzero(y))
            fh.write(f"{x[0]:.4f},{x[1]:.4f},{tags}\n")
    skmlq("--version")
    skmlq("demo")
    proc = skmlq("score", "--labels", "labels.npy", "--pred-probs", "pred_probs.npy",
                 "-o", "scores.csv", "--review", "review_npy.csv", "--write-labels",
                 "cleaned.npy", "--html", "score.html")
    if "pip install" in proc.stdout and "skmlq[plot]" not in proc.stdout:
        sys.exit(f"skmlq score printed an install hint that names no extra:\n{proc.stdout}")
    skmlq("audit", "data.csv", "--cv", "3", "-o", "audit.csv", "--review", "review_audit.csv",
          "--html", "audit_cli.html")  # the Quickstart wrote audit.html
    with open("review_audit.csv", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    accepted = [lines[0]] + [line + "accept" for line in lines[1:]]
    with open("review_audit.csv", "w", encoding="utf-8") as fh:
        fh.write("\n".join(accepted) + "\n")
    skmlq("apply", "--labels", "data.csv", "--review", "review_audit.csv", "-o", "cleaned.csv")
    skmlq("apply", "--labels", "cleaned.csv", "--review", "review_audit.csv", "-o", "again.csv")
    with open("cleaned.csv", "rb") as a, open("again.csv", "rb") as b:
        if a.read() != b.read():
            sys.exit("applying the same review twice changed the labels again")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        run_quickstart()
        run_commands()
    print("minimal install: the Quickstart and every command ran", flush=True)


if __name__ == "__main__":
    main()
