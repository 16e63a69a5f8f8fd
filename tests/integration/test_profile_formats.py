"""Readable heap profiles: KPROFILE MEMORY DUMP [<dir>|-] [FORMAT f], TOP and
DIFF, each format read back by a real consumer (jeprof without the binary,
go tool pprof, an XML parser, the json module).

The profile tests hold 256 MiB with DEBUG HEAP-HOLD (256 blocks of 1 MiB)
and expect the function that allocated them, debug_heap_hold, to carry
256 MiB within 15% (the sampling error the accuracy test in test_memory.py
allows). DIFF of hand-written profile files also runs on the sanitizer build,
which has no profiler.
"""

import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness import BASALT_BIN, TARGET, error_of, parse_info, report

pytestmark = pytest.mark.basalt_only

MiB = 1 << 20
HOLD = 256 * MiB
JEPROF = shutil.which("jeprof")
GO = shutil.which("go")
EXTENSIONS = {"jeprof": ".heap", "pprof": ".pb.gz", "collapsed": ".collapsed", "svg": ".svg", "json": ".json"}
NOT_ALLOWED = "is not allowed: it must be in profiling-dir"


def _profiling_built_in():
    if TARGET != "basalt":
        return False
    out = subprocess.run([str(BASALT_BIN), "--version"], capture_output=True, text=True).stdout
    return "malloc=jemalloc" in out


PROFILING = _profiling_built_in()
needs_profiling = pytest.mark.skipif(not PROFILING, reason="this build has no jemalloc profiler (sanitizer build)")


def kprofile(client, *args):
    return client.execute_command("KPROFILE", "MEMORY", *args)


def pairs(items):
    """RESP2 map (flat array) -> {str: value}"""
    return {k.decode(): v for k, v in zip(items[0::2], items[1::2])}


def sites_of(reply):
    out = []
    for site in pairs(reply)["sites"]:
        s = pairs(site)
        s["function"] = s["function"].decode()
        s["stack"] = [f.decode() for f in s["stack"]]
        s["percent"] = float(s["percent"])
        out.append(s)
    return out


def near(value, expected, tolerance=0.15):
    return abs(value - expected) <= tolerance * expected


@pytest.fixture
def holder(start_server):
    """A server whose profile holds 256 MiB from debug_heap_hold."""
    srv = start_server(enable_debug_command="yes")
    c = srv.client()
    assert kprofile(c, "ENABLE") == b"OK"
    assert c.execute_command("DEBUG", "HEAP-HOLD", HOLD, 256) == HOLD
    yield srv, c
    c.execute_command("DEBUG", "HEAP-RELEASE")
    c.close()


# -- what each format must say, checked by its consumer ----------------------


def check_jeprof(data, tmp_path):
    assert data.startswith(b"--- symbol\n") and b"\n--- heap\nheap_v2/" in data
    if JEPROF is None:
        return
    # on "another machine": a copy elsewhere, and no binary given to jeprof
    copy = tmp_path / "elsewhere" / "copy.heap"
    copy.parent.mkdir(exist_ok=True)
    copy.write_bytes(data)
    proc = subprocess.run([JEPROF, "--text", str(copy)], capture_output=True, text=True, timeout=60,
                          cwd=str(copy.parent))
    assert proc.returncode == 0, proc.stderr
    flat = None
    for line in proc.stdout.splitlines():
        m = re.match(r"^\s*([\d.]+)\s+[\d.]+%\s+[\d.]+%\s+[\d.]+\s+[\d.]+%\s+(\S+)", line)
        if m and m.group(2) == "debug_heap_hold":
            flat = float(m.group(1))
    assert flat is not None, proc.stdout
    assert near(flat, 256), proc.stdout
    return flat


def check_pprof(data, tmp_path):
    assert data[:2] == b"\x1f\x8b"
    gzip.decompress(data)
    if GO is None:
        return
    path = tmp_path / "p.pb.gz"
    path.write_bytes(data)
    env = dict(os.environ, HOME=str(tmp_path), GOPATH=str(tmp_path / "go"), GOCACHE=str(tmp_path / "cache"))
    proc = subprocess.run([GO, "tool", "pprof", "-raw", str(path)], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "debug_heap_hold" in proc.stdout


def check_collapsed(data, tmp_path):
    lines = data.decode().splitlines()
    assert lines
    total = 0
    for line in lines:
        stack, _, count = line.rpartition(" ")
        assert stack and count.isdigit(), line
        if stack.endswith(";debug_heap_hold"):
            assert "cmd_debug;debug_heap_hold" in stack  # root first: the caller precedes the callee
            total += int(count)
    assert near(total, HOLD), lines


def check_svg(data, tmp_path):
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert b"debug_heap_hold" in data


def check_json(data, tmp_path):
    doc = json.loads(data)
    assert doc["sample_bytes"] == 524288
    assert doc["time_ms"] > 0 and doc["pid"] > 0
    top = doc["top"][0]
    assert top["stack"][0]["function"] == "debug_heap_hold"
    assert top["stack"][0]["file"].endswith("heap_hold.c") and top["stack"][0]["line"] > 0
    assert near(top["bytes"], HOLD)
    assert doc["totals"]["inuse_bytes"] >= top["bytes"]
    assert any(m["path"].endswith("basalt-server") and len(m["build_id"]) >= 16 for m in doc["modules"])


CHECKS = {"jeprof": check_jeprof, "pprof": check_pprof, "collapsed": check_collapsed, "svg": check_svg,
          "json": check_json}


@needs_profiling
class TestDumpFormats:
    @pytest.mark.parametrize("fmt", list(CHECKS))
    def test_dump_file_and_reply(self, holder, tmp_path, fmt):
        srv, c = holder
        path = Path(kprofile(c, "DUMP", "FORMAT", fmt).decode())
        assert path.parent == srv.dir / "profiles"
        assert re.fullmatch(rf"jeprof\.{srv.proc.pid}\.\d+\.\d+" + re.escape(EXTENSIONS[fmt]), path.name), path
        assert (os.lstat(path).st_mode & 0o777) == 0o600
        summary = json.loads(path.with_name(path.name + ".summary.json").read_text())
        assert summary["format"] == fmt and summary["file"] == path.name
        CHECKS[fmt](path.read_bytes(), tmp_path)
        data = kprofile(c, "DUMP", "-", "FORMAT", fmt)
        assert isinstance(data, bytes)
        CHECKS[fmt](data, tmp_path)
        files = sorted(p.name for p in path.parent.iterdir())
        assert len(files) == 2, files  # "-" writes no file

    def test_default_format_is_jeprof(self, holder, tmp_path):
        srv, c = holder
        path = Path(kprofile(c, "DUMP").decode())
        assert path.suffix == ".heap"
        flat = check_jeprof(path.read_bytes(), tmp_path)
        if flat is not None:
            report(f"profile formats: jeprof --text without the binary: debug_heap_hold {flat:.1f} MiB of 256")

    def test_redis_cli_pipes_a_dump(self, holder, tmp_path):
        """What an operator without disk access runs. redis-cli --raw ends its
        output with its -D delimiter (a newline), which gzip readers take for
        a truncated second member: an empty -D gives the exact bytes
        (docs/memory-profiling.md says so)."""
        srv, c = holder
        if shutil.which("redis-cli") is None:
            pytest.skip("redis-cli not installed")
        base = ["redis-cli", "-p", str(srv.port), "--raw"]
        cmd = ["KPROFILE", "MEMORY", "DUMP", "-", "FORMAT", "pprof"]
        out = subprocess.run(base + cmd, capture_output=True, timeout=60).stdout
        assert out.endswith(b"\n")
        check_pprof(out[:-1], tmp_path)
        exact = subprocess.run(base + ["-D", ""] + cmd, capture_output=True, timeout=60).stdout
        check_pprof(exact, tmp_path)

    def test_dump_errors(self, holder):
        srv, c = holder
        assert error_of(c, "KPROFILE", "MEMORY", "DUMP", "-", "FORMAT", "xml") == (
            "ERR FORMAT must be one of jeprof, pprof, collapsed, svg, json")
        assert error_of(c, "KPROFILE", "MEMORY", "DUMP", "-", "FORMAT") == "ERR syntax error"
        assert error_of(c, "KPROFILE", "MEMORY", "DUMP", "FORMAT") == "ERR syntax error"
        assert error_of(c, "KPROFILE", "MEMORY", "DUMP", "-", "x", "json") == "ERR syntax error"
        assert "is not allowed" in error_of(c, "KPROFILE", "MEMORY", "DUMP", "/etc", "FORMAT", "json")
        assert error_of(c, "KPROFILE", "MEMORY", "DUMP", "rel", "FORMAT", "json").startswith(
            "ERR dump directory must be an absolute path")
        assert not (srv.dir / "profiles").exists() or not list((srv.dir / "profiles").iterdir())


@needs_profiling
class TestTop:
    def test_top_shows_the_hold_first(self, holder):
        srv, c = holder
        reply = pairs(kprofile(c, "TOP"))
        assert reply["sample_bytes"] == 524288 and reply["stacks"] >= 1
        sites = sites_of(kprofile(c, "TOP"))
        assert 1 <= len(sites) <= 10
        first = sites[0]
        assert first["function"].startswith("debug_heap_hold (") and "heap_hold.c:" in first["function"]
        assert near(first["bytes"], HOLD) and near(first["objects"], 256)
        assert first["percent"] > 80
        assert first["stack"][0] == first["function"] and len(first["stack"]) == 4  # DEPTH 4 by default
        assert first["stack"][1].startswith("cmd_debug (")
        report(f"profile formats: TOP debug_heap_hold {first['bytes'] / MiB:.1f} MiB, {first['percent']}%")

    def test_top_options(self, holder):
        srv, c = holder
        sites = sites_of(kprofile(c, "TOP", 1, "DEPTH", 1))
        assert len(sites) == 1 and len(sites[0]["stack"]) == 1
        deep = sites_of(kprofile(c, "TOP", 1, "DEPTH", 0))  # whole stacks
        assert len(deep[0]["stack"]) > 4
        by_objects = sites_of(kprofile(c, "TOP", 50, "BY", "objects", "DEPTH", 2))
        objects = [s["objects"] for s in by_objects]
        assert objects == sorted(objects, reverse=True)

    def test_top_errors(self, holder):
        srv, c = holder
        count = "ERR the count must be an integer between 1 and 1000"
        assert error_of(c, "KPROFILE", "MEMORY", "TOP", 0) == count
        assert error_of(c, "KPROFILE", "MEMORY", "TOP", "x") == count
        assert error_of(c, "KPROFILE", "MEMORY", "TOP", 5, "BY", "size") == "ERR syntax error"
        assert error_of(c, "KPROFILE", "MEMORY", "TOP", "DEPTH", -1) == (
            "ERR DEPTH must be an integer between 0 and 128")
        assert error_of(c, "KPROFILE", "MEMORY", "TOP", "DEPTH") == "ERR syntax error"


@needs_profiling
class TestDiff:
    def test_diff_shows_the_growth(self, holder, tmp_path):
        srv, c = holder
        base = kprofile(c, "DUMP").decode()
        assert c.execute_command("DEBUG", "HEAP-HOLD", 64 * MiB, 64) == HOLD + 64 * MiB
        cur = kprofile(c, "DUMP").decode()
        reply = pairs(kprofile(c, "DIFF", base, cur))
        assert near(reply["growth_bytes"], 64 * MiB, 0.5)
        sites = sites_of(kprofile(c, "DIFF", base, cur))
        first = sites[0]
        assert first["function"].startswith("debug_heap_hold")
        assert near(first["growth_bytes"], 64 * MiB, 0.5)
        assert near(first["base_bytes"], HOLD) and first["bytes"] == first["base_bytes"] + first["growth_bytes"]
        report(f"profile formats: DIFF around HEAP-HOLD 64 MiB: debug_heap_hold +{first['growth_bytes'] / MiB:.1f} MiB")
        # the other way round it shrank
        back = sites_of(kprofile(c, "DIFF", cur, base, "BY", "bytes"))
        assert back[-1]["growth_bytes"] < 0 or all(s["growth_bytes"] <= 0 for s in back)
        # as a profile of the growth, in any format
        folded = kprofile(c, "DIFF", base, cur, "FORMAT", "collapsed").decode().splitlines()
        grown = sum(int(l.rpartition(" ")[2]) for l in folded if l.endswith(tuple("0123456789"))
                    and "debug_heap_hold" in l)
        assert near(grown, 64 * MiB, 0.5)
        doc = json.loads(kprofile(c, "DIFF", base, cur, "FORMAT", "json"))
        assert doc["top"][0]["stack"][0]["function"] == "debug_heap_hold"
        check_svg(kprofile(c, "DIFF", base, cur, "FORMAT", "svg"), tmp_path)


RAW_BASE = """heap_v2/524288
  t*: 2: 2097152 [0: 0]
@ 0x1010 0x2020
  t*: 2: 2097152 [0: 0]

MAPPED_LIBRARIES:
"""
RAW_CUR = """--- symbol
binary=/x/basalt-server
0x000000000000100f leaky
0x0000000000001010 leaky
0x000000000000201f main
---
--- heap
heap_v2/524288
  t*: 6: 6291456 [0: 0]
@ 0x1010 0x2020
  t*: 6: 6291456 [0: 0]
"""


def unsampled(count, size, period=524288):
    import math
    return round(count * size / (1 - math.exp(-size / period)))


class TestDiffFiles:
    """DIFF reads files, so it works on every build (the sanitizer one too)."""

    def test_diff_of_written_profiles(self, start_server):
        srv = start_server()
        c = srv.client()
        profiles = srv.dir / "profiles"
        profiles.mkdir(mode=0o700, exist_ok=True)
        (profiles / "base.heap").write_text(RAW_BASE)
        (profiles / "cur.heap").write_text(RAW_CUR)
        reply = pairs(kprofile(c, "DIFF", str(profiles / "base.heap"), str(profiles / "cur.heap")))
        assert reply["base_bytes"] == unsampled(2, MiB)
        assert reply["growth_bytes"] == unsampled(6, MiB) - unsampled(2, MiB)
        # the raw base has no names (not this process's dump): its stack is
        # addresses, the named one is another stack
        sites = sites_of(kprofile(c, "DIFF", str(profiles / "base.heap"), str(profiles / "cur.heap")))
        assert [s["function"] for s in sites] == ["leaky", "0x1010"]
        assert sites[0]["growth_bytes"] == unsampled(6, MiB) and sites[0]["stack"] == ["leaky", "main"]
        same = pairs(kprofile(c, "DIFF", str(profiles / "cur.heap"), str(profiles / "cur.heap")))
        assert same["growth_bytes"] == 0
        folded = kprofile(c, "DIFF", str(profiles / "base.heap"), str(profiles / "cur.heap"), "FORMAT", "collapsed")
        assert folded.decode() == f"main;leaky {unsampled(6, MiB)}\n"
        (profiles / "junk.heap").write_text("hello\n")
        err = error_of(c, "KPROFILE", "MEMORY", "DIFF", str(profiles / "junk.heap"), str(profiles / "cur.heap"))
        assert err.startswith("ERR ") and "heap_v2" in err
        c.close()

    def test_job_errors_count_as_failed_calls(self, start_server):
        """An error built on the job thread counts in commandstats like any
        other failed call (the command had already returned when it came)."""
        srv = start_server()
        c = srv.client()
        profiles = srv.dir / "profiles"
        profiles.mkdir(mode=0o700, exist_ok=True)
        (profiles / "junk.heap").write_text("hello\n")
        (profiles / "cur.heap").write_text(RAW_CUR)
        c.config_resetstat()
        for _ in range(3):
            assert error_of(c, "KPROFILE", "MEMORY", "DIFF", str(profiles / "junk.heap"), str(profiles / "cur.heap"))
        kprofile(c, "DIFF", str(profiles / "cur.heap"), str(profiles / "cur.heap"))
        line = parse_info(c.execute_command("INFO", "commandstats"))["commandstats"]["cmdstat_kprofile"]
        stats = dict(kv.split("=") for kv in line.split(","))
        assert stats["calls"] == "4" and stats["failed_calls"] == "3", stats
        c.close()

    def test_diff_path_refusals(self, start_server, tmp_path):
        srv = start_server()
        c = srv.client()
        profiles = srv.dir / "profiles"
        profiles.mkdir(mode=0o700, exist_ok=True)
        good = profiles / "a.heap"
        good.write_text(RAW_BASE)
        outside = tmp_path / "b.heap"
        outside.write_text(RAW_BASE)
        (profiles / "link.heap").symlink_to(good)
        (profiles / "sub").mkdir()

        def diff_error(path):
            return error_of(c, "KPROFILE", "MEMORY", "DIFF", str(good), path)

        assert NOT_ALLOWED in diff_error(str(outside))
        assert NOT_ALLOWED in diff_error("/etc/passwd")
        assert diff_error("a.heap") == "ERR profile path must be absolute: 'a.heap'"
        assert "must not contain '.' or '..'" in diff_error(f"{profiles}/../profiles/a.heap")
        assert "must not contain '.' or '..'" in diff_error(f"{profiles}/./a.heap")
        assert diff_error(str(profiles / "link.heap")).endswith("is a symbolic link")
        assert diff_error(str(profiles / "sub")).endswith("is not a regular file")
        assert "No such file" in diff_error(str(profiles / "missing.heap"))
        assert NOT_ALLOWED in diff_error(str(profiles / "sub" / "x.heap"))
        assert error_of(c, "KPROFILE", "MEMORY", "DIFF", str(good)) == (
            "ERR wrong number of arguments for 'kprofile|memory|diff' command")
        assert error_of(c, "KPROFILE", "MEMORY", "DIFF", str(good), str(good), "FORMAT", "xml").startswith(
            "ERR FORMAT must be one of")
        assert error_of(c, "KPROFILE", "MEMORY", "DIFF", str(good), str(good), "COUNT", 0) == (
            "ERR COUNT must be an integer between 1 and 1000")
        c.close()

    def test_listed_dump_dir_is_allowed(self, start_server, tmp_path):
        listed = tmp_path / "listed"
        listed.mkdir()
        srv = start_server(profiling_dump_dirs=str(listed))
        c = srv.client()
        (listed / "a.heap").write_text(RAW_BASE)
        (listed / "b.heap").write_text(RAW_CUR)
        reply = pairs(kprofile(c, "DIFF", str(listed / "a.heap"), str(listed / "b.heap")))
        assert reply["bytes"] == unsampled(6, MiB)
        c.close()


class TestJobs:
    """Profiles are read on a background thread; the asking client waits, in
    order, and disconnecting or shutting down meanwhile is harmless."""

    def _raw(self, srv):
        return socket.create_connection(("127.0.0.1", srv.port), timeout=30)

    def test_pipeline_order_is_kept(self, start_server):
        srv = start_server()
        profiles = srv.dir / "profiles"
        profiles.mkdir(mode=0o700, exist_ok=True)
        (profiles / "a.heap").write_text(RAW_CUR)
        path = str(profiles / "a.heap").encode()
        cmd = b"*5\r\n$8\r\nKPROFILE\r\n$6\r\nMEMORY\r\n$4\r\nDIFF\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (
            len(path), path, len(path), path)
        with self._raw(srv) as s:
            s.sendall(b"PING\r\n" + cmd + b"PING\r\n" + cmd + b"ECHO last\r\n")
            data = b""
            while not data.endswith(b"$4\r\nlast\r\n"):
                chunk = s.recv(65536)
                assert chunk, data
                data += chunk
        assert data.startswith(b"+PONG\r\n*10\r\n")
        first, second = data.split(b"+PONG\r\n")[1], data.split(b"+PONG\r\n")[2]
        assert first.startswith(b"*10\r\n$10\r\nbase_bytes")
        assert second.startswith(b"*10\r\n") and second.endswith(b"$4\r\nlast\r\n")

    def test_disconnect_and_shutdown_during_jobs(self, start_server):
        srv = start_server(enable_debug_command="yes")
        c = srv.client()
        profiles = srv.dir / "profiles"
        profiles.mkdir(mode=0o700, exist_ok=True)
        (profiles / "a.heap").write_text(RAW_CUR)
        path = str(profiles / "a.heap")
        jobs = [("DIFF", path, path)]
        if PROFILING:
            kprofile(c, "ENABLE")
            c.execute_command("DEBUG", "HEAP-STACKS", 5000)
            jobs += [("DUMP", "-", "FORMAT", "svg"), ("TOP",)]
        for args in jobs:  # asked, then gone before the answer
            s = self._raw(srv)
            parts = ["KPROFILE", "MEMORY", *args]
            s.sendall(b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p.encode()) for p in parts))
            s.close()
        assert c.ping()
        # and a job still running when the server stops
        s = self._raw(srv)
        s.sendall(b"*5\r\n$8\r\nKPROFILE\r\n$6\r\nMEMORY\r\n$4\r\nDUMP\r\n$1\r\n-\r\n$6\r\nFORMAT\r\n$4\r\njson\r\n"
                  if PROFILING else b"*3\r\n$8\r\nKPROFILE\r\n$6\r\nMEMORY\r\n$4\r\nHELP\r\n")
        c.close()
        assert srv.stop() in (0, None)
        s.close()


@pytest.mark.skipif(PROFILING or TARGET != "basalt", reason="only the sanitizer build has no profiler")
def test_not_available_without_jemalloc(start_server):
    srv = start_server()
    c = srv.client()
    for args in (("DUMP", "-", "FORMAT", "json"), ("TOP",), ("TOP", 3, "DEPTH", 1)):
        err = error_of(c, "KPROFILE", "MEMORY", *args)
        assert err.startswith("ERR memory profiling is not available: "), (args, err)
    c.close()
