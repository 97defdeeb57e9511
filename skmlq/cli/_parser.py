"""Argument parsing of the ``skmlq`` command line (argparse, one sub-command each)."""

import argparse
import textwrap

from ..utils._defaults import (
    AGGREGATORS, DEFAULT_ALPHA, DEFAULT_ERROR_THRESHOLD, DEFAULT_TEMPERATURE,
    ESTIMATOR_AGGREGATOR, ESTIMATOR_METHOD, SCORING_METHODS,
)
from ..utils._errors import InputError

__all__ = ["build_parser"]

DESCRIPTION = """\
Find annotation errors in multi-label classification data.

Every example gets a label quality score in [0, 1] (low = its classes are likely
wrong), computed from out-of-sample predicted probabilities. Sub-commands:

  demo   end-to-end demonstration on real digit images with injected errors
  score  rank examples from given labels and predicted probabilities (files)
  audit  fit a default model on a CSV file (text or numeric columns) and rank it
  apply  apply the accepted changes of a reviewed file to a labels file
  review review in batches across days: each reviewed batch refits the noise
         model, re-ranks the rest and sharpens the count of wrong examples

score and audit write the same report (the labels to remove and to add for every
example), and optionally the cleaned labels (--write-labels) and a review file for
people (--review); apply reads the reviewed file back.

Exit codes: 0 success, 1 internal error (a bug: please report it), 2 bad input or
options (one line on stderr), 130/143/129 interrupted (Ctrl-C, SIGTERM, SIGHUP).
--debug shows the traceback.
Run "skmlq COMMAND --help" for formats and examples."""

# The output of score and audit, which write one report shape.
_OUTPUT_HELP = """\
output (-o OUT.csv, or -o - for stdout): one row per example, worst first (ties
keep input order):  row,label_quality,rank,given,to_remove,to_add
"row" is the 0-based data row; given, to_remove (given labels that look wrong) and
to_add (absent labels that look missing) join classes with --label-sep. Floats have
6 significant digits (--float-format exact: the shortest text that reads back to
the same number; or a %-format such as %.3f). Without -o the 20 worst rows are
printed.
--write-labels FILE  the labels with every suggestion applied, in the labels file's
                     format (a CSV keeps its other columns)
--review FILE        one row per suggested change, with an empty decision column to
                     fill in a spreadsheet (accept / reject); then run skmlq apply
--html REPORT.html   the audit as one self-contained HTML file to open in a browser
                     (no network needed): summary, figures, the 1000 worst examples
                     (sort and filter them), per-class table
"""

SCORE_EPILOG = """\
input formats:
  --pred-probs  .npy (memory-mapped), .npz (key 'pred_probs' or the first array), or
                .csv/.tsv, optionally with a header row of class names. Shape
                (n_samples, n_classes), values in [0, 1] (rows need not sum to 1).
                Sparse top-k predictions: an .npz of scipy.sparse.save_npz (unlisted
                classes have probability 0), scored in O(stored entries) with a
                first-stage --method and --flag-by filter, e.g. --method
                self_confidence --aggregator exponential_moving_average --flag-by filter.
  --labels      .npy/.npz dense 0/1 indicator of the same shape (.npz: key 'labels' or
                the first array); .npz scipy.sparse indicator (scipy.sparse.save_npz);
                .csv/.tsv with a header row and a column (--labels-column, default
                "labels") whose cell joins an example's classes with --label-sep
                (default ";"), an empty cell meaning no class; or .jsonl, one JSON list
                per line: [0, 2], ["cat", "dog"] or [].
  class names   Names in a label file are mapped to the pred_probs columns by the
                pred_probs CSV header or --classes. Without either, integers are column
                indices, and names are assigned to columns in sorted order (the mapping
                is printed on stderr).

{output}--per-class          adds label_quality_<class> columns to OUT.csv

examples:
  skmlq score --labels labels.npy --pred-probs pred_probs.npy -o ranked.csv
  skmlq score --labels tags.csv --pred-probs probs.csv --review review.csv
  skmlq score --labels tags.csv --pred-probs probs.csv --html audit.html
  skmlq score --labels tags.csv --pred-probs probs.csv --per-class -o out.csv
  skmlq score --labels tags.jsonl --pred-probs probs.npy --classes cat,dog,bird -o -

  tags.csv                   probs.csv (header = class names)
    id,labels                  cat,dog,bird
    1,cat;dog                  0.9,0.8,0.1
    2,bird                     0.2,0.1,0.3
    3,                         0.1,0.2,0.1
""".format(output=_OUTPUT_HELP)

AUDIT_EPILOG = """\
input: a CSV file with a header row. The labels column (--labels-column, default
"labels") holds an example's classes joined by --label-sep (default ";"); an empty
cell means none. The model is one-vs-rest logistic regression on:
  --text-column COL  TF-IDF of that column (liblinear solver);
  otherwise          every other column whose values are all numbers (empty =
                     missing): kept sparse and max-abs scaled when mostly zeros
                     (liblinear), else median-imputed and standardised (lbfgs; with
                     more columns than training rows, at most 100 principal
                     components and liblinear).
A summary of the audit (how many examples and labels look wrong, and whether the
model is good enough to trust the flags) is printed at the end.

{output}

examples:
  skmlq audit reviews.csv --labels-column tags --text-column text -o ranked.csv
  skmlq audit reviews.csv --labels-column tags --text-column text --review review.csv
  skmlq audit reviews.csv --labels-column tags --text-column text --html audit.html
  skmlq apply --labels reviews.csv --labels-column tags --review review.csv -o fixed.csv

  reviews.csv
    text,tags
    "great battery, poor screen",battery;screen
    "arrived late",shipping
""".format(output=_OUTPUT_HELP)

APPLY_EPILOG = """\
input: a labels file (the formats of skmlq score --labels: .csv/.tsv with a label
column, .jsonl, .npy, .npz) and a review file written by skmlq score/audit --review
for those labels, whose decision column was filled: accept (or yes, y, x, 1) applies
the change, reject (or no, n, 0) or an empty cell leaves it.

output (-o OUT, required): the labels file with the accepted changes applied, in the
same format (a CSV keeps every other column). Applying the same review again changes
nothing. A review file that does not match the labels (other rows or classes, edited
columns, duplicate rows, not UTF-8) is refused with the line and column at fault,
and nothing is written.

examples:
  skmlq apply --labels tags.csv --review review.csv -o tags_fixed.csv
  skmlq apply --labels data.csv --labels-column topics --label-sep "|" --review r.csv -o fixed.csv
"""

REVIEW_EPILOG = """\
a review in batches, one batch per run:
  start     --labels and --pred-probs (the formats of skmlq score): the probabilities
            are taken as they are (no model is fitted); or --labels and --features
            (a CSV file as skmlq audit reads, possibly the labels file itself): the
            audit's model is cross-fitted once. The loop's state is kept in --state
            (default LABELS.skmlq-review.npz, next to the labels) and holds the
            probabilities, so no model is ever fitted again
  continue  --state STATE (or --labels LABELS, whose state is next to it) and
            --reviewed FILE, the batch's review file with its decision column filled
            (in a spreadsheet, or downloaded from the batch's HTML review screen)
Every run writes the next --batch examples (0: none) as a review file and as the
HTML review screen (default LABELS.review-N.csv and .html beside the state): the
likeliest errors, then a few drawn at random (--random-share) so that the count of
wrong examples stays unbiased; it prints that count with its 90% interval.
An example is settled once every change shown for it is decided (an example whose
changes are all rejected keeps its labels): it leaves the ranking, and the noise
model is refitted on what was found. A review file of other labels (other rows,
classes or given labels, edited columns) is refused and nothing is written. When
done, apply every reviewed file to the labels with skmlq apply, in order.

examples:
  skmlq review --labels tags.csv --pred-probs probs.npy --batch 50
  skmlq review --labels data.csv --features data.csv --text-column text --batch 50
  skmlq review --state tags.csv.skmlq-review.npz --reviewed tags.review-1.csv
  skmlq review --labels tags.csv --reviewed tags.review-2.csv --batch 100
"""

DEMO_EPILOG = """\
data: the 1797 8x8 handwritten digit images that ship with scikit-learn
(sklearn.datasets.load_digits, a copy of the UCI "Optical Recognition of Handwritten
Digits" test set, E. Alpaydin and C. Kaynak, 1998, licence CC BY 4.0); no network
needed. Each image gets the tags of its digit among: even, prime, greater than 4,
multiple of 3, has a loop (0, 6, 8, 9). The demo flips one tag on --noise-rate of
the images (seeded), fits skmlq.MultilabelLabelQuality with cross-validation and
checks how well the scores find the flipped images.

examples:
  skmlq demo
  skmlq demo --n-samples 500 --cv 3 --noise-rate 0.2
  skmlq demo --html report.html     # the HTML audit report shown in the README
"""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr (exit code 2)."""

    def error(self, message):
        # "skmlq: error:" for every command, as for every other error; the hint names
        # the sub-command's help.
        self.exit(2, f"skmlq: error: {message} (see '{self.prog} --help')\n")


def _formatter(prog):
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=30, width=92)


def _option_type(convert, check, what):
    """An argparse ``type``: ``convert`` the text, then apply the shared ``check``."""
    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        try:
            return check(value)
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from None
    return parse


# The checks import numpy: only when an option is parsed, not for --help / --version.
def _check_integer(minimum):
    def check(value):
        from ..utils._validation import check_integer

        return check_integer(value, None, minimum=minimum)
    return check


def _check_unit_interval(value):
    from ..utils._validation import check_unit_interval

    return check_unit_interval(value, None)


def _check_positive(value):
    from ..utils._validation import check_positive

    return check_positive(value, None)


def _positive_int(minimum):
    return _option_type(int, _check_integer(minimum), "an integer")


_fraction = _option_type(float, _check_unit_interval, "a number")
_positive_float = _option_type(float, _check_positive, "a number")


def _separator(text):
    if not text:
        raise argparse.ArgumentTypeError("the separator must not be empty")
    return "\t" if text == r"\t" else text


def _add_output(p, what, required=False, metavar="OUT.csv"):
    p.add_argument("-o", "--output", metavar=metavar, required=required,
                   help=f"write {what} to this file (written to a temporary file and "
                        "renamed into place" + ("" if required else "; '-' for stdout") + ")")
    p.add_argument("--force", action="store_true",
                   help="replace output files that already exist (refused otherwise)")


def _add_label_options(p, classes=True):
    """Options of a labels file, the same in every sub-command."""
    p.add_argument("--labels-column", default="labels", metavar="COL",
                   help="label column of a CSV file (default 'labels')")
    p.add_argument("--label-sep", "--sep", dest="label_sep", type=_separator, default=";",
                   metavar="SEP", help="separator between classes in a label cell "
                                       "(default ';')")
    p.add_argument("--delimiter", type=_separator, default=None, metavar="CHAR",
                   help="CSV field delimiter (default ',' or tab for .tsv)")
    if classes:
        p.add_argument("--classes", default=None, metavar="A,B,...",
                       help="class names of the columns, in order, comma-separated")


def _add_report_outputs(p):
    """The outputs shared by score and audit."""
    _add_output(p, "all examples, worst first,")
    p.add_argument("--float-format", default="short", metavar="FMT",
                   help="floats in OUT.csv: short (6 significant digits, default), exact "
                        "(reads back to the same number) or a %%-format such as %%.3f")
    p.add_argument("--write-labels", default=None, metavar="FILE",
                   help="write the labels with every suggestion applied, in the labels "
                        "file's format")
    p.add_argument("--review", default=None, metavar="FILE",
                   help="write a review file: one row per suggested change, to accept or "
                        "reject, then apply with skmlq apply")
    p.add_argument("--html", default=None, metavar="REPORT.html",
                   help="write the audit as one self-contained HTML file: summary, "
                        "figures (with matplotlib), the 1000 worst examples (sortable, "
                        "filterable) and the per-class table")


#: ``skmlq review``'s inputs: (flag, metavar, help), each optional.
REVIEW_INPUTS = (
    ("--labels", "FILE", "the given labels (to start, or to find the state next to them)"),
    ("--pred-probs", "FILE",
     "out-of-sample predicted probabilities, one column per class (starts a review)"),
    ("--features", "DATA.csv",
     "instead of --pred-probs: a CSV file of features (the formats of skmlq audit), on "
     "which the audit's default model is cross-fitted once (starts a review)"),
    ("--text-column", "COL",
     "with --features: model this text column with TF-IDF (default: numeric columns)"),
)
REVIEW_STATE = (
    ("--state", "STATE.npz", "the loop's state file (default LABELS.skmlq-review.npz)"),
    ("--reviewed", "REVIEW.csv", "a review file of an earlier batch with its decisions filled"),
)


def _add_debug(p):
    # SUPPRESS: a sub-command's default must not undo "skmlq --debug COMMAND".
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                   help="show the traceback of an error (also: SKMLQ_DEBUG=1)")


def _add_progress(p):
    g = p.add_mutually_exclusive_group()
    g.add_argument("--progress", dest="progress", action="store_true", default=None,
                   help="show progress on stderr (default: only when stderr is a terminal)")
    g.add_argument("--no-progress", dest="progress", action="store_false",
                   help="never show progress")
    _add_debug(p)


def _add_model_options(p, default_cv):
    p.add_argument("--cv", type=_positive_int(2), default=default_cv,
                   help=f"number of cross-validation folds (default {default_cv})")
    p.add_argument("--random-state", type=int, default=0, metavar="SEED",
                   help="seed of the fold split and the model (default 0)")
    p.add_argument("--n-jobs", type=int, default=None, metavar="N",
                   help="folds fitted in parallel (default 1; -1 = all cores)")


def build_parser():
    """Return the ``skmlq`` argument parser."""
    from .._version import __version__

    parser = _Parser(
        prog="skmlq", description=DESCRIPTION, formatter_class=_formatter
    )
    parser.add_argument("--version", action="version", version=f"skmlq {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an error (also: environment variable "
                             "SKMLQ_DEBUG=1)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    # demo
    p = sub.add_parser("demo", help="end-to-end demonstration on real digit images",
                       description=textwrap.dedent("""\
                           Run skmlq end to end on real data with known, injected annotation
                           errors, and show how well they are found."""),
                       epilog=DEMO_EPILOG, formatter_class=_formatter)
    p.add_argument("--n-samples", type=_positive_int(20), default=None, metavar="N",
                   help="use a random subset of N images (default: all 1797)")
    p.add_argument("--noise-rate", type=_fraction, default=0.1, metavar="RATE",
                   help="fraction of images with one tag flipped (default 0.1)")
    p.add_argument("--html", default=None, metavar="REPORT.html",
                   help="also write the audit of the demo data as one self-contained HTML "
                        "file (the report shown in the README)")
    p.add_argument("--force", action="store_true",
                   help="replace the --html file if it already exists (refused otherwise)")
    _add_model_options(p, default_cv=5)
    _add_progress(p)

    # score
    p = sub.add_parser("score", help="rank examples from label and pred_probs files",
                       description=textwrap.dedent("""\
                           Score every example from its given labels and out-of-sample
                           predicted probabilities, worst first, as MultilabelLabelQuality
                           does: by default the probability that all its labels are right
                           under the noise model of a second stage fitted on the files, and
                           an example is flagged when its error probability reaches
                           --error-threshold. --method self_confidence --aggregator
                           exponential_moving_average ranks as cleanlab (the flags stay the
                           error probabilities' unless --flag-by filter, which also flags
                           as cleanlab and fits nothing). .npy inputs are memory-mapped
                           and the output is streamed."""),
                       epilog=SCORE_EPILOG, formatter_class=_formatter)
    p.add_argument("--labels", required=True, metavar="FILE", help="the given labels")
    p.add_argument("--pred-probs", required=True, metavar="FILE",
                   help="out-of-sample predicted probabilities, one column per class "
                        "(.npy, .npz, .csv/.tsv; an .npz of scipy.sparse.save_npz holds "
                        "sparse top-k predictions: see input formats below)")
    p.add_argument("--method", choices=SCORING_METHODS, default=ESTIMATOR_METHOD,
                   help=f"per-class scoring method (default {ESTIMATOR_METHOD}, as "
                        f"MultilabelLabelQuality; cleanlab's: self_confidence)")
    p.add_argument("--aggregator", choices=tuple(AGGREGATORS),
                   default=ESTIMATOR_AGGREGATOR,
                   help=f"how per-class scores become one score (default "
                        f"{ESTIMATOR_AGGREGATOR}; cleanlab's: exponential_moving_average)")
    p.add_argument("--alpha", type=_fraction, default=None,
                   help=f"exponential_moving_average weight in [0, 1] (default {DEFAULT_ALPHA})")
    p.add_argument("--temperature", type=_positive_float, default=None,
                   help=f"softmin temperature > 0 (default {DEFAULT_TEMPERATURE})")
    p.add_argument("--adjust-pred-probs", action="store_true",
                   help="subtract per-class confident thresholds before scoring "
                        "(not with confidence_weighted_entropy)")
    p.add_argument("--per-class", action="store_true",
                   help="add one label_quality_<class> column per class to OUT.csv")
    p.add_argument("--error-threshold", type=_fraction, default=None,
                   metavar="P", help=f"flag an example when its error probability is at "
                                     f"least P (default {DEFAULT_ERROR_THRESHOLD})")
    p.add_argument("--flag-by", choices=("error_proba", "filter"), default="error_proba",
                   help="which examples are flagged and what each should change: "
                        "error_proba (default, as MultilabelLabelQuality: a second stage "
                        "fitted on the files) or filter (skmlq.filter.find_label_issues "
                        "with its defaults, as cleanlab: nothing fitted, the fast route "
                        "for large files with a first-stage --method)")
    _add_label_options(p)
    _add_report_outputs(p)
    _add_progress(p)

    # audit
    p = sub.add_parser("audit", help="fit a default model on a CSV file and rank it",
                       description=textwrap.dedent("""\
                           Fit a default model with cross-validation on a CSV data set and
                           rank its examples by label quality, worst first."""),
                       epilog=AUDIT_EPILOG, formatter_class=_formatter)
    p.add_argument("data", metavar="DATA.csv", help="CSV file with a header row")
    _add_label_options(p, classes=False)
    p.add_argument("--text-column", default=None, metavar="COL",
                   help="model this text column with TF-IDF (default: numeric columns)")
    _add_model_options(p, default_cv=5)
    _add_report_outputs(p)
    _add_progress(p)

    # apply
    p = sub.add_parser("apply", help="apply a reviewed file to a labels file",
                       description=textwrap.dedent("""\
                           Apply the changes accepted in a review file (written by skmlq
                           score/audit --review) to the labels file it was made for."""),
                       epilog=APPLY_EPILOG, formatter_class=_formatter)
    p.add_argument("--labels", required=True, metavar="FILE", help="the given labels")
    p.add_argument("--review", required=True, metavar="REVIEW.csv",
                   help="the review file with its decision column filled")
    _add_label_options(p)
    _add_output(p, "the cleaned labels", required=True, metavar="OUT")
    _add_debug(p)

    # review
    p = sub.add_parser("review", help="review in batches across days (the review loop)",
                       description=textwrap.dedent("""\
                           Write the next batch of examples to review, and take a reviewed
                           batch back: each one refits the noise model, re-ranks the rest
                           and sharpens the count of wrong examples."""),
                       epilog=REVIEW_EPILOG, formatter_class=_formatter)
    # Every input is optional here: a later run finds the state from --labels or --state.
    for flag, metavar, text in REVIEW_INPUTS:
        p.add_argument(flag, default=None, metavar=metavar, help=text)
    p.add_argument("--cv", type=_positive_int(2), default=5,
                   help="with --features: number of cross-validation folds (default 5)")
    for flag, metavar, text in REVIEW_STATE:
        p.add_argument(flag, default=None, metavar=metavar, help=text)
    p.add_argument("--batch", type=_positive_int(0), default=50, metavar="N",
                   help="examples in the next batch (default 50; 0 writes none)")
    p.add_argument("--random-share", type=_fraction, default=0.1, metavar="SHARE",
                   help="share of each batch drawn at random (default 0.1; fixed when the "
                        "review starts)")
    p.add_argument("--error-threshold", type=_fraction, default=DEFAULT_ERROR_THRESHOLD,
                   metavar="P", help=f"flag an example when its error probability is at "
                                     f"least P (default {DEFAULT_ERROR_THRESHOLD})")
    p.add_argument("--random-state", type=int, default=0, metavar="SEED",
                   help="seed of the random draws (default 0)")
    p.add_argument("--review", default=None, metavar="FILE",
                   help="the next batch's review file (default LABELS.review-N.csv)")
    p.add_argument("--html", default=None, metavar="REPORT.html",
                   help="the next batch's HTML review screen (default LABELS.review-N.html)")
    _add_label_options(p)
    # dest "replace": the state file is rewritten by every run, --force or not; the
    # other outputs are replaced only with it.
    p.add_argument("--force", dest="replace", action="store_true",
                   help="replace the batch's files if they exist; with --pred-probs, start "
                        "again over a review under way")
    _add_debug(p)
    return parser
