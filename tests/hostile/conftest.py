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
    "test_cli_special_files.py::test_dangling_symlink_creates_its_target",
    "test_cli_special_files.py::test_dev_null",
    "test_cli_special_files.py::test_dev_stdout[False]",
    "test_cli_special_files.py::test_fifo_is_written_into[False]",
    "test_cli_special_files.py::test_fifo_is_written_into[True]",
    "test_cli_special_files.py::test_symlink_is_written_through",
    "test_fuzz_cli.py::test_every_kind_of_file",
    "test_fuzz_cli.py::test_hostile_files_and_options",
    "test_regressions.py::test_classes_option_names_must_be_unique_and_non_empty[ ,b,c]",
    "test_regressions.py::test_classes_option_names_must_be_unique_and_non_empty[a, a ,b]",
    "test_regressions.py::test_classes_option_names_must_be_unique_and_non_empty[a,a,b]",
    "test_regressions.py::test_classes_option_names_must_be_unique_and_non_empty[a,b,]",
    "test_regressions.py::test_header_only_pred_probs_csv",
    "test_regressions.py::test_npz_with_format_and_shape_but_no_data",
    "test_regressions.py::test_quoted_numbers_in_pred_probs_csv",
    "test_regressions.py::test_usage_errors_start_with_skmlq_error[alpha]",
    "test_regressions.py::test_usage_errors_start_with_skmlq_error[audit]",
    "test_regressions.py::test_usage_errors_start_with_skmlq_error[choice]",
    "test_regressions.py::test_usage_errors_start_with_skmlq_error[demo]",
    "test_regressions.py::test_usage_errors_start_with_skmlq_error[missing]",
    "test_regressions.py::test_utf8_byte_order_mark[labels]",
    "test_regressions.py::test_utf8_byte_order_mark[pred_probs-headerless]",
]
# Of those, tests that must not even run before their fix (the old code, run as root,
# replaced the /dev/stdout symlink with a regular file).
NOT_RUN = [
    "test_cli_special_files.py::test_dev_stdout[True]",
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
