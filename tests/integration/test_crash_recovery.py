"""Crash recovery: SIGKILL during concurrent writes loses no acknowledged
write and corrupts nothing (see crash_workload.py for the exact rule).
scripts/soak-crash runs the same rounds for longer."""

import os

import pytest

from crash_workload import CrashRounds
from harness import ServerProcess, report

pytestmark = pytest.mark.basalt_only

ROUNDS = int(os.environ.get("BASALT_CRASH_ROUNDS", "20"))


@pytest.fixture
def crash_server():
    srv = ServerProcess()
    try:
        srv.start()
        yield srv
        srv.stop()
    finally:
        srv.cleanup()


def test_sigkill_during_writes_keeps_every_acknowledged_write(crash_server):
    rounds = CrashRounds(crash_server, writers=4)
    total = 0
    for _ in range(ROUNDS):
        total += rounds.run_round()
    assert total > 0, "no write was acknowledged in any round: the test tested nothing"
    report(f"crash recovery: {ROUNDS} SIGKILL rounds, {total} acknowledged writes verified")
