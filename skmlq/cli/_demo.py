"""``skmlq demo``: find injected annotation errors in real digit images, end to end."""

import sys
import time
import warnings
from contextlib import contextmanager, redirect_stdout

import numpy as np

from ..utils._defaults import DEFAULT_PROBABILITY_CUTOFF
from ._errors import CLIError
from ._demo_data import (DATA_SOURCE, REPORT_TITLE, TAGS, image_texts, make_digit_tags,
                         tag_lists)
from ._progress import progress_enabled
from ._writers import check_output_path, text_table

__all__ = ["fit_quietly_or_verbosely", "run_demo", "top_k_hits"]

N_TOP = 20
N_SHOWN = 10


@contextmanager
def _progress_to_stderr(enabled, stderr):
    """Send the estimator's verbose fold messages (printed on stdout) to stderr."""
    if enabled:
        with redirect_stdout(stderr):
            yield
    else:
        yield


def fit_quietly_or_verbosely(model, X, Y, show, stderr):
    """Fit ``model`` with fold progress on stderr when ``show``; return seconds taken.

    The model-quality warning is left out: the commands print the same advice in
    their summary.
    """
    from ..report import ModelQualityWarning

    model.set_params(verbose=1 if show else 0)
    start = time.perf_counter()
    with _progress_to_stderr(show, stderr), warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelQualityWarning)
        model.fit(X, Y)
    return time.perf_counter() - start


def top_k_hits(scores, truth, k):
    """How many of the ``k`` lowest scores (ties in input order) are True in ``truth``."""
    return int(truth[np.argsort(scores, kind="stable")[:k]].sum())


def _tags(row, names):
    return ",".join(n for n, on in zip(names, row) if on) or "(none)"


def _change(given, true, names):
    diff = np.flatnonzero(given != true)
    if diff.size == 0:
        return "none"
    return " ".join(("+" if given[k] else "-") + names[k] for k in diff)


def run_demo(args, stdout=None, stderr=None):
    """Execute ``skmlq demo`` with parsed ``args``; return the exit code."""
    from sklearn.ensemble import ExtraTreesClassifier
    from sklearn.metrics import average_precision_score

    from .._estimator import MultilabelLabelQuality

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    html = getattr(args, "html", None)
    if html is not None:
        if html == "-":
            raise CLIError("--html needs a file name, not '-'")
        check_output_path(html, getattr(args, "force", False))
    show = progress_enabled(True if args.progress is None else args.progress, stderr)
    data = make_digit_tags(args.n_samples, args.noise_rate, args.random_state)
    n, names = len(data.digits), data.tag_names
    n_bad = int(data.corrupted.sum())
    if n_bad == 0:
        raise CLIError(f"--noise-rate {args.noise_rate} corrupts no image out of {n}; "
                       f"use a larger rate or more samples")
    say = lambda *a: print(*a, file=stdout)  # noqa: E731
    say(f"skmlq demo: {n} handwritten digit images, 8x8 pixels, from {DATA_SOURCE}.")
    say("Tags per image: " + ", ".join(f"{k} ({d})" for k, (d, _) in TAGS.items()) + ".")
    say(f"Injected {n_bad} annotation errors: one tag flipped on {n_bad / n:.0%} of the "
        f"images (seed {args.random_state}).")
    estimator = ExtraTreesClassifier(n_estimators=100, random_state=args.random_state)
    model = MultilabelLabelQuality(
        estimator, cv=args.cv, random_state=args.random_state, n_jobs=args.n_jobs,
        refit=False,
    )
    say(f"Fitting MultilabelLabelQuality(ExtraTreesClassifier(n_estimators=100), "
        f"cv={args.cv}) on the pixels ...")
    stdout.flush()
    # Fitted on the tag names, so that the HTML report names the tags.
    seconds = fit_quietly_or_verbosely(model, data.X, tag_lists(data), show, stderr)
    columns = [list(model.classes_).index(name) for name in names]
    scores = model.label_quality_scores_
    ap = average_precision_score(data.corrupted, -scores)
    k = min(N_TOP, n)
    hits = top_k_hits(scores, data.corrupted, k)
    say(f"Done in {seconds:.1f} s.")
    say("")
    say("Detection of the injected errors (lowest label quality first):")
    say(f"  average precision: {ap:.3f}   (random ranking: {n_bad / n:.3f})")
    say(f"  truly corrupted among the {k} most suspicious: {hits} of {k}")
    say("")
    say(f"The {min(N_SHOWN, n)} most suspicious images: given tags vs the tags the "
        f"model believes (out-of-fold P >= {DEFAULT_PROBABILITY_CUTOFF})")
    believed = model.pred_probs_[:, columns] >= DEFAULT_PROBABILITY_CUTOFF
    rows = [("rank", "image", "digit", "label_quality", "given", "model believes",
             "injected error")]
    for r, i in enumerate(np.argsort(scores, kind="stable")[:N_SHOWN], start=1):
        rows.append((str(r), str(int(data.image_index[i])), str(int(data.digits[i])),
                     f"{scores[i]:.3g}", _tags(data.Y_given[i], names),
                     _tags(believed[i], names),
                     _change(data.Y_given[i], data.Y_true[i], names)))
    say("\n".join(text_table(rows)))
    say("")
    say("(image = index in sklearn.datasets.load_digits(); injected error: +tag added, "
        "-tag removed)")
    if html is not None:
        model.audit_report(html, text=image_texts(data), title=REPORT_TITLE)
        say(f"Wrote the HTML audit report to {html}")
    return 0
