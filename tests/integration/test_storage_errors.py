"""RocksDB write errors (a full disk): writes answer errors, reads keep
working, INFO says so, and writes work again once space returns — without a
restart and without losing an acknowledged write.

Two ways to fill the disk:
* tests/fault/enospc_preload.c, LD_PRELOADed into the server: while a
  trigger file exists, writes of files under the data directory fail with
  ENOSPC. Needs no privileges, so it always runs.
* a real 16 MiB tmpfs: needs CAP_SYS_ADMIN for mount(2); skipped without.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import redis

from harness import BASALT_BIN, ServerProcess, parse_info

pytestmark = pytest.mark.basalt_only

SHIM = BASALT_BIN.parent / "enospc_preload.so"
RECOVERY_TIMEOUT = 30.0


def persistence(client):
    return parse_info(client.execute_command("INFO", "persistence"))["persistence"]


def wait_for_writes(client, key):
    """Retries a SET until it succeeds; returns the seconds it took."""
    start = time.monotonic()
    while True:
        try:
            client.set(key, b"back")
            return time.monotonic() - start
        except redis.ResponseError as exc:
            if time.monotonic() - start > RECOVERY_TIMEOUT:
                raise AssertionError(f"writes still fail {RECOVERY_TIMEOUT}s after space returned: {exc}")
            time.sleep(0.2)


def write_acknowledged(client, tag, count, value=b"v"):
    """Writes of every family; returns what must be there later."""
    expected = {}
    for i in range(count):
        key = f"{tag}:s{i}"
        assert client.set(key, value + str(i).encode())
        expected[key] = value + str(i).encode()
    client.hset(f"{tag}:h", mapping={f"f{i}": i for i in range(10)})
    client.rpush(f"{tag}:l", *range(10))
    return expected


def check_present(client, tag, expected):
    for key, value in expected.items():
        assert client.get(key) == value, key
    assert client.hlen(f"{tag}:h") == 10
    assert client.lrange(f"{tag}:l", 0, -1) == [str(i).encode() for i in range(10)]


@pytest.fixture
def faulty_server():
    if not SHIM.is_file():
        pytest.skip(f"{SHIM} not built (make builds it next to the server)")
    srv = ServerProcess()
    trigger = srv.root / "disk-full"
    srv.env = {
        "LD_PRELOAD": str(SHIM),
        "BASALT_FAULT_DIR": str(srv.dir.resolve()),
        "BASALT_FAULT_TRIGGER": str(trigger),
        # An ASan build wants its runtime first in the library list; the
        # shim is not instrumented and only wraps libc's write calls.
        "ASAN_OPTIONS": ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "verify_asan_link_order=0"])),
    }
    try:
        srv.start()
        yield srv, trigger
        srv.stop()
    finally:
        srv.cleanup()


def test_full_disk_gives_error_replies_keeps_reads_and_recovers(faulty_server):
    srv, trigger = faulty_server
    client = srv.client()
    before = write_acknowledged(client, "before", 50)
    assert persistence(client)["rocksdb_write_status"] == "ok"

    trigger.touch()  # the disk is full from now on
    failed = []
    for cmd in (("SET", "during:s", "x"), ("INCR", "during:c"), ("HSET", "during:h", "f", "v"),
                ("RPUSH", "during:l", "a"), ("SADD", "during:t", "m"), ("ZADD", "during:z", "1", "m"),
                ("DEL", "before:s0"), ("SET", "before:s1", "overwritten")):
        with pytest.raises(redis.ResponseError) as exc:
            client.execute_command(*cmd)
        assert "No space left on device" in str(exc.value), exc.value
        assert str(exc.value).startswith("ERR storage error: write failed: IO error"), exc.value
        failed.append(cmd)
    # Reads keep working while writes fail, and the server stays up.
    check_present(client, "before", before)
    assert client.ping()
    info = persistence(client)
    assert info["rocksdb_write_status"] == "err"
    assert int(info["rocksdb_write_errors"]) >= len(failed)
    assert "No space left on device" in info["rocksdb_last_write_error"]
    assert int(info["rocksdb_last_write_error_time"]) > 0

    trigger.unlink()  # space returns: no restart, writes work again
    took = wait_for_writes(client, "recovered")
    assert persistence(client)["rocksdb_write_status"] == "ok"
    after = write_acknowledged(client, "after", 20)
    # Nothing that failed was applied, nothing acknowledged was lost.
    for key in ("during:s", "during:c", "during:h", "during:l", "during:t", "during:z"):
        assert client.exists(key) == 0, key
    check_present(client, "before", before)
    check_present(client, "after", after)
    assert "writes work again" in srv.stderr_text()
    assert int(persistence(client)["rocksdb_write_recoveries"]) == 1

    # And all of it survives a restart.
    client.close()
    srv.restart()
    client = srv.client()
    check_present(client, "before", before)
    check_present(client, "after", after)
    assert client.get("recovered") == b"back"
    client.close()
    print(f"writes recovered {took:.1f}s after space returned")


def test_device_error_keeps_reads_and_recovers_when_the_device_works(faulty_server):
    """EIO (a failing device) is not a full disk: RocksDB does not resume by
    itself, but Basalt's reopen does, once the disk takes writes again."""
    srv, trigger = faulty_server
    client = srv.client()
    before = write_acknowledged(client, "before", 10)
    client.close()
    srv.stop()
    srv.env["BASALT_FAULT_ERRNO"] = "EIO"
    srv.start()
    client = srv.client()
    trigger.touch()
    for _ in range(3):
        with pytest.raises(redis.ResponseError) as exc:
            client.set("during", "x")
        assert "Input/output error" in str(exc.value)
    check_present(client, "before", before)
    assert persistence(client)["rocksdb_write_status"] == "err"
    time.sleep(2.5)  # recovery attempts while the device still fails change nothing
    with pytest.raises(redis.ResponseError):
        client.set("during", "x")
    check_present(client, "before", before)
    trigger.unlink()
    wait_for_writes(client, "after")
    check_present(client, "before", before)
    assert client.get("during") is None
    client.close()


@pytest.fixture
def tmpfs_dir():
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    mnt = Path(tempfile.mkdtemp(prefix="basalt-tmpfs-"))
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mnt)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        mnt.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
        mnt.rmdir()


def test_real_full_tmpfs_recovers_when_space_returns(tmpfs_dir):
    # Ballast reserves space we can give back later.
    ballast = tmpfs_dir / "ballast"
    ballast.write_bytes(b"\0" * (6 << 20))
    # RocksDB resumes after a full disk once a write buffer's worth of space
    # is free: keep it small.
    srv = ServerProcess(config={"rocksdb.write_buffer_size": 1})
    srv.dir = tmpfs_dir / "data"
    srv.dir.mkdir()
    try:
        srv.start()
        client = srv.client()
        value = os.urandom(65536)  # incompressible: the table files fill the disk too
        acked = 0
        full = None
        for i in range(400):
            try:
                client.set(f"k{i}", value)
                acked += 1
            except redis.ResponseError as exc:
                full = str(exc)
                break
        assert full is not None, "the 16 MiB tmpfs never filled up"
        assert "No space left on device" in full, full
        assert acked > 0
        assert client.get("k0") == value  # reads keep working
        assert persistence(client)["rocksdb_write_status"] == "err"
        ballast.unlink()  # space returns
        wait_for_writes(client, "recovered")
        for i in range(acked):
            assert client.strlen(f"k{i}") == len(value), i
        client.close()
        srv.restart()
        client = srv.client()
        assert client.exists(*[f"k{i}" for i in range(acked)]) == acked
        client.close()
        srv.stop()
    finally:
        srv.cleanup()


def test_reopen_under_concurrent_load_loses_nothing(faulty_server):
    """Writers and iterating readers run while the disk fills and empties
    three times: each reopen waits for commands in flight, nothing hangs or
    crashes, and every acknowledged write is there at the end."""
    import threading

    srv, trigger = faulty_server
    stop = threading.Event()
    acked = {}  # writer -> acknowledged SETs (each writer writes w:i in order)
    problems = []

    def writer(name):
        client = srv.client()
        i = 0
        while not stop.is_set():
            try:
                client.set(f"{name}:{i}", i)
                client.sadd(f"{name}:set", i)
                i += 1
                acked[name] = i
            except redis.ResponseError as exc:
                if "storage error" not in str(exc):
                    problems.append(str(exc))
                time.sleep(0.01)
            except Exception as exc:  # noqa: BLE001 - a dropped connection is a failure here
                problems.append(repr(exc))
                return
        client.close()

    def reader():
        client = srv.client()
        while not stop.is_set():
            try:
                client.execute_command("SCAN", 0, "COUNT", 50)
                client.smembers("w0:set")
                client.execute_command("DBSIZE")
            except Exception as exc:  # noqa: BLE001
                problems.append(repr(exc))
                return
        client.close()

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(3)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    probe = srv.client()
    try:
        for _ in range(3):
            time.sleep(0.3)
            trigger.touch()
            time.sleep(0.5)
            trigger.unlink()
            wait_for_writes(probe, "probe")
        time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(20)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert not problems, problems[:5]
    assert int(persistence(probe)["rocksdb_write_recoveries"]) >= 3
    for name, count in acked.items():
        assert count > 0
        values = probe.mget([f"{name}:{i}" for i in range(count)])
        missing = [i for i, v in enumerate(values) if v != str(i).encode()]
        assert not missing, (name, missing[:10])
        assert probe.scard(f"{name}:set") == count
    probe.close()
