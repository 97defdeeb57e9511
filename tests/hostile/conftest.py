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
    "test_fuzz_api.py::test_hostile_labels",
    "test_fuzz_api.py::test_hostile_labels_and_pred_probs",
    "test_fuzz_api.py::test_hostile_labels_without_pred_probs",
    "test_fuzz_api.py::test_hostile_pred_probs",
    "test_fuzz_cli.py::test_every_kind_of_file",
    "test_fuzz_cli.py::test_hostile_files_and_options",
    "test_fuzz_options.py::test_hostile_estimator_parameters",
    "test_fuzz_options.py::test_hostile_option_values",
    "test_regressions.py::test_a_batch_that_is_not_a_pair_names_the_batch[None]",
    "test_regressions.py::test_a_batch_that_is_not_a_pair_names_the_batch[int]",
    "test_regressions.py::test_a_batch_that_is_not_a_pair_names_the_batch[str]",
    "test_regressions.py::test_a_batch_that_is_not_a_pair_names_the_batch[triple]",
    "test_regressions.py::test_aggregator_kwargs_that_is_not_a_dict[0]",
    "test_regressions.py::test_aggregator_kwargs_that_is_not_a_dict[1.5]",
    "test_regressions.py::test_aggregator_kwargs_that_is_not_a_dict[]",
    "test_regressions.py::test_aggregator_kwargs_that_is_not_a_dict[value2]",
    "test_regressions.py::test_aggregator_kwargs_that_is_not_a_dict[value4]",
    "test_regressions.py::test_bad_probabilities_of_the_classifier_name_the_classifier",
    "test_regressions.py::test_big_endian_npy_cli",
    "test_regressions.py::test_big_endian_pred_probs[>f4-False]",
    "test_regressions.py::test_big_endian_pred_probs[>f8-False]",
    "test_regressions.py::test_bool_inside_a_label_list_is_rejected[int-False]",
    "test_regressions.py::test_bool_inside_a_label_list_is_rejected[int-True]",
    "test_regressions.py::test_bool_inside_a_label_list_is_rejected[int-np.True_]",
    "test_regressions.py::test_callable_aggregator_bad_result_in_estimator",
    "test_regressions.py::test_callable_aggregator_result_must_be_real_in_unit_interval[(0.5+0.1j)]",  # noqa: E501
    "test_regressions.py::test_callable_aggregator_result_must_be_real_in_unit_interval[(1+0j)]",
    "test_regressions.py::test_callable_aggregator_result_must_be_real_in_unit_interval[-0.5]",
    "test_regressions.py::test_callable_aggregator_result_must_be_real_in_unit_interval[1.5]",
    "test_regressions.py::test_callable_aggregator_result_must_be_real_in_unit_interval[inf]",
    "test_regressions.py::test_callable_aggregator_result_must_be_real_in_unit_interval[nan]",
    "test_regressions.py::test_callable_aggregator_string_result",
    "test_regressions.py::test_classes_option_names_must_be_unique_and_non_empty[ ,b,c]",
    "test_regressions.py::test_classes_option_names_must_be_unique_and_non_empty[a, a ,b]",
    "test_regressions.py::test_classes_option_names_must_be_unique_and_non_empty[a,a,b]",
    "test_regressions.py::test_classes_option_names_must_be_unique_and_non_empty[a,b,]",
    "test_regressions.py::test_confident_joint_counts_must_be_nonnegative_and_not_all_zero[all-zero]",  # noqa: E501
    "test_regressions.py::test_confident_joint_counts_must_be_nonnegative_and_not_all_zero[negative]",  # noqa: E501
    "test_regressions.py::test_cv_of_the_wrong_type[False]",
    "test_regressions.py::test_cv_of_the_wrong_type[True]",
    "test_regressions.py::test_header_only_pred_probs_csv",
    "test_regressions.py::test_label_rows_that_are_not_lists_are_rejected[bytearray]",
    "test_regressions.py::test_label_rows_that_are_not_lists_are_rejected[bytes]",
    "test_regressions.py::test_label_rows_that_are_not_lists_are_rejected[dict]",
    "test_regressions.py::test_label_rows_that_are_not_lists_are_rejected[set]",
    "test_regressions.py::test_npz_with_format_and_shape_but_no_data",
    "test_regressions.py::test_num_to_remove_per_class_longer_than_n_classes",
    "test_regressions.py::test_num_to_remove_per_class_overflow_means_all",
    "test_regressions.py::test_pandas_nullable_dtypes[Float64]",
    "test_regressions.py::test_pandas_nullable_dtypes[Int64]",
    "test_regressions.py::test_pandas_nullable_dtypes[boolean]",
    "test_regressions.py::test_pandas_nullable_dtypes[convert_dtypes]",
    "test_regressions.py::test_pandas_nullable_missing_value_names_row_and_column",
    "test_regressions.py::test_quoted_numbers_in_pred_probs_csv",
    "test_regressions.py::test_scoring_after_fitting_thresholds_on_no_rows_is_refused",
    "test_regressions.py::test_sparse_duplicate_entries_mean_one_annotation[coo]",
    "test_regressions.py::test_sparse_duplicate_entries_mean_one_annotation[coo_array]",
    "test_regressions.py::test_sparse_pred_probs_message[coo]",
    "test_regressions.py::test_sparse_pred_probs_message[csc]",
    "test_regressions.py::test_sparse_pred_probs_message[csr]",
    "test_regressions.py::test_stream_batches_must_keep_the_number_of_classes",
    "test_regressions.py::test_tiny_alpha_cli",
    "test_regressions.py::test_tiny_alpha_estimator",
    "test_regressions.py::test_tiny_alpha_is_the_limit_alpha_to_0",
    "test_regressions.py::test_usage_errors_start_with_skmlq_error[alpha]",
    "test_regressions.py::test_usage_errors_start_with_skmlq_error[audit]",
    "test_regressions.py::test_usage_errors_start_with_skmlq_error[choice]",
    "test_regressions.py::test_usage_errors_start_with_skmlq_error[demo]",
    "test_regressions.py::test_usage_errors_start_with_skmlq_error[missing]",
    "test_regressions.py::test_utf8_byte_order_mark[labels]",
    "test_regressions.py::test_utf8_byte_order_mark[pred_probs-headerless]",
    "test_regressions.py::test_zero_examples_in_filter_and_dataset[common_multilabel_issues]",
    "test_regressions.py::test_zero_examples_in_filter_and_dataset[find_label_issues]",
    "test_regressions.py::test_zero_examples_in_filter_and_dataset[find_multilabel_issues_per_class]",  # noqa: E501
    "test_regressions.py::test_zero_examples_in_filter_and_dataset[overall_multilabel_health_score]",  # noqa: E501
    "test_regressions.py::test_zero_examples_in_filter_and_dataset[rank_classes_by_multilabel_quality]",  # noqa: E501
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
