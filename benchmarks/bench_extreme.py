"""Extreme multi-label: sparse top-k predictions, N = 1,000,000 examples, K = 100,000 tags.

The data (:func:`make_extreme`, seeded) imitate a tagging site:

- **tags** have power-law frequencies: tag ``k`` (0-based) is drawn with probability
  proportional to ``(k + 1) ** -1.1``, so a few tags are everywhere and most are
  rare;
- **co-occurrence**: tags belong to ``K / 100`` topics (tag ``k`` to topic
  ``k % n_topics``); each example has a topic (power-law too), and each of its true
  tags comes from its topic with probability 0.7 (the topic's tags again by
  popularity), else from all tags;
- **true tags**: ``1 + Poisson(4)`` draws per example, duplicates merged (about 5);
- **given tags** (the labels): each true tag is missing with probability 0.15 (the
  dominant error when nobody can review 10^5 tags), and 5% of examples get one
  wrong popular tag;
- **predictions**: the top-20 of a model: true tags with probability 0.9 (logit
  ``N(1.5, 1)``), filled up with tags of the topic and popular tags (logit
  ``N(-2, 1)``); probabilities are ``sigmoid(logit)``, stored as a float64 CSR of
  about 20 entries per row; every other tag has probability 0 (``fill_value=0``).

Rows:

1. the default scoring (``get_label_quality_scores``: self-confidence, EMA) and
   ``find_label_issues`` (default filter) of the sparse input, with the wall time
   and the tracemalloc peak against the size of the sparse input (its CSR arrays);
2. cleanlab 2.x on the same data densified (it has no sparse input), in a
   subprocess whose address space is limited (``resource.setrlimit``, default
   8 GB) so that the machine survives: the largest N it scores at K = 100,000, and
   the N where it dies, beside skmlq on the same rows.

3. the reports (``--part report``, N = 100,000 by default): the label issue
   report, the review file and the HTML report of the 1,000 worst examples, all
   from the sparse input (wall time, tracemalloc peak, file sizes), and the time
   headless Chromium (Playwright, ``/usr/bin/chromium`` or ``$SKMLQ_CHROMIUM``)
   takes to open the page until its script is ready, best of three.

4. dask (``--part dask``, N = 1,000,000 by default): the same predictions and labels
   as dask arrays of CSR row chunks (``da.from_array(csr, chunks=(rows, K),
   asarray=False)``, ``--dask-rows`` rows each, 100,000 by default), the default
   scoring and ``find_label_issues`` through dask (threaded scheduler) beside the
   in-memory call on the CSR matrices: wall and CPU seconds, tracemalloc peak
   against the sparse input, and the largest difference of the results.

5. the second stage (``--part stage``, N = 20,000 x K = 10,000 by default,
   ``--stage-n``, ``--stage-k``): its fit on the sparse input (``n_neighbors=10``),
   then the scores of ``method="cooccurrence"``, ``"noise_posterior"`` and
   ``"single_error"`` and the example error probabilities of all rows: wall and CPU
   seconds, tracemalloc peak against the sparse input.

Usage: ``python benchmarks/bench_extreme.py [--quick] [--n N] [--k K]
[--cleanlab-limit-gb 8] [--part all|skmlq|cleanlab|report|dask|stage] [--report-n N]
[--dask-rows ROWS] [--stage-n N] [--stage-k K]``. Run the
full size once, at nice priority: it takes about a minute of one core to generate and a
few GB of RAM.
"""

import argparse
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from _report import summary_line

HERE = Path(__file__).resolve().parent
TOP_K = 20
MISSING_RATE = 0.15
WRONG_RATE = 0.05
TOPIC_SHARE = 0.7
RECALL = 0.9
ROWS_PER_CHUNK = 100_000


def _power_law_cdf(n, exponent=1.1):
    weights = (np.arange(n) + 1.0) ** -exponent
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


def _draw(cdf, rng, size):
    return np.minimum(np.searchsorted(cdf, rng.random(size)), cdf.size - 1)


def _csr_from_pairs(rows, cols, values, shape):
    """CSR with duplicate (row, column) pairs merged (the first value kept)."""
    keys = rows.astype(np.int64) * shape[1] + cols
    keys, first = np.unique(keys, return_index=True)
    rows, cols = np.divmod(keys, shape[1])
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    return sp.csr_matrix((values[first], cols.astype(np.int32), indptr), shape=shape)


def _chunk(n, n_classes, rng, tag_cdf, topic_cdf, within_cdf, n_topics,
           missing_rate=MISSING_RATE, wrong_rate=WRONG_RATE):
    """(true, given, predicted) CSR matrices of ``n`` examples."""
    topic = _draw(topic_cdf, rng, n)
    n_true = 1 + rng.poisson(4, n)
    rows = np.repeat(np.arange(n), n_true)
    from_topic = rng.random(rows.size) < TOPIC_SHARE
    within = _draw(within_cdf, rng, rows.size)
    tags = np.where(from_topic, topic[rows] + n_topics * within, _draw(tag_cdf, rng, rows.size))
    tags = np.where(tags < n_classes, tags, _draw(tag_cdf, rng, rows.size))
    true = _csr_from_pairs(rows, tags, np.ones(rows.size, dtype=bool), (n, n_classes))
    true_rows = np.repeat(np.arange(n), np.diff(true.indptr))
    # Given: missing tags, and a wrong popular tag on some examples.
    kept = rng.random(true.nnz) >= missing_rate
    wrong_rows = np.flatnonzero(rng.random(n) < wrong_rate)
    given = _csr_from_pairs(
        np.concatenate([true_rows[kept], wrong_rows]),
        np.concatenate([true.indices[kept], _draw(tag_cdf, rng, wrong_rows.size)]),
        np.ones(int(kept.sum()) + wrong_rows.size, dtype=bool), (n, n_classes))
    # Predicted top-20: most true tags, then topic and popular tags (more candidates
    # than needed; duplicates merged, the first 20 distinct kept by score).
    recalled = rng.random(true.nnz) < RECALL
    n_fill = 2 * TOP_K
    fill_rows = np.repeat(np.arange(n), n_fill)
    fill_tags = np.where(
        rng.random(fill_rows.size) < 0.5,
        topic[fill_rows] + n_topics * _draw(within_cdf, rng, fill_rows.size),
        _draw(tag_cdf, rng, fill_rows.size))
    fill_tags = np.where(fill_tags < n_classes, fill_tags, _draw(tag_cdf, rng, fill_rows.size))
    logits = np.concatenate([rng.normal(1.5, 1.0, int(recalled.sum())),
                             rng.normal(-2.0, 1.0, fill_rows.size)])
    cand = _csr_from_pairs(np.concatenate([true_rows[recalled], fill_rows]),
                           np.concatenate([true.indices[recalled], fill_tags]),
                           1.0 / (1.0 + np.exp(-logits)), (n, n_classes))
    # Keep the TOP_K highest of each row.
    cand_rows = np.repeat(np.arange(n), np.diff(cand.indptr))
    order = np.lexsort((-cand.data, cand_rows))
    rank = np.arange(order.size) - cand.indptr[cand_rows[order]]
    keep = np.sort(order[rank < TOP_K])
    pred = _csr_from_pairs(cand_rows[keep], cand.indices[keep], cand.data[keep],
                           (n, n_classes))
    return true, given, pred


def make_extreme(n_samples, n_classes, seed=0, *, missing_rate=MISSING_RATE,
                 wrong_rate=WRONG_RATE):
    """Seeded extreme multi-label data: ``(true, given, pred_probs)`` CSR matrices.

    See the module docstring for the model; ``missing_rate`` is the probability that
    a true tag is left out, ``wrong_rate`` the share of examples given one wrong
    popular tag. Generated in chunks of 100,000 rows, so that the temporaries stay
    small; the same seed gives the same data.
    """
    rng = np.random.default_rng(seed)
    n_topics = max(1, n_classes // 100)
    tag_cdf = _power_law_cdf(n_classes)
    topic_cdf = _power_law_cdf(n_topics)
    within_cdf = _power_law_cdf(-(-n_classes // n_topics))
    parts = [_chunk(min(ROWS_PER_CHUNK, n_samples - start), n_classes, rng, tag_cdf,
                    topic_cdf, within_cdf, n_topics, missing_rate, wrong_rate)
             for start in range(0, n_samples, ROWS_PER_CHUNK)]
    return tuple(sp.vstack([p[i] for p in parts], format="csr") for i in range(3))


def sparse_bytes(*matrices):
    return sum(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes for m in matrices)


def measure(func):
    """``(result, wall seconds, tracemalloc peak in MB, CPU seconds)`` of one call.

    CPU seconds (all threads of the process) tell the cost when the machine is
    shared and the wall time is not the program's own.
    """
    tracemalloc.start()
    try:
        cpu, start = time.process_time(), time.perf_counter()
        result = func()
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    return result, seconds, peak, cpu


def bench_skmlq(n_samples, n_classes):
    from skmlq.filter import find_label_issues
    from skmlq.rank import get_label_quality_scores

    start = time.perf_counter()
    true, given, pred = make_extreme(n_samples, n_classes)
    generated = time.perf_counter() - start
    input_mb = sparse_bytes(given, pred) / 1e6
    print(f"\n## skmlq, sparse top-{TOP_K}: N = {n_samples:,}, K = {n_classes:,} "
          f"(generated in {generated:.1f} s)")
    print(f"predictions: {pred.nnz:,} stored ({pred.nnz / n_samples:.1f} per row); labels: "
          f"{given.nnz:,} ({given.nnz / n_samples:.2f} per row, true {true.nnz / n_samples:.2f}); "
          f"sparse input {input_mb:.0f} MB (a dense float64 array: "
          f"{n_samples * n_classes * 8 / 1e9:,.0f} GB)")
    get_label_quality_scores(given[:1000], pred[:1000])  # imports, outside the timing
    rows = []
    header = (f"{'case':<34} {'seconds':>8} {'CPU s':>8} {'peak MB':>8} "
              f"{'peak / input':>13}")
    print(header)
    print("-" * len(header))
    for name, func in (
        ("get_label_quality_scores", lambda: get_label_quality_scores(given, pred)),
        ("find_label_issues", lambda: find_label_issues(given, pred)),
    ):
        result, seconds, peak, cpu = measure(func)
        print(f"{name:<34} {seconds:>8.2f} {cpu:>8.2f} {peak:>8.0f} {peak / input_mb:>13.2f}",
              flush=True)
        rows.append((name, seconds, peak, input_mb, cpu))
        if name == "find_label_issues":
            flagged = int(result.sum())
            changed = np.diff((true != given).tocsr().indptr) > 0
            print(f"  flagged {flagged:,} examples ({flagged / n_samples:.1%}); "
                  f"{int((result & changed).sum()):,} of them have a given tag set that "
                  f"differs from the true one ({changed.mean():.1%} of all examples do)")
    return rows


STAGE_NEIGHBORS = 10


def bench_stage(n_samples, n_classes):
    """The second stage on the sparse input: its fit (``get_cooccurrence_params``),
    then each second-stage method's default scores and the example error
    probabilities of all rows, with the fitted parameters."""
    from skmlq.rank import (
        get_cooccurrence_params, get_label_error_probabilities, get_label_quality_scores,
    )

    start = time.perf_counter()
    _, given, pred = make_extreme(n_samples, n_classes)
    generated = time.perf_counter() - start
    input_mb = sparse_bytes(given, pred) / 1e6
    print(f"\n## the second stage on sparse top-{TOP_K}: N = {n_samples:,}, K = "
          f"{n_classes:,} (generated in {generated:.1f} s); sparse input {input_mb:.0f} MB "
          f"(a dense float64 array: {n_samples * n_classes * 8 / 1e9:,.1f} GB)")
    header = (f"{'case':<48} {'seconds':>8} {'CPU s':>8} {'peak MB':>8} "
              f"{'peak / input':>13}")
    print(header)
    print("-" * len(header))
    cases = []

    def run(name, func):
        result, seconds, peak, cpu = measure(func)
        print(f"{name:<48} {seconds:>8.2f} {cpu:>8.2f} {peak:>8.0f} "
              f"{peak / input_mb:>13.2f}", flush=True)
        cases.append((name, seconds, peak, input_mb, cpu))
        return result

    params = run(f"get_cooccurrence_params n_neighbors={STAGE_NEIGHBORS}",
                 lambda: get_cooccurrence_params(given, pred, n_neighbors=STAGE_NEIGHBORS))
    reverse = np.bincount(params.neighbors.ravel(), minlength=n_classes)
    print(f"  a label is the neighbour of {reverse.mean():.0f} classes on average, of "
          f"{reverse.max():,} at most; the labels' rows carry "
          f"{reverse[given.indices].sum() / n_samples:,.0f} neighbour entries a row")
    for method in ("cooccurrence", "noise_posterior", "single_error"):
        run(f"get_label_quality_scores {method}", lambda: get_label_quality_scores(
            given, pred, method=method, cooccurrence_params=params))
    run("get_label_error_probabilities", lambda: get_label_error_probabilities(
        given, pred, cooccurrence_params=params, per_class=False))
    return cases


HTML_ROWS = 1_000
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]


def _tree_cpu_seconds():
    """CPU seconds used so far by this process's descendants (the browser's
    processes), from /proc; None where there is no /proc."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    parent, cpu = {}, {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                text = fh.read()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        parent[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    me, total = os.getpid(), 0.0
    for pid, seconds in cpu.items():
        ancestor = pid
        while ancestor in parent and ancestor not in (me, 0, 1):
            ancestor = parent[ancestor]
        if ancestor == me and pid != me:
            total += seconds
    return total


def open_seconds(paths, repeats=3):
    """Per HTML file of ``paths``: the best of ``repeats`` wall times to open it in
    headless Chromium until its script marks the page ready (``body[data-ready]``)
    and two frames are drawn, in a fresh page each time, and the browser's CPU
    seconds of that run (what the page costs, whatever else the machine runs).
    Returns ``(results, None)`` or ``(None, why)`` without Playwright or Chromium."""
    import os
    import shutil

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None, "playwright not installed"
    binary = os.environ.get("SKMLQ_CHROMIUM") or "/usr/bin/chromium"
    if not os.access(binary, os.X_OK):
        binary = shutil.which("chromium")
    if binary is None:
        return None, "no chromium binary"
    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=binary, args=CHROMIUM_ARGS)
        try:
            for path in paths:
                url = Path(path).resolve().as_uri()
                runs = []
                for _ in range(repeats):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    page.goto("about:blank")
                    cpu = _tree_cpu_seconds()
                    start = time.perf_counter()
                    page.goto(url)
                    page.wait_for_selector("body[data-ready='1']", state="attached",
                                           timeout=120_000)
                    page.evaluate("new Promise(r => requestAnimationFrame("
                                  "() => requestAnimationFrame(r)))")
                    seconds = time.perf_counter() - start
                    after = _tree_cpu_seconds()
                    runs.append((seconds, None if cpu is None else after - cpu))
                    context.close()
                results.append(min(runs))
        finally:
            browser.close()
    return results, None


BLANK_PAGE = ("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
              "<script>document.body.setAttribute('data-ready', '1');</script></body></html>")


def bench_report(n_samples, n_classes, out_dir):
    """The reports of sparse input: rows ``(name, seconds, peak MB, note)``."""
    from skmlq.plotting import write_html_report
    from skmlq.report import audit_summary, label_issue_report, write_review

    _, given, pred = make_extreme(n_samples, n_classes)
    input_mb = sparse_bytes(given, pred) / 1e6
    print(f"\n## reports of sparse top-{TOP_K}: N = {n_samples:,}, K = {n_classes:,} "
          f"(sparse input {input_mb:.0f} MB; a dense float64 array: "
          f"{n_samples * n_classes * 8 / 1e9:,.0f} GB)")
    label_issue_report(given[:1000], pred[:1000])  # imports, outside the timing
    out_dir.mkdir(parents=True, exist_ok=True)
    review_path, html_path = out_dir / "extreme_review.csv", out_dir / "extreme_report.html"
    rows = []
    header = f"{'case':<44} {'seconds':>8} {'peak MB':>8}  note"
    print(header)
    print("-" * len(header))

    def row(name, func, note=lambda result: ""):
        # Timed without tracemalloc (it slows Python-level work several times), then
        # run again for the peak.
        start = time.perf_counter()
        result = func()
        seconds = time.perf_counter() - start
        peak = measure(func)[2]
        text = note(result)
        print(f"{name:<44} {seconds:>8.2f} {peak:>8.0f}  {text}", flush=True)
        rows.append((name, seconds, peak, text))
        return result

    report = row("label_issue_report", lambda: label_issue_report(given, pred),
                 lambda r: f"{int(r['flagged'].sum()):,} flagged; "
                           f"{int(r['to_add'].array.lengths().sum()):,} to add, "
                           f"{int(r['to_remove'].array.lengths().sum()):,} to remove")
    summary = row("audit_summary", lambda: audit_summary(report))
    worst = report.iloc[:HTML_ROWS]
    row(f"write_review (worst {HTML_ROWS:,})",
        lambda: write_review(worst, review_path, pred_probs=pred),
        lambda n: f"{n:,} changes, {review_path.stat().st_size / 1e3:,.0f} kB")
    table = summary.per_class.assign(
        suggested=summary.per_class["n_to_remove"] + summary.per_class["n_to_add"]
    ).sort_values("suggested", ascending=False, kind="stable")
    row(f"write_html_report (worst {HTML_ROWS:,})",
        lambda: write_html_report(html_path, report, summary=summary, class_table=table,
                                  max_rows=HTML_ROWS, pred_probs=pred),
        lambda _: f"{html_path.stat().st_size / 1e6:.2f} MB")
    blank_path = out_dir / "blank.html"
    blank_path.write_text(BLANK_PAGE, encoding="utf-8")
    opened, why = open_seconds([blank_path, html_path])
    size = html_path.stat().st_size / 1e6
    if opened is None:
        print(f"{'open in headless Chromium':<44} {'-':>8} {'-':>8}  skipped: {why}")
        rows.append(("open the HTML report in headless Chromium", None, None,
                     f"skipped: {why}"))
        return rows
    (blank_s, blank_cpu), (seconds, cpu) = opened
    cpu_text = "-" if cpu is None else f"{cpu:.2f}"
    blank_cpu = "-" if blank_cpu is None else f"{blank_cpu:.2f}"
    note = (f"file {size:.2f} MB; browser CPU {cpu_text} s; an empty page: {blank_s:.2f} s, "
            f"CPU {blank_cpu} s")
    print(f"{'open in headless Chromium (best of 3)':<44} {seconds:>8.2f} {'-':>8}  {note}")
    rows.append(("open the HTML report in headless Chromium", seconds, None, note))
    return rows


def bench_dask(n_samples, n_classes, rows_per_chunk):
    """Default scoring and find_label_issues of CSR row chunks through dask, beside
    the in-memory call: rows ``(name, seconds, peak MB, input MB, CPU s, note)``."""
    import dask
    import dask.array as da

    from skmlq.filter import find_label_issues
    from skmlq.rank import get_label_quality_scores

    start = time.perf_counter()
    _, given, pred = make_extreme(n_samples, n_classes)
    generated = time.perf_counter() - start
    input_mb = sparse_bytes(given, pred) / 1e6
    chunks = (rows_per_chunk, n_classes)
    Y = da.from_array(given, chunks=chunks, asarray=False)
    P = da.from_array(pred, chunks=chunks, asarray=False)
    print(f"\n## dask, CSR row chunks of {rows_per_chunk:,} rows ({P.numblocks[0]} chunks): "
          f"N = {n_samples:,}, K = {n_classes:,}, sparse top-{TOP_K} (generated in "
          f"{generated:.1f} s; sparse input {input_mb:.0f} MB); threaded scheduler, "
          f"{dask.config.get('num_workers', None) or 'default'} workers")
    get_label_quality_scores(given[:1000], pred[:1000])  # imports, outside the timing
    get_label_quality_scores(Y[:1000], P[:1000]).compute()
    header = (f"{'case':<40} {'seconds':>8} {'CPU s':>8} {'peak MB':>8} "
              f"{'peak / input':>13}  note")
    print(header)
    print("-" * len(header))
    rows = []
    results = {}
    cases = (
        ("get_label_quality_scores, in memory", lambda: get_label_quality_scores(given, pred)),
        ("get_label_quality_scores, dask",
         lambda: get_label_quality_scores(Y, P).compute()),
        ("find_label_issues, in memory", lambda: find_label_issues(given, pred)),
        ("find_label_issues, dask", lambda: find_label_issues(Y, P)),
    )
    for name, func in cases:
        result, seconds, peak, cpu = measure(func)
        results[name] = result
        note = ""
        if name.endswith("dask"):
            reference = results[name.replace("dask", "in memory")]
            if result.dtype == bool:
                note = f"same flags: {bool(np.array_equal(result, reference))}"
            else:
                note = f"max abs difference {np.abs(result - reference).max():.1e}"
        print(f"{name:<40} {seconds:>8.2f} {cpu:>8.2f} {peak:>8.0f} {peak / input_mb:>13.2f}"
              f"  {note}", flush=True)
        rows.append((name, seconds, peak, input_mb, cpu, note))
    return rows


_CLEANLAB_CHILD = """
import json, resource, sys, time
n, k, limit_bytes = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
sys.path.insert(0, sys.argv[4])
import numpy as np
from bench_extreme import make_extreme
_, given, pred = make_extreme(n, k)
labels = [row.indices.tolist() for row in given]
from cleanlab.multilabel_classification.rank import get_label_quality_scores
try:
    start = time.perf_counter()
    dense = pred.toarray()
    scores = get_label_quality_scores(labels, dense)
    print(json.dumps({"seconds": time.perf_counter() - start, "ok": True,
                      "scores": scores[:2000].tolist()}))
except MemoryError as exc:
    print(json.dumps({"ok": False, "error": f"MemoryError: {exc}"}))
"""


def run_cleanlab(n_samples, n_classes, limit_gb):
    """Score in a memory-limited subprocess: dict with ``ok`` and seconds or error."""
    cmd = [sys.executable, "-c", _CLEANLAB_CHILD, str(n_samples), str(n_classes),
           str(int(limit_gb * 2**30)), str(HERE)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE)
    for line in proc.stdout.splitlines()[::-1]:
        if line.startswith("{"):
            return json.loads(line)
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"ok": False, "error": f"exit {proc.returncode}: {tail[:160]}"}


def bench_cleanlab(sizes, n_classes, limit_gb):
    try:
        import cleanlab  # noqa: F401
    except ImportError:
        print("\n## cleanlab: skipped: cleanlab not installed")
        return None
    from skmlq.rank import get_label_quality_scores

    print(f"\n## cleanlab 2.x (densified input, address space limited to {limit_gb:g} GB) "
          f"vs skmlq (sparse input), K = {n_classes:,}")
    header = (f"{'N':>10} {'dense GB':>9} {'cleanlab s':>11} {'skmlq s':>9} "
              f"{'speed-up':>9} {'max abs diff':>13}  note")
    print(header)
    print("-" * len(header))
    survived, died = None, None
    for n in sizes:
        _, given, pred = make_extreme(n, n_classes)
        ours_scores, ours, _, _ = measure(lambda: get_label_quality_scores(given, pred))
        result = run_cleanlab(n, n_classes, limit_gb)
        dense_gb = n * n_classes * 8 / 1e9
        if result["ok"]:
            diff = np.abs(np.array(result["scores"]) - ours_scores[:2000]).max()
            print(f"{n:>10,} {dense_gb:>9.2f} {result['seconds']:>11.2f} {ours:>9.3f} "
                  f"{result['seconds'] / ours:>9.0f} {diff:>13.2g}", flush=True)
            survived = (n, result["seconds"], ours)
        else:
            print(f"{n:>10,} {dense_gb:>9.2f} {'dies':>11} {ours:>9.3f} {'-':>9} {'-':>13}  "
                  f"{result['error']}", flush=True)
            died = (n, ours, result["error"])
            break
    return survived, died


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("--n", type=int, default=1_000_000, help="examples of row 1")
    parser.add_argument("--k", type=int, default=100_000, help="tags")
    parser.add_argument("--cleanlab-limit-gb", type=float, default=8.0)
    parser.add_argument("--part", choices=("all", "skmlq", "cleanlab", "report", "dask",
                                           "stage"), default="all")
    parser.add_argument("--stage-n", type=int, default=20_000,
                        help="examples of the second stage's rows (5.)")
    parser.add_argument("--stage-k", type=int, default=10_000,
                        help="tags of the second stage's rows (5.)")
    parser.add_argument("--dask-rows", type=int, default=100_000,
                        help="rows per dask chunk (4.)")
    parser.add_argument("--report-n", type=int, default=100_000,
                        help="examples of the reports' rows (3.)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/skmlq-bench-extreme"),
                        help="directory of the review file and HTML report written")
    args = parser.parse_args(argv)
    n, k = (20_000, 5_000) if args.quick else (args.n, args.k)
    report_n = 5_000 if args.quick else args.report_n
    sizes = [500, 2_000] if args.quick else [1_000, 2_000, 3_000, 6_000, 12_000, 25_000]
    rows, compared, reports, dask_rows, stage_rows = [], None, [], [], []
    stage_n, stage_k = (5_000, 2_000) if args.quick else (args.stage_n, args.stage_k)
    dask_chunk = 5_000 if args.quick else args.dask_rows
    if args.part in ("all", "skmlq"):
        rows = bench_skmlq(n, k)
    if args.part in ("all", "dask"):
        dask_rows = bench_dask(n, k, dask_chunk)
    if args.part in ("all", "report"):
        reports = bench_report(report_n, k, args.out)
    if args.part in ("all", "cleanlab"):
        compared = bench_cleanlab(sizes, k, args.cleanlab_limit_gb)
    if args.part in ("all", "stage"):
        stage_rows = bench_stage(stage_n, stage_k)
    print()
    for name, seconds, peak, input_mb, cpu in stage_rows:
        summary_line(f"extreme stage {name} {stage_n:,}x{stage_k:,} top-{TOP_K}", seconds,
                     peak_mb=peak, note=f"peak {peak / input_mb:.2f}x the {input_mb:.0f} MB "
                                        f"sparse input; {cpu:.1f} CPU s")
    for name, seconds, peak, input_mb, cpu in rows:
        summary_line(f"extreme {name} {n:,}x{k:,} top-{TOP_K}", seconds, peak_mb=peak,
                     note=f"peak {peak / input_mb:.2f}x the {input_mb:.0f} MB sparse input; "
                          f"{cpu:.1f} CPU s")
    for name, seconds, peak, input_mb, cpu, note in dask_rows:
        summary_line(f"extreme {name} {n:,}x{k:,} top-{TOP_K}, chunks of {dask_chunk:,} rows",
                     seconds, peak_mb=peak,
                     note=f"peak {peak / input_mb:.2f}x the {input_mb:.0f} MB sparse input; "
                          f"{cpu:.1f} CPU s; {note}".rstrip("; "))
    for name, seconds, peak, note in reports:
        summary_line(f"extreme {name} {report_n:,}x{k:,}", seconds, peak_mb=peak, note=note)
    if compared is None:
        if args.part in ("all", "cleanlab"):
            summary_line(f"extreme vs cleanlab K={k:,}", None,
                         note="skipped: cleanlab not installed")
        return
    survived, died = compared
    if survived:
        n_ok, theirs, ours = survived
        note = (f"largest N cleanlab survives with {args.cleanlab_limit_gb:g} GB; "
                + (f"dies at N={died[0]:,}" if died else "no size tried made it die"))
        summary_line(f"extreme vs cleanlab {n_ok:,}x{k:,}", ours, ref_s=theirs, note=note)
    if died:
        summary_line(f"extreme vs cleanlab {died[0]:,}x{k:,}", died[1],
                     note=f"cleanlab dies ({died[2][:60]})")


if __name__ == "__main__":
    main()
