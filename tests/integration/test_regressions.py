"""Regression tests: each one failed before the fix it names."""

import pytest

from harness import error_of, run_until_exit


@pytest.mark.basalt_only
def test_config_set_refuses_control_characters(start_server):
    # CONFIG SET requirepass "a\nb" then CONFIG REWRITE used to write a file
    # the server could not start from.
    srv = start_server()
    with srv.raw() as c:
        err = error_of(c, "CONFIG", "SET", "requirepass", "a\nb")
        assert err.startswith("ERR CONFIG SET failed") and "control characters" in err
        assert c.execute("CONFIG", "GET", "requirepass") == [b"requirepass", b""]


def test_config_set_is_all_or_nothing(r):
    before = r.execute_command("CONFIG", "GET", "maxclients")[1]
    err = error_of(r, "CONFIG", "SET", "maxclients", "50", "timeout", "notanumber")
    assert err.startswith("ERR ")
    assert r.execute_command("CONFIG", "GET", "maxclients")[1] == before


def test_config_set_refuses_duplicates(r):
    err = error_of(r, "CONFIG", "SET", "timeout", "5", "timeout", "6")
    assert err.startswith("ERR CONFIG SET failed") and "duplicate" in err


def test_client_kill_by_type_spares_normal_clients(server):
    # TYPE master used to be ignored, killing every other client.
    with server.raw() as killer, server.raw() as bystander:
        assert killer.execute("CLIENT", "KILL", "TYPE", "master") == 0
        assert bystander.execute("PING") == b"PONG"
        assert error_of(killer, "CLIENT", "KILL", "TYPE", "bogus") == "ERR Unknown client type 'bogus'"


@pytest.mark.basalt_only  # MAXAGE arrived in Redis 7.4
def test_client_kill_maxage_spares_young_clients(server):
    with server.raw() as killer, server.raw() as bystander:
        assert killer.execute("CLIENT", "KILL", "MAXAGE", "3600") == 0
        assert bystander.execute("PING") == b"PONG"


def test_unauthenticated_requests_are_small(start_server):
    srv = start_server(requirepass="s3cret")
    with srv.raw() as c:
        c.send(b"*11\r\n")
        assert c.read_reply().message.startswith("ERR Protocol error: unauthenticated multibulk length")
        assert c.is_closed()
    with srv.raw() as c:
        c.send(b"*2\r\n$3\r\nGET\r\n$20000\r\n")
        assert c.read_reply().message.startswith("ERR Protocol error: unauthenticated bulk length")
    with srv.raw() as c:  # after AUTH the normal limits apply
        assert c.execute("AUTH", "s3cret") == b"OK"
        assert c.execute("SET", "big", "x" * 20000) == b"OK"


@pytest.mark.basalt_only
def test_sync_writes_need_the_wal(new_server, start_server):
    srv = new_server(**{"rocksdb.write_options.sync": "yes", "rocksdb.write_options.disable_wal": "yes"})
    status, output = run_until_exit(srv)
    assert status != 0 and "needs the WAL" in output
    srv = start_server(**{"rocksdb.write_options.disable_wal": "yes"})
    with srv.raw() as c:
        assert "needs the WAL" in error_of(c, "CONFIG", "SET", "rocksdb.write_options.sync", "yes")
        assert c.execute("CONFIG", "GET", "rocksdb.write_options.sync") == [b"rocksdb.write_options.sync", b"no"]
        assert c.execute("SET", "k", "v") == b"OK"


def test_keys_with_prefix_finds_only_matches(r):
    for key in ("user:1", "user:2", "users", "zzz", "a"):
        r.set(key, "x")
    assert sorted(r.keys("user:*")) == [b"user:1", b"user:2"]
    assert sorted(r.keys("user*")) == [b"user:1", b"user:2", b"users"]


def test_collections_survive_the_move_to_a_fresh_version(r):
    # After more deletions than live elements, the next write copies the
    # live elements under a new version (tombstone clean-up); nothing may be
    # lost or resurrected. Before the fix, SPOP draining a big set took
    # O(deleted) per pop.
    members = [f"m{i:05d}" for i in range(3000)]
    r.sadd("s", *members)
    r.hset("h", mapping={m: m.upper() for m in members})
    r.zadd("z", {m: i for i, m in enumerate(members)})
    for start in range(0, 2500, 500):
        chunk = members[start:start + 500]
        r.srem("s", *chunk)
        r.hdel("h", *chunk)
        r.zrem("z", *chunk)
    r.sadd("s", "extra")
    r.hset("h", "extra", "X")
    r.zadd("z", {"extra": -1})
    kept = members[2500:]
    assert sorted(r.smembers("s")) == sorted(m.encode() for m in kept + ["extra"])
    assert r.scard("s") == 501
    flat = r.execute_command("HGETALL", "h")
    assert dict(zip(flat[::2], flat[1::2])) == {**{m.encode(): m.upper().encode() for m in kept}, b"extra": b"X"}
    assert r.execute_command("ZRANGE", "z", 0, 2, "WITHSCORES") == [b"extra", b"-1", b"m02500", b"2500",
                                                                   b"m02501", b"2501"]
    assert r.zcard("z") == 501
    popped = r.spop("s", 600)
    assert len(popped) == 501 and r.exists("s") == 0


def _used_memory(r):
    info = r.execute_command("INFO", "memory").decode()
    return int(next(line.split(":")[1] for line in info.splitlines() if line.startswith("used_memory:")))


@pytest.mark.basalt_only
def test_a_client_that_does_not_read_is_not_buffered_without_bound(server, r):
    # Before the fix, 300 pipelined GETs of a 256 KiB value from a client
    # that reads nothing piled ~75 MiB of replies into its output buffer;
    # now reading pauses at 1 MiB of pending output and resumes as it drains.
    import socket
    import time
    value = b"x" * (256 * 1024)
    r.set("big", value)
    before = _used_memory(r)
    n = 300
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    sock.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * n)
    time.sleep(1.0)
    assert _used_memory(r) - before < 16 * 1024 * 1024
    assert r.ping() is True or r.ping() == b"PONG"  # others are still served
    # Every reply arrives, in order, once the client reads.
    expected = (b"$%d\r\n" % len(value) + value + b"\r\n") * n
    got = bytearray()
    sock.settimeout(20)
    while len(got) < len(expected):
        chunk = sock.recv(1 << 20)
        assert chunk, "server closed the connection"
        got += chunk
    sock.close()
    assert bytes(got) == expected
