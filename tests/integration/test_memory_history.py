"""The memory timeline: KPROFILE MEMORY HISTORY, MEMORY DOCTOR's sustained
growth finding, and automatic heap profiles (profiling-dump-interval,
profiling-dump-keep, profiling-dump-on-growth).

All Basalt-specific.  History and DOCTOR work on every build; automatic
dumps need the jemalloc profiler, so on the sanitizer build only their
"not available" behaviour is checked.
"""

import json
import re
import time
from pathlib import Path

import pytest

from harness import error_of, now_ms, parse_info, wrong_arity
from test_memory import PROFILING, needs_profiling

pytestmark = pytest.mark.basalt_only

MiB = 1 << 20
FIELDS = [b"time_ms", b"allocated", b"active", b"resident", b"rss", b"rocksdb.memtables",
          b"rocksdb.block_cache", b"rocksdb.table_readers", b"clients.buffers", b"profiler.overhead"]
BAD_SECONDS = "ERR seconds must be a positive integer"
GROWTH = re.compile(r"Sustained memory growth: allocated \+(\d+)% over (.+?) \(([\d.]+ \w+) -> ([\d.]+ \w+)\), "
                    r"mostly in (.+?) \(\+([\d.]+ \w+)\)\.")
UNITS = {"B": 1, "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3, "TiB": 1024 ** 4}


def size_bytes(text):
    """ "12.0 MiB" -> bytes, as DOCTOR prints sizes."""
    number, unit = text.split()
    return float(number) * UNITS[unit]


AUTO_DUMP_NAME = re.compile(r"^jeprof\.(\d+)\.(\d+)\.(\d+)\.heap$")


def kprofile(client, *args):
    return client.execute_command("KPROFILE", "MEMORY", *args)


def history(client, *seconds):
    """KPROFILE MEMORY HISTORY -> (header, [ {field: value} ])."""
    reply = kprofile(client, "HISTORY", *seconds)
    header, rows = reply[0], reply[1:]
    return header, [dict(zip((f.decode() for f in header), row)) for row in rows]


def info_memory(client):
    return parse_info(client.execute_command("INFO", "memory"))["memory"]


def status(client):
    reply = kprofile(client, "STATUS")
    out = {}
    for key, value in zip(reply[0::2], reply[1::2]):
        out[key.decode()] = value.decode() if isinstance(value, bytes) else value
    return out


def config_get(client, pattern):
    """CONFIG GET -> {str: str}"""
    items = client.execute_command("CONFIG", "GET", pattern)
    return {k.decode(): v.decode() for k, v in zip(items[0::2], items[1::2])}


def config_set(client, key, value):
    return client.execute_command("CONFIG", "SET", key, value) == b"OK"


def wait_for(predicate, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def doctor(client):
    return client.execute_command("MEMORY", "DOCTOR").decode()


# -- HISTORY --------------------------------------------------------------------


def test_history_has_a_sample_per_second(start_server):
    srv = start_server()
    client = srv.client()
    assert client.ping()  # connected from here on (redis-py connects lazily)
    t0 = now_ms()
    time.sleep(4.2)
    header, rows = history(client)
    assert header == FIELDS
    assert len(rows) >= 4, rows
    times = [row["time_ms"] for row in rows]
    assert times == sorted(times) and len(set(times)) == len(times), times
    assert t0 - 1500 <= times[0] and times[-1] <= now_ms() + 5
    assert now_ms() - times[-1] < 2500
    for a, b in zip(times, times[1:]):
        assert 300 <= b - a <= 2500, times  # once a second, give or take a busy machine
    for row in rows:
        assert all(isinstance(v, int) and v >= 0 for v in row.values()), row
        assert row["allocated"] > 0 and row["rss"] > 0 and row["active"] >= row["allocated"]
    # the test's own connection is in the client buffers from the second sample on
    assert rows[-1]["clients.buffers"] > 0
    assert int(info_memory(client)["memory_history_samples"]) >= len(rows)
    client.close()


def test_history_last_seconds(start_server):
    srv = start_server()
    client = srv.client()
    time.sleep(3.5)
    for seconds in (1, 2, 3):
        for _ in range(5):  # retry when a new sample lands between the two calls
            _, everything = history(client)
            _, last = history(client, seconds)
            if last and last[-1] == everything[-1]:
                break
        newest = everything[-1]["time_ms"]
        # the samples newer than the newest one's time minus the seconds (usually `seconds` of them;
        # one more when a late tick was followed by a punctual one)
        assert last == [row for row in everything if row["time_ms"] > newest - seconds * 1000], (seconds, last)
        assert 1 <= len(last) <= seconds + 1
    _, lots = history(client, 10 ** 15)
    assert len(lots) >= len(everything)
    client.close()


@pytest.mark.parametrize("bad", ["0", "-1", "x", "1.5", "", "9223372036854775808"])
def test_history_bad_seconds(r, bad):
    assert error_of(r, "KPROFILE", "MEMORY", "HISTORY", bad) == BAD_SECONDS


def test_history_arity_and_help(r):
    assert error_of(r, "KPROFILE", "MEMORY", "HISTORY", "1", "2") == wrong_arity("kprofile|memory|history")
    lines = [line.decode() for line in kprofile(r, "HELP")]
    assert any(line.startswith("HISTORY [<seconds>]") for line in lines), lines


def test_history_resp3(r3):
    reply = r3.execute("KPROFILE", "MEMORY", "HISTORY")
    assert reply[0] == FIELDS
    assert all(len(row) == len(FIELDS) and all(isinstance(v, int) for v in row) for row in reply[1:])


def test_history_without_the_profiler(start_server, monkeypatch):
    """History is allocator and RocksDB numbers: it works when profiling is not."""
    monkeypatch.setenv("MALLOC_CONF", "prof:false")
    srv = start_server()
    client = srv.client()
    assert error_of(client, "KPROFILE", "MEMORY", "STATUS").startswith("ERR memory profiling is not available")
    time.sleep(1.5)
    header, rows = history(client)
    assert header == FIELDS and rows and rows[-1]["allocated"] > 0
    client.close()


def test_history_capacity(start_server):
    srv = start_server(memory_history_seconds=3)
    client = srv.client()
    time.sleep(5.2)
    _, rows = history(client)
    assert len(rows) == 3, rows
    mem = info_memory(client)
    assert mem["memory_history_capacity"] == "3" and mem["memory_history_samples"] == "3"
    assert config_set(client, "memory-history-seconds", 10)
    _, kept = history(client)
    assert kept[:3] == rows or kept[0]["time_ms"] > rows[0]["time_ms"]  # nothing lost by growing
    time.sleep(3.2)
    _, rows = history(client)
    assert len(rows) >= 5
    assert config_set(client, "memory-history-seconds", 2)
    _, rows = history(client)
    assert len(rows) <= 2
    assert info_memory(client)["memory_history_capacity"] == "2"
    client.close()


def test_history_config_errors(r):
    before = config_get(r, "memory-history-seconds")
    for bad in ("0", "86401", "x"):
        assert error_of(r, "CONFIG", "SET", "memory-history-seconds", bad).startswith("ERR CONFIG SET failed")
    assert config_get(r, "memory-history-seconds") == before


def test_peak_is_sampled_between_commands(start_server):
    """The sampler thread keeps used_memory_peak current (workers no longer
    sample it): a hold released before anyone asks still shows as the peak."""
    srv = start_server(enable_debug_command="yes")
    client = srv.client()
    before = int(info_memory(client)["used_memory_peak"])
    client.execute_command("DEBUG", "HEAP-HOLD", 64 * MiB, 64)
    time.sleep(2.5)  # at least one sampler tick
    client.execute_command("DEBUG", "HEAP-RELEASE")
    peak = int(info_memory(client)["used_memory_peak"])
    assert peak >= before + 60 * MiB, (before, peak)
    assert int(info_memory(client)["used_memory"]) < peak - 60 * MiB
    client.close()


# -- MEMORY DOCTOR ------------------------------------------------------------------


def test_doctor_reports_sustained_growth(start_server):
    srv = start_server(enable_debug_command="yes", memory_doctor_windows="6")
    client = srv.client()
    # Above DOCTOR's 5 MiB floor, then steady: no growth finding.
    client.execute_command("DEBUG", "HEAP-HOLD", 16 * MiB, 16)
    time.sleep(7.5)
    text = doctor(client)
    assert "Sustained memory growth" not in text, text
    # 1 MiB every 0.4 s for 8 s: a staircase of about 20 MiB.
    start = time.monotonic()
    while time.monotonic() - start < 8:
        client.execute_command("DEBUG", "HEAP-HOLD", MiB, 1)
        time.sleep(0.4)
    text = doctor(client)
    m = GROWTH.search(text)
    assert m, text
    # The share depends on the baseline (RocksDB's memtables and their bloom
    # filters are part of "allocated"); the bytes do not: about 15 MiB of
    # the staircase fall in the 6-second window.
    assert int(m.group(1)) >= 10 and m.group(2) == "6 seconds"
    grown = size_bytes(m.group(4)) - size_bytes(m.group(3))
    assert 8 * MiB <= grown <= 24 * MiB, text
    assert m.group(5) == "heap outside the tracked components", text
    assert "KPROFILE MEMORY ENABLE" in text
    assert text.rstrip().endswith("I want to help you.")
    # released and steady again: the finding goes away once the window has passed
    client.execute_command("DEBUG", "HEAP-RELEASE")
    client.execute_command("DEBUG", "HEAP-HOLD", 16 * MiB, 16)
    time.sleep(7.5)
    assert "Sustained memory growth" not in doctor(client)
    client.execute_command("DEBUG", "HEAP-RELEASE")
    client.close()


def test_doctor_windows_config(r):
    before = config_get(r, "memory-doctor-windows")
    assert before == {"memory-doctor-windows": "60 600 3600"}
    for bad in ("", "0", "10 x", "-5", "1 2 3 4 5 6 7 8 9"):
        err = error_of(r, "CONFIG", "SET", "memory-doctor-windows", bad)
        assert err.startswith("ERR CONFIG SET failed (possibly related to argument 'memory-doctor-windows')"), err
        assert config_get(r, "memory-doctor-windows") == before
    assert config_set(r, "memory-doctor-windows", "30 120")
    assert config_get(r, "memory-doctor-windows") == {"memory-doctor-windows": "30 120"}
    assert config_set(r, "memory-doctor-windows", "60 600 3600")


def test_doctor_windows_refused_at_startup(new_server):
    srv = new_server(memory_doctor_windows="soon")
    with pytest.raises(Exception):
        srv.start(timeout=5)
    assert "memory-doctor-windows" in srv.stderr_text()


# -- automatic dumps -------------------------------------------------------------------


def auto_dump_config_errors(r):
    for key, bad in (("profiling-dump-keep", "0"), ("profiling-dump-interval", "-1"),
                     ("profiling-dump-on-growth", "-1"), ("profiling-dump-on-growth", "lots")):
        before = config_get(r, key)
        assert error_of(r, "CONFIG", "SET", key, bad).startswith("ERR CONFIG SET failed"), (key, bad)
        assert config_get(r, key) == before


def test_auto_dump_config(r):
    assert config_get(r, "profiling-dump-*") == {
        "profiling-dump-dirs": "/tmp", "profiling-dump-interval": "0", "profiling-dump-keep": "10",
        "profiling-dump-on-growth": "0"}
    auto_dump_config_errors(r)
    assert config_set(r, "profiling-dump-on-growth", "64mb")
    assert config_get(r, "profiling-dump-on-growth") == {"profiling-dump-on-growth": str(64 * MiB)}
    assert config_set(r, "profiling-dump-on-growth", "0")


@pytest.mark.skipif(PROFILING, reason="checks the build without the profiler")
def test_auto_dumps_without_the_profiler(start_server):
    srv = start_server(profiling_dump_interval=1, profiling_dump_on_growth=1)
    client = srv.client()
    time.sleep(2.5)
    assert error_of(client, "KPROFILE", "MEMORY", "ENABLE").startswith("ERR memory profiling is not available")
    mem = info_memory(client)
    assert mem["heap_profiling_auto_dumps"] == "0" and mem["heap_profiling_auto_dumps_failed"] == "0"
    assert not (srv.dir / "profiles").exists()
    client.close()


def auto_dumps_in(directory, pid):
    """Automatic dump files of process pid in directory -> sorted [(seq, Path)]."""
    out = []
    for p in directory.iterdir():
        m = AUTO_DUMP_NAME.match(p.name)
        if m and int(m.group(1)) == pid:
            out.append((int(m.group(2)), p))
    return sorted(out)


@needs_profiling
def test_periodic_dumps_with_retention(start_server):
    srv = start_server(profiling_dump_interval=1, profiling_dump_keep=2)
    client = srv.client()
    profiles = srv.dir / "profiles"
    profiles.mkdir(mode=0o700)
    # Files the server did not write: never removed, whatever they look like.
    foreign = [profiles / "notes.txt", profiles / "jeprof.1.0.1.heap", profiles / "jeprof.1.0.1.heap.summary.json",
               profiles / f"jeprof.{srv.proc.pid}.999.1.heap"]
    for p in foreign:
        p.write_text("not the server's\n")
    time.sleep(2.5)
    assert status(client)["auto_dumps"] == 0  # profiling is not active: no automatic dumps
    manual = Path(kprofile(client, "DUMP").decode())
    assert kprofile(client, "ENABLE") == b"OK"
    assert wait_for(lambda: status(client)["auto_dumps"] >= 5, 12), status(client)
    assert config_set(client, "profiling-dump-interval", 0)
    time.sleep(1.5)  # a dump asked for just before may still be written
    st = status(client)
    written = st["auto_dumps"]
    assert st["auto_dumps_removed"] == written - 2 and st["auto_dumps_failed"] == 0, st
    dumps = [p for _, p in auto_dumps_in(profiles, srv.proc.pid) if p != manual and p not in foreign]
    assert len(dumps) == 2, sorted(profiles.iterdir())
    assert st["last_auto_dump"] == str(dumps[-1])
    for p in dumps:
        summary = json.loads((p.parent / (p.name + ".summary.json")).read_text())
        assert summary["trigger"] == "interval" and summary["file"] == p.name
        assert summary["rocksdb"]["block_cache_capacity"] > 0
    summaries = {p.name for p in profiles.iterdir() if p.name.endswith(".summary.json")}
    assert summaries == {p.name + ".summary.json" for p in [manual, *dumps, foreign[1]]}, summaries
    for p in foreign:
        assert p.read_text() == "not the server's\n"
    assert manual.exists()
    mem = info_memory(client)
    assert mem["heap_profiling_auto_dumps"] == str(written)
    assert mem["heap_profiling_auto_dumps_removed"] == str(written - 2)
    assert mem["heap_profiling_last_auto_dump"] == str(dumps[-1])
    # Lowering the retention removes the older one straight away.
    assert config_set(client, "profiling-dump-keep", 1)
    # (the file goes first, the counter follows)
    assert wait_for(lambda: not dumps[0].exists() and status(client)["auto_dumps_removed"] == written - 1, 3)
    assert dumps[1].exists() and status(client)["auto_dumps"] == written
    assert kprofile(client, "DISABLE") == b"OK"
    client.close()


@needs_profiling
def test_dump_on_growth_once_per_rate_limit(start_server):
    srv = start_server(enable_debug_command="yes", profiling_dump_on_growth="24mb")
    client = srv.client()
    assert kprofile(client, "ENABLE") == b"OK"
    time.sleep(2.2)  # armed at the next tick, with the current peak as the baseline
    client.execute_command("DEBUG", "HEAP-HOLD", 8 * MiB, 8)
    time.sleep(2.2)
    assert status(client)["auto_dumps"] == 0  # 8 MiB is under the threshold
    t0 = now_ms()
    client.execute_command("DEBUG", "HEAP-HOLD", 32 * MiB, 32)
    assert wait_for(lambda: status(client)["auto_dumps"] == 1, 5), status(client)
    st = status(client)
    path = Path(st["last_auto_dump"])
    m = AUTO_DUMP_NAME.match(path.name)
    assert path.parent == srv.dir / "profiles" and m and int(m.group(3)) >= t0 - 1000
    summary = json.loads((path.parent / (path.name + ".summary.json")).read_text())
    assert summary["trigger"] == "growth" and summary["allocated"] >= 40 * MiB
    # Self-contained and symbolized like a manual DUMP: readable on another machine.
    text = path.read_text()
    assert text.startswith("--- symbol") and "debug_heap_hold" in text, text[:300]
    assert summary["format"] == "jeprof"
    # Growing again at once: rate-limited (one growth dump per 60 s).
    client.execute_command("DEBUG", "HEAP-HOLD", 48 * MiB, 48)
    time.sleep(3.2)
    assert status(client)["auto_dumps"] == 1
    client.execute_command("DEBUG", "HEAP-RELEASE")
    assert kprofile(client, "DISABLE") == b"OK"
    client.close()


@needs_profiling
def test_auto_dump_failure_is_counted_not_fatal(start_server):
    srv = start_server(profiling_dump_interval=1)
    client = srv.client()
    (srv.dir / "profiles").write_text("a file where the directory should be\n")
    assert kprofile(client, "ENABLE") == b"OK"
    assert wait_for(lambda: status(client)["auto_dumps_failed"] >= 1, 5), status(client)
    assert status(client)["auto_dumps"] == 0
    assert client.ping()
    assert "automatic heap profile (interval) failed" in srv.stderr_text()
    assert kprofile(client, "DISABLE") == b"OK"
    client.close()
