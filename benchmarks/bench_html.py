"""HTML audit report: time and file size of writing it at N = 10,000 and 1,000,000, K = 100.

Synthetic data (seeded): K = 100 classes with prevalences from 1% to 20%, probabilities
that agree with the true labels up to noise, and 0.2% of the annotations toggled. The issue
report (one row per example) and its audit summary are built first and timed apart,
since they are the report module's cost, not the HTML writer's. Then, timed:

- ``table + figures``: the per-class table and the figures (the score histogram and
  the per-class rates, drawn with matplotlib's Agg), from the summary's counts;
- ``write``: :func:`write_html_report` (the worst rows only, ``max_rows`` = 1,000).

The file size is what a user shares; it does not grow with N past ``max_rows``.
There is no reference implementation. Usage: ``python benchmarks/bench_html.py
[--quick]`` (``--quick``: N = 10,000 only); the files go to a temporary folder.
"""

import argparse
import os
import tempfile
import time

import numpy as np
from _report import summary_line

K = 100


def make_problem(n_samples, n_classes=K, seed=0):
    """Labels with 0.2% of the annotations toggled (about 18% of the examples touched)
    and probabilities that separate the true labels up to noise."""
    rng = np.random.default_rng(seed)
    prevalence = np.linspace(0.01, 0.2, n_classes)
    true = rng.random((n_samples, n_classes), dtype=np.float32) < prevalence
    logits = np.where(true, 3.0, -3.0).astype(np.float32)
    logits += rng.normal(0.0, 1.0, size=true.shape).astype(np.float32)
    pred_probs = 1.0 / (1.0 + np.exp(-logits))
    given = true ^ (rng.random(true.shape, dtype=np.float32) < 0.002)
    return given, pred_probs.astype(np.float64)


def build_report(Y, P, class_names):
    """The long-form issue report of the public report function."""
    from skmlq.report import label_issue_report

    return label_issue_report(Y, P, class_names=class_names)


def run_case(n_samples, folder):
    import matplotlib

    matplotlib.use("Agg")
    from skmlq.report import audit_summary
    from skmlq.plotting import write_html_report
    from skmlq.plotting._audit import audit_figures, class_table, summary_class_counts

    class_names = [f"tag_{k:03d}" for k in range(K)]
    Y, P = make_problem(n_samples)
    start = time.perf_counter()
    report = build_report(Y, P, class_names)
    t_report = time.perf_counter() - start
    del Y, P

    start = time.perf_counter()
    summary = audit_summary(report)
    n_flagged, n_annotations = summary_class_counts(summary)
    t_summary = time.perf_counter() - start
    start = time.perf_counter()
    table = class_table(class_names, n_flagged, n_annotations, summary.per_class)
    figures = audit_figures(report["label_quality"].to_numpy(), report["flagged"].to_numpy(),
                            class_names, n_flagged, n_annotations)
    t_inputs = time.perf_counter() - start

    path = os.path.join(folder, f"report_{n_samples}.html")
    start = time.perf_counter()
    write_html_report(path, report, summary=summary, class_table=table, figures=figures)
    t_write = time.perf_counter() - start
    size = os.path.getsize(path)
    print(f"N={n_samples:>9,} K={K}: issue report {t_report:7.2f} s | summary "
          f"{t_summary:6.2f} s | table + figures {t_inputs:6.2f} s | write {t_write:6.3f} s "
          f"| file {size / 1e6:.2f} MB | flagged {int(report['flagged'].sum()):,}")
    return t_report + t_summary, t_inputs, t_write, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 10,000 only")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else [10_000, 1_000_000]
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            results[n] = run_case(n, folder)
    for n, (t_report, t_inputs, t_write, size) in results.items():
        summary_line(f"html report N={n:,} K={K}", t_inputs + t_write,
                     note=f"file {size / 1e6:.2f} MB; write {t_write:.3f} s, table+figures "
                          f"{t_inputs:.2f} s; issue report and summary {t_report:.1f} s "
                          f"(not counted)")


if __name__ == "__main__":
    main()
