from ._contract import GENERATED


def pytest_terminal_summary(terminalreporter):
    if GENERATED:
        detail = ", ".join(f"{k} {v}" for k, v in sorted(GENERATED.items()))
        terminalreporter.write_line(
            f"hostile-input fuzz: {sum(GENERATED.values())} inputs generated ({detail})"
        )
