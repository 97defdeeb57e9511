"""Run every benchmark in ``benchmarks/`` and print one summary table.

Usage::

    python benchmarks/run.py            # full runs (minutes)
    python benchmarks/run.py --quick    # smoke runs of every benchmark (seconds)
    python benchmarks/run.py --markdown # the table as Markdown, for README.md
    python benchmarks/run.py --record docs/bench_output   # what the Benchmarks page shows
    python benchmarks/run.py -k review -- --datasets yeast   # options for the scripts
    python benchmarks/run.py -k clean_train -- --report-only  # the cached cases only

Each ``bench_*.py`` script runs in its own subprocess (so peak memory and imports
of one do not affect another). Its full output is shown as it runs (unless
``--summary-only``); the lines it prints through ``_report.summary_line`` (``SUMMARY
name | skmlq s | reference s | speed-up | peak MB | note``) are collected into the
final table. A benchmark whose reference package is missing prints ``-`` in the
reference columns and says ``skipped: <pkg> not installed`` in its note.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

from _report import parse_summary_line

HERE = Path(__file__).resolve().parent
HEADER = ("benchmark", "case", "skmlq s", "reference s", "speed-up", "peak MB", "note")


def discover(pattern="bench_*.py"):
    """Return the benchmark scripts in this folder, sorted by name."""
    return sorted(HERE.glob(pattern))


def run_one(script, quick=False, timeout=None, echo=True, record=None, script_args=()):
    """Run one benchmark script (with ``script_args``); return (rows, returncode, seconds).

    With ``record`` (a folder), the script's whole output is also written to
    ``record/<script stem>.txt``, replaced only when the script succeeds.
    """
    cmd = [sys.executable, str(script)] + (["--quick"] if quick else []) + list(script_args)
    start = time.perf_counter()
    rows, lines = [], []
    try:
        proc = subprocess.Popen(
            cmd, cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for line in proc.stdout:
            lines.append(line)
            if echo:
                sys.stdout.write("  " + line)
                sys.stdout.flush()
            row = parse_summary_line(line.rstrip("\n"))
            if row is not None:
                rows.append(row)
        returncode = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        returncode = "timeout"
    if record is not None and returncode == 0:
        write_text(Path(record) / f"{script.stem}.txt", "".join(lines))
    return rows, returncode, time.perf_counter() - start


def write_text(path, text):
    """Replace ``path`` with ``text`` through a temporary file (no half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def csv_table(rows):
    """The summary rows as CSV (HEADER first), for the docs' csv-table."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def format_table(rows, markdown=False):
    """Format table rows (tuples of strings, HEADER first) as text or Markdown."""
    if markdown:
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    out = [fmt.format(*HEADER), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*r) for r in rows]
    return "\n".join(line.rstrip() for line in out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="pass --quick to every benchmark")
    parser.add_argument("-k", dest="select", default="",
                        help="only run benchmarks whose file name contains this text")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--summary-only", action="store_true",
                        help="do not echo each benchmark's own output")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds after which a benchmark is stopped")
    parser.add_argument("--record", metavar="DIR", default=None,
                        help="write each benchmark's output to DIR/<name>.txt and the summary "
                             "rows to DIR/summary-<names>.csv (the docs include them)")
    parser.add_argument("script_args", nargs="*", metavar="-- OPTION",
                        help="options passed to every benchmark run, after --")
    args = parser.parse_args(argv)

    scripts = [s for s in discover() if args.select in s.name]
    if not scripts:
        print("no benchmarks found (benchmarks/bench_*.py)", file=sys.stderr)
        return 1
    table, failed = [], []
    for script in scripts:
        print(f"== {script.name}" + (" --quick" if args.quick else ""), flush=True)
        rows, code, seconds = run_one(script, args.quick, args.timeout, not args.summary_only,
                                      args.record, args.script_args)
        bench = script.stem[len("bench_"):]
        for r in rows:
            table.append((bench, r["name"], r["skmlq_s"], r["reference_s"], r["speedup"],
                          r["peak_mb"], r["note"]))
        if code != 0:
            failed.append(script.name)
            table.append((bench, "(failed)", "-", "-", "-", "-",
                          f"exit {code} after {seconds:.1f} s"))
        elif not rows:
            table.append((bench, "(no SUMMARY line)", "-", "-", "-", "-",
                          f"ran {seconds:.1f} s; see its output above"))
        elif args.record is not None:
            write_text(Path(args.record) / f"summary-{bench}.csv",
                       csv_table([r for r in table if r[0] == bench]))
    print()
    print(f"Summary ({'quick' if args.quick else 'full'} runs; speed-up = reference s / "
          f"skmlq s; peak MB = tracemalloc peak of the skmlq run)")
    print(format_table(table, markdown=args.markdown))
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
