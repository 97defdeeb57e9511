import pytest

from ._contract import GENERATED

# Tests of defects whose fix has not landed yet, by node id (a prefix matches every
# parameter): expected to fail, strictly, so that a fix that lands shows up.
PENDING = [
    "test_cli_signals.py::test_signal_during_start_up[SIGHUP]",
    "test_cli_signals.py::test_signal_during_start_up[SIGINT]",
    "test_cli_signals.py::test_signal_during_start_up[SIGTERM]",
    "test_cli_signals.py::test_signal_while_writing[SIGHUP-False]",
    "test_cli_signals.py::test_signal_while_writing[SIGTERM-False]",
    "test_cli_signals.py::test_signal_while_writing[SIGTERM-True]",
]
# Of those, tests that must not even run before their fix (the old code, run as root,
# replaced the /dev/stdout symlink with a regular file).
NOT_RUN = [
]


def pytest_collection_modifyitems(items):
    for item in items:
        node = item.nodeid.split("tests/hostile/", 1)[-1]
        if any(node == p or node.startswith(p + "[") for p in NOT_RUN):
            item.add_marker(pytest.mark.xfail(strict=True, run=False, reason="fix pending"))
        elif any(node == p or node.startswith(p + "[") for p in PENDING):
            item.add_marker(pytest.mark.xfail(strict=True, reason="fix pending"))


def pytest_terminal_summary(terminalreporter):
    if GENERATED:
        detail = ", ".join(f"{k} {v}" for k, v in sorted(GENERATED.items()))
        terminalreporter.write_line(
            f"hostile-input fuzz: {sum(GENERATED.values())} inputs generated ({detail})"
        )
