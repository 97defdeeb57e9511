"""Small long-form issue reports for the HTML report tests, hostile strings included."""

import html
import json
import re

import numpy as np

HOSTILE_CLASS = "<script>window.__pwned = 1</script>"
HOSTILE_TEXT = '<img src="https://example.invalid/x.png" onerror="window.__pwned = 2">'
CLASSES = ["alpha", "beta", HOSTILE_CLASS, "a \"quoted\" & <b>bold</b> class", "epsilon"]


def make_report(n_samples=300, seed=0, with_proba=False):
    """A seeded report in the long form: random annotations, suspects and scores."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    n_classes = len(CLASSES)
    given = rng.random((n_samples, n_classes)) < 0.35
    suspect = rng.random((n_samples, n_classes)) < 0.08
    scores = rng.random((n_samples, n_classes))
    quality = rng.random(n_samples)
    names = np.array(CLASSES, dtype=object)

    def lists(mask):
        return [names[row].tolist() for row in mask]

    columns = {"label_quality": quality}
    if with_proba:
        columns["error_proba"] = 1.0 - quality ** 2
    columns.update({
        "flagged": suspect.any(axis=1),
        "given": lists(given),
        "to_remove": lists(suspect & given),
        "to_add": lists(suspect & ~given),
        "suggested": lists(given ^ suspect),
        "to_remove_scores": [scores[i, m].tolist() for i, m in enumerate(suspect & given)],
        "to_add_scores": [scores[i, m].tolist() for i, m in enumerate(suspect & ~given)],
    })
    report = pd.DataFrame(columns)
    return report.iloc[np.argsort(quality, kind="stable")]


def make_texts(n_samples):
    return [HOSTILE_TEXT if i % 7 == 0 else f"example text number {i}"
            for i in range(n_samples)]


def review_changes(page):
    """The review screen's header (base64) and list of changes, read from the page as
    its script reads them: ``[line (base64), example, class, change, given, score]``."""
    table = re.search(r'<table id="review-table" data-header="([^"]*)"[^>]*'
                      r"data-changes='([^']*)'", page)
    return table.group(1), json.loads(html.unescape(table.group(2)))


def table_data(page, table_id):
    """A table's data as the page's script reads it: (column kinds, rows, class names);
    a number's cell is ``[shown, key]``, a chips cell a list of class codes (or
    ``[code, score shown]``)."""
    table = re.search(rf'<table id="{table_id}"[^>]*>', page).group(0)  # no > in data

    def attribute(name, default=None):
        found = re.search(rf" {name}='([^']*)'", table)
        return default if found is None else json.loads(html.unescape(found.group(1)))

    return attribute("data-columns"), attribute("data-rows"), attribute("data-classes", [])
