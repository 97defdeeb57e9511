"""Small input files for the command-line tests (written into pytest's tmp_path)."""

import csv
import json

import numpy as np

NAMES = ["cat", "dog", "bird", "fish"]


def make_case(seed=0, n=40, k=4):
    """A seeded (Y, P) pair: bool indicator and float64 probabilities."""
    rng = np.random.default_rng(seed)
    Y = rng.random((n, k)) < 0.35
    P = np.clip(np.where(Y, 0.75, 0.2) + rng.normal(0, 0.2, (n, k)), 0, 1)
    P[::7] = 1 - P[::7]  # some clearly disagreeing rows
    return Y, P


def write_labels_csv(path, Y, names=None, sep=";", column="labels", delimiter=","):
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(["id", column])
        for i, row in enumerate(Y):
            tokens = [names[j] if names else str(j) for j in np.flatnonzero(row)]
            writer.writerow([i, sep.join(tokens)])


def write_labels_jsonl(path, Y, names=None):
    with open(path, "w") as fh:
        for row in Y:
            idx = np.flatnonzero(row).tolist()
            fh.write(json.dumps([names[j] for j in idx] if names else idx) + "\n")


def write_probs_csv(path, P, names=None):
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        if names:
            writer.writerow(names)
        writer.writerows([repr(float(v)) for v in row] for row in P)


def read_output(path):
    """The output CSV as (header, rows as lists of str)."""
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]
