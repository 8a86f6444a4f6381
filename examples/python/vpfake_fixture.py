"""Start a vpfake process for a test and stop it afterwards (standard library only)."""

import contextlib
import os
import shutil
import subprocess
import threading
from collections import deque

READY = "vpfake listening on "


@contextlib.contextmanager
def run_vpfake(binary=None, args=(), timeout=30):
    """Run vpfake on a free loopback port and yield its endpoint URL.

    The binary is `binary`, else $VPFAKE_BIN, else `vpfake` on PATH.
    """
    binary = binary or os.environ.get("VPFAKE_BIN") or shutil.which("vpfake")
    if not binary:
        raise RuntimeError("vpfake not found: pass binary=, set VPFAKE_BIN or put vpfake on PATH")
    proc = subprocess.Popen(
        [binary, "-addr", "127.0.0.1:0", *args],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    output = deque(maxlen=50)  # the last lines, for error messages
    ready = threading.Event()
    found = []

    def drain():  # read stderr to the end, so that the fake never blocks on its log
        for line in proc.stderr:
            output.append(line)
            if not found and line.startswith(READY):
                found.append(line[len(READY):].strip())
                ready.set()
        ready.set()

    threading.Thread(target=drain, daemon=True).start()
    try:
        if not ready.wait(timeout) or not found:
            try:
                status = f"exit status {proc.wait(timeout=1)}"
            except subprocess.TimeoutExpired:
                status = "still running"
            raise RuntimeError(
                f"{binary} did not print {READY!r} within {timeout}s ({status}); its output:\n{''.join(output)}"
            )
        yield found[0]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
