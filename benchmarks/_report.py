"""One-line summary protocol shared by every benchmark and ``benchmarks/run.py``.

Each ``benchmarks/bench_*.py`` script calls :func:`summary_line` once per measured
case (at the end of its run, after its own detailed table). ``run.py`` runs every
script as a subprocess, collects the lines that start with ``SUMMARY`` and prints
one table. The line format is::

    SUMMARY <name> | <skmlq s> | <reference s or -> | <speed-up or -> | <peak MB or -> | <note>

The speed-up is ``reference seconds / skmlq seconds`` (above 1 means skmlq is
faster). Use ``-`` (pass None) for a reference that does not exist or is not
installed, and say why in ``note`` (for example ``"skipped: cleanlab not
installed"``).
"""

PREFIX = "SUMMARY"
FIELDS = ("name", "skmlq_s", "reference_s", "speedup", "peak_mb", "note")


def _fmt(value, spec):
    return "-" if value is None else format(value, spec)


def summary_line(name, ours_s, ref_s=None, peak_mb=None, note="", *, file=None):
    """Print (and return) one ``SUMMARY`` line for ``benchmarks/run.py``.

    Parameters
    ----------
    name : str
        Short case name, e.g. ``"rank bibtex self_confidence"`` (no ``|``).
    ours_s : float
        Wall time of skmlq in seconds.
    ref_s : float or None
        Wall time of the reference (cleanlab, ...) in seconds; None if there is
        no reference or it is not installed.
    peak_mb : float or None
        Peak traced memory of the skmlq run in MB (tracemalloc), if measured.
    note : str
        Free text, e.g. ``"skipped: cleanlab not installed"``.
    """
    name = str(name).replace("|", "/")
    note = str(note).replace("|", "/").replace("\n", " ")
    ratio = None if (ref_s is None or not ours_s) else ref_s / ours_s
    line = (
        f"{PREFIX} {name} | {_fmt(ours_s, '.4g')} | {_fmt(ref_s, '.4g')} | "
        f"{_fmt(ratio, '.3g')} | {_fmt(peak_mb, '.4g')} | {note}"
    )
    print(line, file=file, flush=True)
    return line


def parse_summary_line(line):
    """Parse one ``SUMMARY`` line into a dict of :data:`FIELDS` (strings), or None."""
    if not line.startswith(PREFIX + " "):
        return None
    parts = [p.strip() for p in line[len(PREFIX) + 1:].split("|")]
    parts += [""] * (len(FIELDS) - len(parts))
    return dict(zip(FIELDS, parts[: len(FIELDS) - 1] + ["|".join(parts[len(FIELDS) - 1:])]))
