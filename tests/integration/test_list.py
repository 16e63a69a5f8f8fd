"""Lists, including the blocking commands (checked against redis-server too)."""

import threading
import time

import pytest

from harness import NOT_INTEGER, error_of, wrong_arity

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def test_push_pop_range(r):
    assert r.rpush("l", "a", "b", "c") == 3
    assert r.lpush("l", "z", "y") == 5
    assert r.lrange("l", 0, -1) == [b"y", b"z", b"a", b"b", b"c"]
    assert r.lrange("l", -2, 100) == [b"b", b"c"]
    assert r.lrange("l", 3, 1) == []
    assert r.lrange("nosuch", 0, -1) == []
    assert r.lpop("l") == b"y"
    assert r.rpop("l") == b"c"
    assert r.llen("l") == 3
    assert r.execute_command("LPOP", "l", 2) == [b"z", b"a"]
    assert r.execute_command("RPOP", "l", 5) == [b"b"]
    assert r.exists("l") == 0  # the last pop removes the key
    assert r.lpop("l") is None
    assert r.execute_command("LPOP", "l", 2) is None


def test_pop_count_edges(r):
    r.rpush("l", "a")
    assert error_of(r, "LPOP", "l", -1) == "ERR value is out of range, must be positive"
    assert r.execute_command("LPOP", "l", 0) == []
    assert r.execute_command("LPOP", "nosuch", 0) is None
    assert error_of(r, "LPOP", "l", 1, 2) == wrong_arity("lpop")


def test_pushx(r):
    assert r.lpushx("l", "a") == 0
    assert r.exists("l") == 0
    r.rpush("l", "a")
    assert r.execute_command("RPUSHX", "l", "b", "c") == 3
    assert r.lpushx("l", "z") == 4
    assert r.lrange("l", 0, -1) == [b"z", b"a", b"b", b"c"]


def test_index_set(r):
    r.rpush("l", "a", "b", "c")
    assert r.lindex("l", 0) == b"a"
    assert r.lindex("l", -1) == b"c"
    assert r.lindex("l", 3) is None
    assert r.lindex("nosuch", 0) is None
    assert r.lset("l", 1, "B") == b"OK"
    assert r.lset("l", -1, "C") == b"OK"
    assert r.lrange("l", 0, -1) == [b"a", b"B", b"C"]
    assert error_of(r, "LSET", "l", 3, "x") == "ERR index out of range"
    assert error_of(r, "LSET", "nosuch", 0, "x") == "ERR no such key"
    assert error_of(r, "LINDEX", "l", "x") == NOT_INTEGER


def test_trim(r):
    r.rpush("l", *"abcdef")
    assert r.ltrim("l", 1, -2) == b"OK"
    assert r.lrange("l", 0, -1) == [b"b", b"c", b"d", b"e"]
    assert r.ltrim("l", 5, 10) == b"OK"
    assert r.exists("l") == 0
    assert r.ltrim("nosuch", 0, 1) == b"OK"


def test_rem(r):
    r.rpush("l", "a", "x", "b", "x", "c", "x")
    assert r.lrem("l", 1, "x") == 1
    assert r.lrange("l", 0, -1) == [b"a", b"b", b"x", b"c", b"x"]
    assert r.lrem("l", -1, "x") == 1
    assert r.lrange("l", 0, -1) == [b"a", b"b", b"x", b"c"]
    assert r.lrem("l", 0, "x") == 1
    assert r.lrem("l", 0, "nothing") == 0
    assert r.lrem("l", 0, "a") == 1
    assert r.lrange("l", 0, -1) == [b"b", b"c"]
    assert r.rpush("l", "d") == 3  # pushes still work after a rewrite
    assert r.lpush("l", "a") == 4
    assert r.lrange("l", 0, -1) == [b"a", b"b", b"c", b"d"]


def test_insert(r):
    r.rpush("l", "a", "c")
    assert r.linsert("l", "before", "c", "b") == 3
    assert r.linsert("l", "AFTER", "c", "d") == 4
    assert r.linsert("l", "before", "zz", "x") == -1
    assert r.linsert("nosuch", "before", "a", "x") == 0
    assert r.lrange("l", 0, -1) == [b"a", b"b", b"c", b"d"]
    assert error_of(r, "LINSERT", "l", "middle", "a", "x") == "ERR syntax error"


def test_lpos(r):
    r.rpush("l", "a", "b", "c", "1", "2", "3", "c", "c")
    assert r.execute_command("LPOS", "l", "c") == 2
    assert r.execute_command("LPOS", "l", "c", "RANK", 2) == 6
    assert r.execute_command("LPOS", "l", "c", "RANK", -1) == 7
    assert r.execute_command("LPOS", "l", "c", "COUNT", 0) == [2, 6, 7]
    assert r.execute_command("LPOS", "l", "c", "COUNT", 2, "RANK", -1) == [7, 6]
    assert r.execute_command("LPOS", "l", "c", "COUNT", 0, "MAXLEN", 3) == [2]
    assert r.execute_command("LPOS", "l", "zz") is None
    assert r.execute_command("LPOS", "l", "zz", "COUNT", 0) == []
    assert error_of(r, "LPOS", "l", "c", "RANK", 0).startswith("ERR RANK can't be zero")
    assert error_of(r, "LPOS", "l", "c", "COUNT", -1) == "ERR COUNT can't be negative"
    assert error_of(r, "LPOS", "l", "c", "MAXLEN", -1) == "ERR MAXLEN can't be negative"
    assert error_of(r, "LPOS", "l", "c", "BOGUS", 1) == "ERR syntax error"


def test_lmove_and_rpoplpush(r):
    r.rpush("src", "a", "b", "c")
    assert r.lmove("src", "dst", "LEFT", "RIGHT") == b"a"
    assert r.lmove("src", "dst", "RIGHT", "LEFT") == b"c"
    assert r.lrange("dst", 0, -1) == [b"c", b"a"]
    assert r.rpoplpush("src", "dst") == b"b"
    assert r.exists("src") == 0
    assert r.lrange("dst", 0, -1) == [b"b", b"c", b"a"]
    assert r.rpoplpush("dst", "dst") == b"a"  # rotation
    assert r.lrange("dst", 0, -1) == [b"a", b"b", b"c"]
    assert r.lmove("nosuch", "dst", "LEFT", "LEFT") is None
    assert error_of(r, "LMOVE", "dst", "x", "UP", "LEFT") == "ERR syntax error"
    r.set("str", "v")
    assert error_of(r, "LMOVE", "dst", "str", "LEFT", "LEFT") == WRONGTYPE
    assert r.llen("dst") == 3  # nothing moved


def test_lmpop(r):
    r.rpush("b", "1", "2", "3")
    assert r.execute_command("LMPOP", 2, "a", "b", "LEFT") == [b"b", [b"1"]]
    assert r.execute_command("LMPOP", 2, "a", "b", "RIGHT", "COUNT", 5) == [b"b", [b"3", b"2"]]
    assert r.execute_command("LMPOP", 2, "a", "b", "LEFT") is None
    assert error_of(r, "LMPOP", 0, "a", "LEFT") == "ERR numkeys should be greater than 0"
    assert error_of(r, "LMPOP", 3, "a", "LEFT") == "ERR syntax error"
    assert error_of(r, "LMPOP", 1, "a", "UP") == "ERR syntax error"
    assert error_of(r, "LMPOP", 1, "a", "LEFT", "COUNT", 0) == "ERR count should be greater than 0"


def test_wrong_types(r):
    r.set("s", "v")
    for args in (("LPUSH", "s", "x"), ("LPOP", "s"), ("LRANGE", "s", 0, 1), ("LLEN", "s"), ("LINDEX", "s", 0),
                 ("BLPOP", "s", 0.1)):
        assert error_of(r, *args) == WRONGTYPE, args
    r.rpush("l", "a")
    assert error_of(r, "GET", "l") == WRONGTYPE
    assert r.type("l") == b"list"
    r.set("l", "now a string")  # SET overwrites any type
    assert r.get("l") == b"now a string"


def test_binary_and_empty_elements(r):
    r.rpush("l", b"a\x00b", b"", b"\xff")
    assert r.lrange("l", 0, -1) == [b"a\x00b", b"", b"\xff"]


def test_delete_and_recreate_has_no_old_elements(r):
    r.rpush("l", *range(100))
    assert r.delete("l") == 1
    r.rpush("l", "fresh")
    assert r.lrange("l", 0, -1) == [b"fresh"]


def test_expire_rename_copy(r):
    r.rpush("l", "a", "b")
    assert r.expire("l", 100) == 1
    assert 0 < r.ttl("l") <= 100
    assert r.rename("l", "m") == b"OK"
    assert r.lrange("m", 0, -1) == [b"a", b"b"]
    assert r.copy("m", "n") == 1
    r.rpush("n", "c")
    assert r.lrange("m", 0, -1) == [b"a", b"b"]
    assert r.lrange("n", 0, -1) == [b"a", b"b", b"c"]
    assert r.execute_command("SCAN", 0, "TYPE", "list", "COUNT", 100)[1] in ([b"m", b"n"], [b"n", b"m"])


# -- blocking -----------------------------------------------------------------


def blocked_call(server, *args):
    """Starts a command on a new connection in a thread; returns (thread, box)."""
    box = {}

    def run():
        with server.raw(timeout=20) as c:
            box["reply"] = c.call(*args)
            box["at"] = time.monotonic()

    t = threading.Thread(target=run)
    t.start()
    return t, box


def wait_blocked(r, n):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        info = r.execute_command("INFO", "clients").decode()
        if f"blocked_clients:{n}" in info:
            return
        time.sleep(0.02)
    raise AssertionError(f"expected {n} blocked clients")


def test_blpop_returns_at_once_when_data(r):
    r.rpush("l", "a")
    assert list(r.blpop(["nosuch", "l"], timeout=1)) == [b"l", b"a"]


def test_blpop_times_out(r):
    t0 = time.monotonic()
    assert r.execute_command("BLPOP", "nosuch", 0.2) is None
    assert 0.15 < time.monotonic() - t0 < 2


def test_blpop_is_woken_by_a_push(server, r):
    t, box = blocked_call(server, "BLPOP", "q", 5)
    wait_blocked(r, 1)
    assert r.rpush("q", "hello") == 1
    t.join(10)
    assert box["reply"] == [b"q", b"hello"]
    assert r.exists("q") == 0
    wait_blocked(r, 0)


def test_blocked_clients_are_served_in_order(server, r):
    t1, b1 = blocked_call(server, "BRPOP", "q", 5)
    wait_blocked(r, 1)
    t2, b2 = blocked_call(server, "BRPOP", "q", 5)
    wait_blocked(r, 2)
    r.rpush("q", "first")
    t1.join(10)
    r.rpush("q", "second")
    t2.join(10)
    assert b1["reply"] == [b"q", b"first"]
    assert b2["reply"] == [b"q", b"second"]


def test_one_push_of_two_serves_two_clients(server, r):
    threads = [blocked_call(server, "BLPOP", "q", 5) for _ in range(2)]
    wait_blocked(r, 2)
    r.rpush("q", "a", "b")
    for t, _ in threads:
        t.join(10)
    assert sorted(box["reply"][1] for _, box in threads) == [b"a", b"b"]


def test_blmove_and_brpoplpush(server, r):
    t, box = blocked_call(server, "BLMOVE", "src", "dst", "LEFT", "RIGHT", 5)
    wait_blocked(r, 1)
    r.rpush("src", "x")
    t.join(10)
    assert box["reply"] == b"x"
    assert r.lrange("dst", 0, -1) == [b"x"]
    assert r.execute_command("BRPOPLPUSH", "nosuch", "dst", 0.1) is None


def test_blmpop(server, r):
    t, box = blocked_call(server, "BLMPOP", 5, 2, "a", "b", "LEFT", "COUNT", 2)
    wait_blocked(r, 1)
    r.rpush("b", "1", "2", "3")
    t.join(10)
    assert box["reply"] == [b"b", [b"1", b"2"]]
    assert r.execute_command("BLMPOP", 0.1, 1, "a", "LEFT") is None


def test_blocking_timeout_errors(r):
    assert error_of(r, "BLPOP", "q", -1) == "ERR timeout is negative"
    assert error_of(r, "BLPOP", "q", "abc") == "ERR timeout is not a float or out of range"


def test_pipelined_commands_wait_for_the_blocked_one(server, r):
    with server.raw(timeout=10) as c:
        c.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n5\r\n*1\r\n$4\r\nPING\r\n")
        wait_blocked(r, 1)
        r.rpush("q", "v")
        assert c.read_reply() == [b"q", b"v"]
        assert c.read_reply() == b"PONG"


def test_disconnected_blocked_client_is_forgotten(server, r):
    c = server.raw(timeout=5)
    c.send_command("BLPOP", "q", 0)
    wait_blocked(r, 1)
    c.close()
    wait_blocked(r, 0)
    r.rpush("q", "kept")
    assert r.lrange("q", 0, -1) == [b"kept"]


def test_concurrent_pushers_and_poppers_lose_nothing(server, r):
    per_thread, threads = 300, 4
    got = []
    lock = threading.Lock()

    def push(t):
        c = server.client()
        for i in range(per_thread):
            c.rpush("q", f"{t}:{i}")

    def pop():
        c = server.client()
        mine = []
        while len(mine) < per_thread:
            item = c.blpop("q", timeout=10)
            assert item is not None, "a pop timed out: elements were lost"
            mine.append(item[1])
        with lock:
            got.extend(mine)

    workers = [threading.Thread(target=push, args=(t,)) for t in range(threads)]
    workers += [threading.Thread(target=pop) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert len(got) == per_thread * threads
    assert len(set(got)) == len(got)
    assert r.exists("q") == 0


def test_rename_onto_a_key_wakes_its_waiter(server, r):
    t, box = blocked_call(server, "BLPOP", "q", 5)
    wait_blocked(r, 1)
    r.rpush("tmp", "moved")
    assert r.rename("tmp", "q") == b"OK"
    t.join(10)
    assert box["reply"] == [b"q", b"moved"]


def test_lrem_with_the_smallest_count(r):
    # LREM with count LLONG_MIN overflowed |count| (UBSan, sanitizer build).
    r.rpush("l", "a", "b", "a")
    assert r.lrem("l", -9223372036854775808, "a") == 2
    assert r.lrange("l", 0, -1) == [b"b"]
