"""The sanitizer build's leak check is real: LeakSanitizer runs when the
server exits, reports a leaked allocation, and the exit status says so —
which is what makes every other test's clean SIGTERM exit (the fixtures
require status 0) a leak check of the server."""

import os

import pytest

from harness import BASALT_BIN, ServerProcess

pytestmark = pytest.mark.basalt_only


def is_sanitizer_build():
    return b"__asan_init" in BASALT_BIN.read_bytes()


def test_debug_leak_is_reported_by_leaksanitizer_at_exit():
    srv = ServerProcess(config={"enable-debug-command": "yes"})
    try:
        srv.start()
        client = srv.client()
        assert client.execute_command("DEBUG", "LEAK", 4242) == b"OK"
        client.close()
        status = srv.stop(check=False)
        if not is_sanitizer_build():
            assert status == 0  # no leak check without the sanitizer
            pytest.skip("not the AddressSanitizer build (make SANITIZE=1): nothing checks leaks")
        if "detect_leaks=0" in os.environ.get("ASAN_OPTIONS", ""):
            pytest.fail("ASAN_OPTIONS disables the leak check: the suite would not see leaks")
        err = srv.stderr_text()
        assert status != 0, f"a leak must make the exit status non-zero\n{err[-3000:]}"
        assert "ERROR: LeakSanitizer: detected memory leaks" in err, err[-3000:]
        assert "4242 byte(s) leaked" in err, err[-3000:]
        assert "debug_leak" in err, err[-3000:]
    finally:
        srv.cleanup()


def test_clean_exit_has_no_leak_report():
    """The counterpart: the same life cycle without the leak exits 0."""
    srv = ServerProcess(config={"enable-debug-command": "yes"})
    try:
        srv.start()
        client = srv.client()
        client.set("k", "v")
        client.close()
        status = srv.stop(check=False)
        assert "LeakSanitizer" not in srv.stderr_text()
        assert status == 0
    finally:
        srv.cleanup()
