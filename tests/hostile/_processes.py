"""Running the ``skmlq`` console script in a real process (signals, special files)."""

import os
import shutil
import subprocess
import sys
import time

import pytest


def console_script():
    exe = shutil.which("skmlq", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("the skmlq console script is not installed next to this python")
    return exe


def start(args, cwd, **kwargs):
    """Start ``skmlq ARGS`` in ``cwd`` with stdout/stderr captured as text."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("SKMLQ_DEBUG", None)
    return subprocess.Popen([console_script()] + [str(a) for a in args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **kwargs)


def wait_for(condition, timeout=60.0, interval=0.005):
    """Poll ``condition()`` until it is true; False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def importing_numpy(pid):
    """True once process ``pid`` has loaded numpy's extension (it is importing)."""
    try:
        with open(f"/proc/{pid}/maps") as fh:
            return "_multiarray_umath" in fh.read()
    except OSError:
        return False
