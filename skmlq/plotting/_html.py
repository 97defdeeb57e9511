"""The HTML audit report: one self-contained file, from the issue report and its summary.

The writer is a pure function of its inputs (the issue report DataFrame, the audit
summary, the per-class table and ready-made figures): it computes no score and no flag,
it only selects the worst rows, formats and escapes. Every string that comes from the
data (class names, texts, ids, table cells) goes through :func:`html.escape`; the page
carries its stylesheet, its script and its figures inline (PNG as base64), and its
content security policy forbids every network request and every script but its own.

The page is also the review screen: the suggested changes of the worst rows are the
lines of the review file that :func:`skmlq.report.write_review` writes for them
(each line kept in the page as base64, so that no markup or spreadsheet character
can alter it), with accept and reject buttons; the page's script only appends the
decisions and hands the file back as a download, so the file the page gives is the
one that :func:`~skmlq.report.apply_review` and ``add_reviewed`` read.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import math
import os
import re
import sys
from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np

from .._version import __version__
from ..utils._defaults import DEFAULT_HTML_MAX_ROWS
from ..utils._errors import InputTypeError, InputValueError
from ..utils._output import safe_output, spreadsheet_text
from ._html_assets import CSS, JS

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any, Union

    import pandas as pd

    #: ``figures``: captions with a matplotlib Figure, a Display or PNG bytes each.
    Figures = Union[Mapping[str, Any], Iterable[tuple[str, Any]]]

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_REVIEW_NAME", "render_html_report",
           "write_html_report"]

#: Rows of the examples table (the worst examples only).
DEFAULT_MAX_ROWS = DEFAULT_HTML_MAX_ROWS

#: Characters of an example's text shown in the table (a longer text is cut, with
#: an ellipsis), so that long documents do not make the report large.
TEXT_CHARS = 500

#: Rows of the per-class table: a data set of 100,000 tags lists the first ones
#: (the table comes sorted, highest issue rate first), not a page per tag.
MAX_CLASS_ROWS = 1000

#: Rows a table shows at a time. Every row is in the file, as data; the page's
#: script builds the rows of the page shown, and its sorting, filtering, review keys
#: and download cover every row. Building and laying out a table of every row was
#: most of the time a page took to open.
PAGE_ROWS = 100

_REQUIRED = ("label_quality", "flagged", "given", "to_remove", "to_add")


def _esc(value):
    return html.escape(str(value), quote=True)


def _json_attr(value):
    """Compact JSON of data for the page's script, as a single-quoted attribute value:
    its quotation marks stay as they are (the many entities of a double-quoted one
    slow the browser's reading), ``&``, ``<``, ``>`` and ``'`` are escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "'" + html.escape(text, quote=False).replace("'", "&#x27;") + "'"


def _num(value, digits=4):
    """(display text, sort key) of a number; NaN/None shows as an empty cell."""
    if value is None or (isinstance(value, Real) and math.isnan(value)):
        return "", "NaN"
    if isinstance(value, (bool, np.bool_)):
        return ("yes" if value else "no"), str(int(value))
    if isinstance(value, Integral):
        return f"{int(value):,}", str(int(value))
    return f"{float(value):.{digits}f}", repr(float(value))


def _check_report(report):
    columns = getattr(report, "columns", None)
    if columns is None:
        raise InputTypeError(
            f"report is a {type(report).__name__}; expected the pandas DataFrame of "
            f"MultilabelLabelQuality.find_label_issues() or skmlq.report.label_issue_report()."
        )
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise InputValueError(
            f"report lacks column(s) {missing}; pass the long-form issue report "
            f"(form='long'), with columns {list(_REQUIRED)}."
        )
    flagged = report["flagged"]
    if flagged.dtype.kind != "b" and str(flagged.dtype) != "boolean":
        values = set(flagged.dropna().unique().tolist())
        if not values <= {0, 1}:  # e.g. the strings 'False', 'True' of a CSV read back
            shown = sorted(map(repr, values))[:3]
            raise InputTypeError(
                f"report column 'flagged' has dtype {flagged.dtype} with values "
                f"{', '.join(shown)}; expected booleans (convert it, e.g. "
                f"report['flagged'] == 'True').")


def _check_max_rows(max_rows):
    if isinstance(max_rows, (bool, np.bool_)) or not isinstance(max_rows, Integral) \
            or max_rows < 1:
        raise InputValueError(f"max_rows={max_rows!r} is invalid; expected an integer >= 1.")
    return int(max_rows)


def worst_rows(report, max_rows):
    """Positions of the ``max_rows`` worst rows, worst first: lowest ``label_quality``
    first, ties in the report's order, the order of the issue report and of the
    command line (with the estimator's default scoring, highest error probability
    first)."""
    from .._core._verdict import review_order

    return review_order(report["label_quality"].to_numpy(dtype=np.float64))[:max_rows]


def _texts(text, report, positions):
    """The text of each selected row, or None.

    A pandas Series is looked up by example id; any other sequence is in data order,
    looked up by the report's index (the 0-based row of each example).
    """
    if text is None:
        return None
    ids = report.index[positions]
    if hasattr(text, "reindex"):  # a pandas Series keyed by example id
        return text.reindex(ids).tolist()
    values = list(text)
    if len(values) != len(report):
        raise InputValueError(
            f"text has {len(values)} entries but the report has {len(report)} rows; give "
            f"one text per example, in data order (or a pandas Series indexed by example id)."
        )
    rows = np.asarray(ids)
    if rows.dtype.kind not in "iu" or (rows.size and (rows.min() < 0 or rows.max() >= len(values))):
        raise InputValueError(
            "text is a sequence in data order, but the report's index is not the 0-based "
            "row of each example; pass text as a pandas Series indexed like the report."
        )
    return [values[r] for r in rows.tolist()]


def _figure_png(figure):
    """Base64 PNG of a matplotlib Figure, a Display (its ``figure_``) or PNG bytes."""
    if isinstance(figure, (bytes, bytearray)):
        if not bytes(figure[:8]) == b"\x89PNG\r\n\x1a\n":
            raise InputValueError("a figure given as bytes must be a PNG image.")
        data = bytes(figure)
    else:
        fig = getattr(figure, "figure_", figure)
        if not hasattr(fig, "savefig"):
            raise InputTypeError(
                f"a figure of type {type(figure).__name__} cannot be embedded; pass a "
                f"matplotlib Figure, a Display (with figure_) or PNG bytes."
            )
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
        data = buffer.getvalue()
    return base64.b64encode(data).decode("ascii")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class MissingFigures(str):
    """``figures`` that could not be drawn: the reason, shown where they would be."""


def _figure_items(figures):
    if figures is None or isinstance(figures, MissingFigures):
        return []
    items = list(figures.items()) if hasattr(figures, "items") else list(figures)
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise InputTypeError(
                "figures must be a dict {caption: figure} or a list of (caption, figure) "
                "pairs."
            )
    return items


def _pager(table_id, n_rows):
    """The previous / next buttons of a table longer than a page (else nothing)."""
    if n_rows <= PAGE_ROWS:
        return ""
    return (f'<div class="pager" data-for="{table_id}">'
            '<button type="button" data-step="-1" disabled>previous</button>'
            f'<span class="note" data-role="where">rows 1\u2013{PAGE_ROWS:,} of {n_rows:,}'
            '</span><button type="button" data-step="1">next</button></div>')


def _as_list(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):  # one class name, not a list of characters
        return [value]
    return list(value)


def _summary_block(summary, report):
    """The plain-language paragraph and the key figures."""
    counters = {
        "n_examples": lambda: len(report),
        "n_flagged": lambda: int(report["flagged"].to_numpy(dtype=bool).sum()),
        "n_to_remove": lambda: _n_listed(report["to_remove"]),
        "n_to_add": lambda: _n_listed(report["to_add"]),
    }
    # The summary's own counts when it has them; counted from the report otherwise.
    figures = {k: getattr(summary, k, None) for k in counters}
    figures = {k: count() if figures[k] is None else figures[k] for k, count in counters.items()}
    text = "" if summary is None else str(summary)
    share = figures["n_flagged"] / figures["n_examples"] if figures["n_examples"] else 0.0
    tiles = [
        ("", f"{int(figures['n_examples']):,}", "examples audited"),
        ("", f"{int(figures['n_flagged']):,}", f"examples flagged ({share:.1%})"),
        ("wrong", f"{int(figures['n_to_remove']):,}", "given labels that look wrong (remove)"),
        ("missing", f"{int(figures['n_to_add']):,}", "absent labels that look missing (add)"),
    ]
    parts = ['<section id="summary"><h2>Summary</h2>']
    if text:
        parts.append(f'<p class="summary-text">{_esc(text)}</p>')
    parts.append('<div class="tiles">')
    for kind, value, what in tiles:
        parts.append(f'<div class="tile {kind}"><b>{_esc(value)}</b><span>{_esc(what)}</span>'
                     f'</div>')
    parts.append("</div></section>")
    return "".join(parts)


def _n_listed(column):
    """How many entries a report's list column holds (its lists' lengths, summed)."""
    # The report's own columns know their lengths; a user's plain lists are counted.
    lengths = getattr(column.array, "lengths", None)
    return int(lengths().sum()) if callable(lengths) else int(column.map(len).sum())


def _cell(value, digits=4, shown=None):
    """A number's cell of a data table: [shown, sort key], the key None for NaN."""
    text, key = _num(value, digits)
    key = float(key)
    if math.isnan(key):
        key = None
    elif math.isinf(key):  # JSON has no infinity: the largest float sorts the same
        key = math.copysign(sys.float_info.max, key)
    elif key.is_integer() and abs(key) < 2 ** 53:
        key = int(key)
    return [text if shown is None else shown, key]


def _data_table(table_id, head, kinds, rows, classes=None):
    """A sortable, paged table whose rows are data for the page's script.

    ``rows`` are lists of cells: a string (text), ``[shown, key]`` (a number, sorted by
    its key) or, in a column whose kind is ``given``, ``rm`` or ``add``, a list of
    class codes (``[code, score shown]`` with a score), shown as chips named by
    ``classes``. The script builds the rows of the page shown, as elements and their
    text (never markup), so that the browser reads a list, not a table, however many
    rows there are.
    """
    data = f" data-classes={_json_attr(classes)}" if classes is not None else ""
    return "".join([
        _pager(table_id, len(rows)),
        f'<div class="scroll"><table id="{table_id}" class="sortable" '
        f'data-page="{PAGE_ROWS}" data-columns={_json_attr(kinds)}{data} '
        f"data-rows={_json_attr(rows)}><thead><tr>",
        "".join(f"<th>{_esc(h)}</th>" for h in head),
        "</tr></thead><tbody></tbody></table></div>",
    ])


def _examples_block(report, positions, texts, max_rows, n_examples=None):
    has_proba = "error_proba" in report.columns
    worst = report.iloc[positions]  # only these rows are converted
    columns = {c: worst[c].to_numpy() for c in worst.columns if c in (
        "label_quality", "error_proba", "flagged", "given", "to_remove", "to_add",
        "to_remove_scores", "to_add_scores")}
    # The classes on the page, coded in the order of their names: the class
    # filter lists them in that order.
    shown_classes = {}
    for column in ("given", "to_remove", "to_add"):
        for names in columns[column]:
            shown_classes.update(dict.fromkeys(_as_list(names)))
    class_codes = {name: code for code, name in enumerate(sorted(shown_classes, key=str))}

    def chips(names, scores=None):
        codes = [class_codes[n] for n in names]
        if scores is None:
            return codes
        return [[c, _num(score, 3)[0]] for c, score in zip(codes, scores)]

    head = ["rank", "id"] + (["text"] if texts is not None else []) + ["label quality"]
    head += (["error probability"] if has_proba else []) + [
        "flagged", "given labels", "to remove (score)", "to add (score)"]
    kinds = ["", ""] + (["long"] if texts is not None else []) + [""]
    kinds += ([""] if has_proba else []) + ["flag", "given", "rm", "add"]
    rm_scores = columns.get("to_remove_scores")
    add_scores = columns.get("to_add_scores")
    index = worst.index
    rows = []
    for rank, p in enumerate(range(len(worst)), start=1):
        cells = [_cell(rank, shown=str(rank))]
        ident = index[p]
        cells.append(_cell(int(ident), shown=str(int(ident)))
                     if isinstance(ident, (Integral, np.integer)) else str(ident))
        if texts is not None:
            value = "" if texts[rank - 1] is None else str(texts[rank - 1])
            if len(value) > TEXT_CHARS:
                value = value[:TEXT_CHARS - 1] + "\u2026"
            cells.append(value)
        cells.append(_cell(columns["label_quality"][p]))
        if has_proba:
            cells.append(_cell(columns["error_proba"][p]))
        cells.append(_cell(bool(columns["flagged"][p])))
        cells.append(chips(_as_list(columns["given"][p])))
        cells.append(chips(_as_list(columns["to_remove"][p]),
                           None if rm_scores is None else _as_list(rm_scores[p])))
        cells.append(chips(_as_list(columns["to_add"][p]),
                           None if add_scores is None else _as_list(add_scores[p])))
        rows.append(cells)
    n_total = len(report) if n_examples is None else int(n_examples)
    ranked_by = "lowest label quality first"
    note = (f"The {len(positions):,} worst of {n_total:,} examples, {ranked_by}. The table "
            f"holds at most {max_rows:,} rows (max_rows); the issue report "
            f"(find_label_issues) has every example.")
    return "".join([
        '<section id="worst"><h2>Worst examples</h2>',
        f'<p class="note">{_esc(note)}</p>',
        '<div class="controls">',
        # The page's script adds the classes to the list when it is first used:
        # thousands of options cost the browser as much as a table to open.
        '<label>class <select id="filter-class"><option value="">all classes</option>'
        "</select></label>",
        '<label>in <select id="filter-where"><option value="any">any column</option>'
        '<option value="given">given labels</option>'
        '<option value="rm">to remove</option>'
        '<option value="add">to add</option></select></label>',
        '<label><input type="checkbox" id="filter-flagged"> flagged only</label>',
        '<label>search <input type="search" id="filter-text" placeholder="text, id, label">'
        '</label>',
        '<span class="note">showing <b id="shown-count">'
        f"{len(positions):,}</b> of {len(positions):,} rows</span>",
        "</div>",
        _data_table("examples", head, kinds, rows, list(class_codes)),
        "</section>",
    ])


#: Above this many suggested changes the review list starts folded (one click or a
#: key opens it), so that the page opens at its examples.
REVIEW_FOLDED = 500

#: Name of the review file the page downloads, unless told otherwise.
DEFAULT_REVIEW_NAME = "review.csv"

_REVIEW_KEYS = (
    "Keys: j / k next / previous change, a accept, r reject, u undecided (a and r "
    "move on to the next change); or click the buttons.")


def _review_block(report, positions, pred_probs, review_name):
    """The review section: one entry per suggested change of the shown rows (the
    review file's line, base64, and the cells shown), their header on the table.

    The changes are data, not rows: the page's script builds the rows of the page
    of changes shown (text only, never markup), so that thousands of changes cost
    the browser a list to read, not a table to build.
    """
    from ..report._review import check_review_probs, write_review

    if pred_probs is not None:
        pred_probs = check_review_probs(pred_probs, report)
    buffer = io.StringIO()
    try:
        write_review(report.iloc[positions], buffer, pred_probs=pred_probs)
    except (InputValueError, InputTypeError) as exc:
        return ('<section id="review"><h2>Review</h2><p class="note">No review here: '
                f'{_esc(exc)}</p></section>')
    header, *lines = buffer.getvalue().split("\n")[:-1]
    columns = header.split(",")
    changes = []
    for line, cells in zip(lines, csv.reader(lines)):
        cell = dict(zip(columns, cells))
        given = [g for g in spreadsheet_text(cell["given"]).split(";") if g]
        # [line, example, class, change, given labels, annotation score]: the
        # given labels as plain text, the row's number is its place in the list.
        changes.append([base64.b64encode(line.encode("utf-8")).decode("ascii"),
                        int(cell["example"]), spreadsheet_text(cell["class"]),
                        cell["change"], "; ".join(given) or "-",
                        _num(float(cell["annotation_score"]))[0]])
    head = ["#", "example", "class", "change", "given labels", "annotation score", "decision"]
    note = (f"{len(lines):,} suggested changes of the {len(positions):,} examples above. "
            "Accept a change that is right, reject one that is wrong; decisions stay while "
            "this page is open. Download the review file, then apply it with skmlq apply "
            "(or skmlq.report.apply_review) or pass it to add_reviewed(review=...) or skmlq "
            "review --reviewed; changes left undecided are not applied.")
    encoded_header = base64.b64encode(header.encode("utf-8")).decode("ascii")
    return "".join([
        '<section id="review"><h2>Review</h2>',
        f'<p class="note">{_esc(note)}</p>',
        f'<p class="note keys">{_esc(_REVIEW_KEYS)}</p>',
        '<div class="controls">',
        f'<button type="button" id="review-download" data-name="{_esc(review_name)}">'
        f'download {_esc(review_name)}</button>',
        '<span class="note">decided <b id="review-decided">0</b> of '
        f'{len(lines):,} (accepted <b id="review-accepted">0</b>, rejected '
        '<b id="review-rejected">0</b>)</span>',
        '<span class="note" id="review-status"></span>',
        "</div>",
        # A long list of changes starts folded: the browser lays it out when it is
        # opened (a click on its title, or the keys), so that the page opens at the
        # cost of the examples table.
        f'<details id="review-changes"{"" if len(lines) > REVIEW_FOLDED else " open"}>'
        f'<summary>the {len(lines):,} suggested changes</summary>',
        _pager("review-table", len(lines)),
        f'<div class="scroll"><table id="review-table" data-header="{encoded_header}" '
        f'data-page="{PAGE_ROWS}" data-changes={_json_attr(changes)}><thead><tr>',
        "".join(f"<th>{_esc(h)}</th>" for h in head),
        "</tr></thead><tbody></tbody></table></div></details></section>",
    ])


def _frame_table(frame, table_id):
    """A DataFrame as a sortable, paged table (see :func:`_data_table`)."""
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for value in values:
            if isinstance(value, (Real, np.number)) and not isinstance(value, (bool, np.bool_)):
                cells.append(_cell(value))
            elif isinstance(value, (list, tuple)):
                cells.append(", ".join(map(str, value)))
            else:
                cells.append(str(value))
        rows.append(cells)
    return _data_table(table_id, [str(c) for c in frame.columns], [""] * frame.shape[1], rows)


def _csp(script):
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
            f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")


def render_html_report(report: pd.DataFrame, *, summary: Any = None,
                       class_table: pd.DataFrame | None = None, figures: Figures | None = None,
                       text: Sequence[str] | pd.Series | None = None,
                       max_rows: int = DEFAULT_MAX_ROWS, title: str = "Label audit",
                       review: bool = True, pred_probs: Any = None,
                       review_name: str = DEFAULT_REVIEW_NAME) -> str:
    """The HTML audit report as a string (see :func:`write_html_report`).

    Parameters
    ----------
    report : pandas.DataFrame
        The long-form issue report, one row per example (index: example id), with
        columns ``label_quality``, ``flagged``, ``given``, ``to_remove``, ``to_add``
        and optionally ``error_proba``, ``to_remove_scores``, ``to_add_scores``. It
        may hold the worst examples only when ``summary`` gives ``n_examples``.
    summary : object or str, default=None
        The audit summary: its ``str()`` is the plain-language paragraph; its
        attributes ``n_examples``, ``n_flagged``, ``n_to_remove``, ``n_to_add``,
        when present, fill the key figures (else they are counted from ``report``).
    class_table : pandas.DataFrame, default=None
        The per-class table, shown as it is (sortable), its first 1,000 rows.
    figures : dict or list of (caption, figure) pairs, default=None
        matplotlib Figures, Displays (their ``figure_``) or PNG bytes, embedded
        inline.
    text : sequence or pandas.Series, default=None
        The text of each example, shown in the table (its first 500 characters):
        a sequence in data order (the report's index being the 0-based row), or a
        Series indexed by example id.
    max_rows : int, default=1000
        Rows of the worst-examples table. The page's tables show 100 rows at a
        time (previous / next); sorting, filtering, the review keys and the
        download cover every row.
    title : str, default="Label audit"
    review : bool, default=True
        Add the review section: the suggested changes of the table's rows, each with
        accept and reject buttons (and keys), and a button that downloads them as a
        review file (:func:`skmlq.report.write_review`'s, its ``decision`` cells
        filled). It needs the long report with its score columns and the 0-based
        rows as index (as ``find_label_issues`` gives); otherwise the section says
        why it is missing. A list of more than 500 changes starts folded (a click
        on its title or the review keys open it), so that the page opens fast.
    pred_probs : array-like, sparse matrix or FilledSparseMatrix of shape \
(n_samples, n_classes), default=None
        Adds the ``pred_prob`` column to the review file, as in
        :func:`skmlq.report.write_review` (sparse predictions are read at the
        suggested changes only).
    review_name : str, default="review.csv"
        File name the browser offers for the downloaded review file.

    Returns
    -------
    html : str
    """
    _check_report(report)
    max_rows = _check_max_rows(max_rows)
    if class_table is not None and not hasattr(class_table, "itertuples"):
        raise InputTypeError(
            f"class_table is a {type(class_table).__name__}; expected a pandas DataFrame."
        )
    positions = worst_rows(report, max_rows)
    texts = _texts(text, report, positions)
    sections = [_summary_block(summary, report)]
    items = _figure_items(figures)
    if items:
        sections.append('<section id="figures"><h2>Figures</h2><div class="figures">')
        for caption, figure in items:
            sections.append(
                f'<figure><img alt="{_esc(caption)}" src="data:image/png;base64,'
                f'{_figure_png(figure)}"><figcaption>{_esc(caption)}</figcaption></figure>'
            )
        sections.append("</div></section>")
    elif isinstance(figures, MissingFigures):
        sections.append(f'<section id="figures"><h2>Figures</h2><p class="note">'
                        f'{_esc(figures)}</p></section>')
    sections.append(_examples_block(report, positions, texts, max_rows,
                                    getattr(summary, "n_examples", None)))
    if review:
        sections.append(_review_block(report, positions, pred_probs, str(review_name)))
    if class_table is not None:
        note = ""
        if len(class_table) > MAX_CLASS_ROWS:
            note = (f'<p class="note">The first {MAX_CLASS_ROWS:,} of {len(class_table):,} '
                    f'classes, in the order of the table given (the per-class table of the '
                    f'audit summary has them all).</p>')
            class_table = class_table.iloc[:MAX_CLASS_ROWS]
        sections.append('<section id="classes"><h2>Classes</h2>' + note
                        + _frame_table(class_table, "classes-table") + "</section>")
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f'<meta http-equiv="Content-Security-Policy" content="{_csp(JS)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{_esc(title)}</h1><p>Annotation errors found by skmlq "
        f"{_esc(__version__)}: given labels that look wrong (to remove) and absent labels "
        f"that look missing (to add).</p></header>",
        # The tables' rows are data in the file, built a page at a time by the script.
        "<noscript><p>This report builds its tables with JavaScript, which is off: "
        "turn it on to see the rows, or write the same rows as CSV (skmlq audit "
        "--output issues.csv --review review.csv).</p></noscript><main>",
        "".join(sections),
        "</main><footer>Self-contained report: no network access is needed or made."
        f"</footer><script>{JS}</script></body></html>\n",
    ])


def write_html_report(path: str | os.PathLike[str], report: pd.DataFrame, *,
                      summary: Any = None, class_table: pd.DataFrame | None = None,
                      figures: Figures | None = None,
                      text: Sequence[str] | pd.Series | None = None,
                      max_rows: int = DEFAULT_MAX_ROWS, title: str = "Label audit",
                      review: bool = True, pred_probs: Any = None,
                      review_name: str = DEFAULT_REVIEW_NAME) -> str:
    """Write the self-contained HTML audit report to ``path``.

    One file with its stylesheet, script and figures inline; it opens in any browser
    without a network connection. It shows the summary, the figures, a table of the
    ``max_rows`` worst examples that sorts (click a column head) and filters (by
    class, by column, flagged only, free text), the review screen (accept or reject
    each suggested change of those examples, with the mouse or the keys j, k, a, r,
    u, then download the decisions as a review file for
    :func:`~skmlq.report.apply_review`, ``skmlq apply`` or
    :meth:`~skmlq.MultilabelLabelQuality.add_reviewed`) and the per-class table.
    Every string from the data is escaped, so a class name or text containing markup shows as
    text. The file is written atomically: on error no partial file is left.

    Parameters
    ----------
    path : str or path-like
        Where to write (overwritten if it exists; a symbolic link, a named pipe or a
        device is written through, never replaced).
    report, summary, class_table, figures, text, max_rows, title, review, pred_probs, \
review_name
        See :func:`render_html_report`.

    Returns
    -------
    path : str
        The path written.

    Examples
    --------
    >>> import pandas as pd
    >>> from skmlq.plotting import render_html_report
    >>> report = pd.DataFrame({
    ...     "label_quality": [0.1, 0.9], "flagged": [True, False],
    ...     "given": [["<b>cat</b>"], ["dog"]], "to_remove": [["<b>cat</b>"], []],
    ...     "to_add": [[], []]})
    >>> page = render_html_report(report, max_rows=1)
    >>> "&lt;b&gt;cat&lt;/b&gt;" in page and "<b>cat</b>" not in page
    True
    >>> "The 1 worst of 2 examples" in page
    True
    """
    page = render_html_report(report, summary=summary, class_table=class_table,
                              figures=figures, text=text, max_rows=max_rows, title=title,
                              review=review, pred_probs=pred_probs, review_name=review_name)
    path = os.fspath(path)
    with safe_output(path, what="HTML report") as fh:
        # A lone surrogate (from a byte that was not UTF-8, decoded with
        # surrogateescape) cannot be written as UTF-8: it shows as U+FFFD instead.
        fh.write(_LONE_SURROGATE.sub("\ufffd", page))
    return path
