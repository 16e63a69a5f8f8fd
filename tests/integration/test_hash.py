"""Hash commands: Redis 7.0 replies and error texts (checked against redis-server too).

Redis returns the fields of a small hash in insertion order and of a large
one in hash order; Basalt returns them in byte order. Where Redis leaves the
order unspecified, the tests compare sorted results.
"""

import threading
import time

import pytest

from harness import NOT_INTEGER, SYNTAX, error_of, wrong_arity
from resp_client import RespMap

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_FLOAT = "ERR value is not a valid float"
HASH_NOT_INTEGER = "ERR hash value is not an integer"
HASH_NOT_FLOAT = "ERR hash value is not a float"
OVERFLOW = "ERR increment or decrement would overflow"
LLONG_MAX = 2**63 - 1


def pairs(flat):
    """A flat [field, value, ...] reply as a dict."""
    return dict(zip(flat[::2], flat[1::2]))


def scan_all(r, command, key, **options):
    """Runs HSCAN/SSCAN to the end; returns every element returned."""
    args = []
    for name, value in options.items():
        args += [name.upper(), value]
    cursor, seen = b"0", []
    for _ in range(10_000):
        cursor, items = r.execute_command(command, key, cursor, *args)
        seen += items
        if cursor == b"0":
            return seen
    raise AssertionError("scan did not finish")


# -- HSET / HGET / HMSET / HSETNX ---------------------------------------------------


def test_hset_hget(r):
    assert r.execute_command("HSET", "h", "f1", "v1") == 1
    assert r.execute_command("HSET", "h", "f1", "v2", "f2", "x", "f3", "y") == 2
    assert r.hget("h", "f1") == b"v2"
    assert r.hget("h", "f2") == b"x"
    assert r.hget("h", "nosuch") is None
    assert r.hget("nosuch", "f1") is None
    assert r.hlen("h") == 3


def test_hset_same_field_twice_counts_once_and_last_value_wins(r):
    assert r.execute_command("HSET", "h", "a", "1", "a", "2", "b", "3") == 2
    assert r.hget("h", "a") == b"2"
    assert r.hlen("h") == 2
    assert r.execute_command("HSET", "h", "a", "4", "a", "5") == 0
    assert r.hget("h", "a") == b"5"


def test_hset_many_repeated_fields(r):
    args = []
    for i in range(60):
        args += [f"f{i % 7}", str(i)]
    assert r.execute_command("HSET", "h", *args) == 7
    assert r.hlen("h") == 7
    assert r.hget("h", "f0") == b"56"  # the last value given for f0
    assert r.hget("h", "f6") == b"55"
    assert r.hdel("h", *[f"f{i % 3}" for i in range(50)]) == 3
    assert r.hlen("h") == 4


def test_hset_same_value_again_is_not_new(r):
    assert r.execute_command("HSET", "h", "a", "1") == 1
    assert r.execute_command("HSET", "h", "a", "1") == 0
    assert r.hget("h", "a") == b"1"


@pytest.mark.parametrize("args", [
    ["HSET", "h", "f"],
    ["HSET", "h", "f", "v", "g"],
    ["HMSET", "h", "f"],
    ["HMSET", "h", "f", "v", "g"],
])
def test_hset_odd_arguments(r, args):
    assert error_of(r, *args) == wrong_arity(args[0].lower())
    assert r.exists("h") == 0


def test_hmset(r):
    assert r.execute_command("HMSET", "h", "a", "1", "b", "2") == b"OK"
    assert r.execute_command("HMSET", "h", "a", "3") == b"OK"
    assert r.hmget("h", "a", "b", "c") == [b"3", b"2", None]


def test_hsetnx(r):
    assert r.hsetnx("h", "f", "v1") == 1
    assert r.hsetnx("h", "f", "v2") == 0
    assert r.hget("h", "f") == b"v1"
    assert r.hsetnx("h", "g", "w") == 1
    assert r.hlen("h") == 2


def test_hmget(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    assert r.hmget("h", "b", "x", "a", "b") == [b"2", None, b"1", b"2"]
    assert r.hmget("nosuch", "a", "b") == [None, None]


def test_empty_field_and_value(r):
    assert r.execute_command("HSET", "h", "", "") == 1
    assert r.hget("h", "") == b""
    assert r.hexists("h", "") == 1
    assert r.hstrlen("h", "") == 0
    assert r.execute_command("HGETALL", "h") == [b"", b""]


def test_binary_safe_fields_and_values(r):
    field, value = b"f\x00\xff\r\nx", b"\x00v\x00\xfe"
    assert r.execute_command("HSET", "h", field, value, b"f", b"plain") == 2
    assert r.hget("h", field) == value
    assert r.hget("h", b"f\x00") is None
    assert r.hstrlen("h", field) == len(value)
    assert sorted(r.hkeys("h")) == sorted([field, b"f"])
    assert pairs(r.execute_command("HGETALL", "h")) == {field: value, b"f": b"plain"}
    assert r.hdel("h", field) == 1
    assert r.hkeys("h") == [b"f"]


# -- HDEL / HLEN / HEXISTS / HSTRLEN ----------------------------------------------------


def test_hdel(r):
    r.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    assert r.hdel("h", "a", "x", "a") == 1
    assert r.hlen("h") == 2
    assert r.hdel("nosuch", "a") == 0
    assert r.hdel("h", "b", "c") == 2
    assert r.exists("h") == 0  # the last field takes the key with it
    assert r.hlen("h") == 0
    assert r.type("h") == b"none"


def test_hlen_hexists_hstrlen(r):
    r.hset("h", mapping={"a": "hello", "b": ""})
    assert r.hlen("h") == 2
    assert r.hlen("nosuch") == 0
    assert r.hexists("h", "a") == 1
    assert r.hexists("h", "z") == 0
    assert r.hexists("nosuch", "a") == 0
    assert r.hstrlen("h", "a") == 5
    assert r.hstrlen("h", "b") == 0
    assert r.hstrlen("h", "z") == 0
    assert r.hstrlen("nosuch", "a") == 0


# -- HINCRBY / HINCRBYFLOAT ------------------------------------------------------------


def test_hincrby(r):
    assert r.hincrby("h", "n", 5) == 5
    assert r.hincrby("h", "n", -7) == -2
    assert r.hget("h", "n") == b"-2"
    assert r.hincrby("h", "m", 0) == 0
    assert r.hlen("h") == 2
    r.hset("h", "big", str(LLONG_MAX - 1))
    assert r.hincrby("h", "big", 1) == LLONG_MAX
    assert error_of(r, "HINCRBY", "h", "big", 1) == OVERFLOW
    assert r.hget("h", "big") == str(LLONG_MAX).encode()


@pytest.mark.parametrize("stored", ["abc", "1.5", " 1", "01", "", "9223372036854775808"])
def test_hincrby_value_not_integer(r, stored):
    r.hset("h", "f", stored)
    assert error_of(r, "HINCRBY", "h", "f", 1) == HASH_NOT_INTEGER
    assert r.hget("h", "f") == stored.encode()


def test_hincrby_bad_increment(r):
    r.hset("h", "f", "1")
    assert error_of(r, "HINCRBY", "h", "f", "x") == NOT_INTEGER
    assert error_of(r, "HINCRBY", "h", "f", "1.0") == NOT_INTEGER
    r.set("s", "v")
    assert error_of(r, "HINCRBY", "s", "f", "x") == NOT_INTEGER  # checked before the type


def test_hincrby_keeps_ttl(r):
    r.hset("h", "f", "1")
    r.expire("h", 100)
    r.hincrby("h", "f", 1)
    r.hincrby("h", "g", 1)
    assert 90 <= r.ttl("h") <= 100


def test_hincrbyfloat(r):
    assert r.execute_command("HINCRBYFLOAT", "h", "f", "10.5") == b"10.5"
    assert r.execute_command("HINCRBYFLOAT", "h", "f", "0.1") == b"10.6"
    assert r.execute_command("HINCRBYFLOAT", "h", "f", "-5") == b"5.6"
    assert r.execute_command("HINCRBYFLOAT", "h", "g", "5.0e3") == b"5000"
    assert r.execute_command("HINCRBYFLOAT", "h", "g", "2.0e2") == b"5200"
    r.hset("h", "i", "3")
    assert r.execute_command("HINCRBYFLOAT", "h", "i", "1") == b"4"
    r.hset("h", "lead", "01")
    assert r.execute_command("HINCRBYFLOAT", "h", "lead", "1") == b"2"
    assert r.hget("h", "f") == b"5.6"


@pytest.mark.parametrize("stored", ["abc", " 1", "1 ", "", "nan"])
def test_hincrbyfloat_value_not_float(r, stored):
    r.hset("h", "f", stored)
    assert error_of(r, "HINCRBYFLOAT", "h", "f", "1") == HASH_NOT_FLOAT


def test_hincrbyfloat_bad_increment(r):
    assert error_of(r, "HINCRBYFLOAT", "h", "f", "x") == NOT_FLOAT
    assert error_of(r, "HINCRBYFLOAT", "h", "f", "nan") == NOT_FLOAT
    assert error_of(r, "HINCRBYFLOAT", "h", "f", "inf") == "ERR value is NaN or Infinity"
    assert error_of(r, "HINCRBYFLOAT", "h", "f", "-inf") == "ERR value is NaN or Infinity"
    r.set("s", "v")
    assert error_of(r, "HINCRBYFLOAT", "s", "f", "x") == NOT_FLOAT
    assert r.exists("h") == 0


# -- HGETALL / HKEYS / HVALS -------------------------------------------------------------


def test_hgetall_hkeys_hvals(r):
    data = {f"f{i}".encode(): f"v{i}".encode() for i in range(20)}
    r.hset("h", mapping=data)
    flat = r.execute_command("HGETALL", "h")
    assert len(flat) == 40
    assert pairs(flat) == data
    assert sorted(r.hkeys("h")) == sorted(data)
    assert sorted(r.hvals("h")) == sorted(data.values())
    assert r.execute_command("HGETALL", "nosuch") == []
    assert r.hkeys("nosuch") == []
    assert r.hvals("nosuch") == []


@pytest.mark.basalt_only
def test_fields_come_in_byte_order(r):
    r.execute_command("HSET", "h", "b", "2", "a", "1", b"\xff", "3", "A", "0", "", "e")
    assert r.hkeys("h") == [b"", b"A", b"a", b"b", b"\xff"]
    assert r.hvals("h") == [b"e", b"0", b"1", b"2", b"3"]


def test_resp3_reply_types(r3):
    r3.execute("HSET", "h", "a", "1", "b", "2")
    assert r3.execute("HGETALL", "h") == RespMap({b"a": b"1", b"b": b"2"})
    assert isinstance(r3.execute("HGETALL", "h"), RespMap)
    assert r3.execute("HGETALL", "nosuch") == RespMap()
    assert sorted(r3.execute("HKEYS", "h")) == [b"a", b"b"]
    assert type(r3.execute("HKEYS", "h")) is list
    assert r3.execute("HMGET", "h", "a", "z") == [b"1", None]
    assert r3.execute("HGET", "h", "z") is None
    r3.send_command("HGET", "h", "z")
    assert r3.read_raw_reply() == b"_\r\n"
    r3.send_command("HRANDFIELD", "nosuch")
    assert r3.read_raw_reply() == b"_\r\n"
    pairs3 = r3.execute("HRANDFIELD", "h", 2, "WITHVALUES")
    assert sorted(pairs3) == [[b"a", b"1"], [b"b", b"2"]]
    repeated = r3.execute("HRANDFIELD", "h", -5, "WITHVALUES")
    assert len(repeated) == 5
    assert all(pair in ([b"a", b"1"], [b"b", b"2"]) for pair in repeated)
    cursor, items = r3.execute("HSCAN", "h", 0)
    assert cursor == b"0" and sorted(zip(items[::2], items[1::2])) == [(b"a", b"1"), (b"b", b"2")]


# -- HSCAN ----------------------------------------------------------------------------------


def test_hscan_iterates_everything_once(r):
    data = {f"field:{i:03}".encode(): str(i).encode() for i in range(150)}
    r.hset("h", mapping=data)
    seen = scan_all(r, "HSCAN", "h", count=7)
    assert len(seen) == 300
    assert pairs(seen) == data


def test_hscan_match(r):
    r.hset("h", mapping={"apple": "1", "avocado": "2", "banana": "3", "apricot": "4"})
    seen = scan_all(r, "HSCAN", "h", match="a*o*")
    assert pairs(seen) == {b"avocado": b"2", b"apricot": b"4"}
    assert scan_all(r, "HSCAN", "h", match="zzz*") == []


def test_hscan_small_count_returns_at_most_count(r):
    # Above Redis's hash-max-listpack-entries (512), or Redis answers all at once.
    r.hset("h", mapping={f"f{i}": i for i in range(1000)})
    cursor, items = r.execute_command("HSCAN", "h", 0, "COUNT", 5)
    # Redis may return a little more than COUNT for a hash table; never the whole hash here.
    assert cursor != b"0"
    assert 0 < len(items) // 2 < 1000


def test_hscan_missing_key_and_errors(r):
    assert r.execute_command("HSCAN", "nosuch", 0) == [b"0", []]
    assert r.execute_command("HSCAN", "nosuch", 0, "COUNT", 0) == [b"0", []]  # options unparsed
    assert error_of(r, "HSCAN", "nosuch", "x") == "ERR invalid cursor"
    r.hset("h", "a", "1")
    assert error_of(r, "HSCAN", "h", "abc") == "ERR invalid cursor"
    assert error_of(r, "HSCAN", "h", 0, "COUNT", 0) == SYNTAX
    assert error_of(r, "HSCAN", "h", 0, "COUNT", "x") == NOT_INTEGER
    assert error_of(r, "HSCAN", "h", 0, "MATCH") == SYNTAX
    assert error_of(r, "HSCAN", "h", 0, "TYPE", "hash") == SYNTAX
    assert error_of(r, "HSCAN", "h", 0, "NOVALUES") == SYNTAX
    r.set("s", "v")
    assert error_of(r, "HSCAN", "s", 0) == WRONGTYPE


# -- HRANDFIELD -----------------------------------------------------------------------------


def test_hrandfield_single(r):
    assert r.execute_command("HRANDFIELD", "nosuch") is None
    data = {f"f{i}".encode(): str(i).encode() for i in range(10)}
    r.hset("h", mapping=data)
    seen = {r.execute_command("HRANDFIELD", "h") for _ in range(200)}
    assert seen <= set(data)
    assert len(seen) > 5  # random, not always the same field


def test_hrandfield_count(r):
    data = {f"f{i}".encode(): str(i).encode() for i in range(10)}
    r.hset("h", mapping=data)
    three = r.execute_command("HRANDFIELD", "h", 3)
    assert len(three) == 3 and len(set(three)) == 3 and set(three) <= set(data)
    assert sorted(r.execute_command("HRANDFIELD", "h", 10)) == sorted(data)
    assert sorted(r.execute_command("HRANDFIELD", "h", 100)) == sorted(data)
    assert r.execute_command("HRANDFIELD", "h", 0) == []
    with_values = pairs(r.execute_command("HRANDFIELD", "h", 4, "WITHVALUES"))
    assert len(with_values) == 4
    assert all(data[f] == v for f, v in with_values.items())
    everything = pairs(r.execute_command("HRANDFIELD", "h", 50, "withvalues"))
    assert everything == data


def test_hrandfield_negative_count_repeats(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    picks = r.execute_command("HRANDFIELD", "h", -50)
    assert len(picks) == 50
    assert set(picks) == {b"a", b"b"}
    flat = r.execute_command("HRANDFIELD", "h", -20, "WITHVALUES")
    assert len(flat) == 40
    assert all((f, v) in ((b"a", b"1"), (b"b", b"2")) for f, v in zip(flat[::2], flat[1::2]))
    assert r.execute_command("HRANDFIELD", "nosuch", -5) == []
    assert r.execute_command("HRANDFIELD", "nosuch", 5, "WITHVALUES") == []


def test_hrandfield_errors(r):
    r.hset("h", "a", "1")
    assert error_of(r, "HRANDFIELD", "h", "x") == NOT_INTEGER
    assert error_of(r, "HRANDFIELD", "h", 1, "x") == SYNTAX
    assert error_of(r, "HRANDFIELD", "h", 1, "WITHVALUES", "x") == SYNTAX
    assert error_of(r, "HRANDFIELD", "h", -(2**63)) == (
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
    assert error_of(r, "HRANDFIELD", "h", -(2**62), "WITHVALUES") == "ERR value is out of range"
    r.set("s", "v")
    assert error_of(r, "HRANDFIELD", "s") == WRONGTYPE
    assert error_of(r, "HRANDFIELD", "s", 0) == WRONGTYPE


# -- types ------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["HSET", "s", "f", "v"], ["HSETNX", "s", "f", "v"], ["HMSET", "s", "f", "v"], ["HGET", "s", "f"],
    ["HMGET", "s", "f"], ["HGETALL", "s"], ["HDEL", "s", "f"], ["HLEN", "s"], ["HEXISTS", "s", "f"],
    ["HINCRBY", "s", "f", 1], ["HINCRBYFLOAT", "s", "f", 1], ["HKEYS", "s"], ["HVALS", "s"],
    ["HSTRLEN", "s", "f"], ["HSCAN", "s", 0], ["HRANDFIELD", "s", 1],
], ids=lambda a: a[0])
def test_hash_commands_on_a_string(r, args):
    r.set("s", "value")
    assert error_of(r, *args) == WRONGTYPE
    assert r.get("s") == b"value"


@pytest.mark.parametrize("args", [
    ["GET", "h"], ["APPEND", "h", "x"], ["INCR", "h"], ["STRLEN", "h"], ["GETRANGE", "h", 0, 1],
    ["SADD", "h", "m"], ["SMEMBERS", "h"], ["LPUSH", "h", "x"],
], ids=lambda a: a[0])
def test_other_commands_on_a_hash(r, args):
    r.hset("h", "f", "v")
    assert error_of(r, *args) == WRONGTYPE
    assert r.hget("h", "f") == b"v"


def test_set_overwrites_a_hash(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    assert r.set("h", "plain") == b"OK"
    assert r.type("h") == b"string"
    assert r.delete("h") == 1
    r.hset("h", "c", "3")
    assert r.execute_command("HGETALL", "h") == [b"c", b"3"]  # no fields of the old hash


@pytest.mark.parametrize("args", [
    ["HGET", "h"], ["HSETNX", "h", "f"], ["HLEN"], ["HEXISTS", "h"], ["HGETALL"], ["HDEL", "h"],
    ["HINCRBY", "h", "f"], ["HSTRLEN", "h"], ["HSCAN", "h"], ["HRANDFIELD"], ["HMGET", "h"],
], ids=lambda a: " ".join(map(str, a)))
def test_arity(r, args):
    assert error_of(r, *args) == wrong_arity(args[0].lower())


@pytest.mark.parametrize("name, arity, flags, keys", [
    ("hset", -4, {b"write", b"denyoom", b"fast"}, (1, 1, 1)),
    ("hget", 3, {b"readonly", b"fast"}, (1, 1, 1)),
    ("hgetall", 2, {b"readonly"}, (1, 1, 1)),
    ("hscan", -3, {b"readonly"}, (1, 1, 1)),
    ("hrandfield", -2, {b"readonly"}, (1, 1, 1)),
])
def test_command_info(r, name, arity, flags, keys):
    [info] = r.execute_command("COMMAND", "INFO", name)
    assert info[0] == name.encode()
    assert info[1] == arity
    assert set(info[2]) == flags
    assert tuple(info[3:6]) == keys


# -- generic key commands on hashes ---------------------------------------------------------


def test_type_exists_dbsize_scan_type(r):
    r.hset("h", "f", "v")
    r.set("s", "v")
    assert r.type("h") == b"hash"
    assert r.exists("h") == 1
    assert r.dbsize() == 2
    cursor, keys = b"0", []
    while True:
        cursor, batch = r.execute_command("SCAN", cursor, "TYPE", "hash")
        keys += batch
        if cursor == b"0":
            break
    assert keys == [b"h"]


def test_expire_ttl_persist(r):
    r.hset("h", "f", "v")
    assert r.ttl("h") == -1
    assert r.expire("h", 100) == 1
    assert 99 <= r.ttl("h") <= 100
    r.hset("h", "g", "w")  # a write keeps the TTL
    assert 98 <= r.ttl("h") <= 100
    assert r.persist("h") == 1
    assert r.ttl("h") == -1
    assert r.hlen("h") == 2


def test_expired_hash_disappears_and_comes_back_empty(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    r.pexpire("h", 50)
    time.sleep(0.2)
    assert r.hlen("h") == 0
    assert r.exists("h") == 0
    assert r.hget("h", "a") is None
    assert r.hset("h", "c", "3") == 1
    assert r.execute_command("HGETALL", "h") == [b"c", b"3"]
    assert r.ttl("h") == -1


def test_del_then_recreate_has_no_old_fields(r):
    r.hset("h", mapping={f"f{i}": i for i in range(50)})
    assert r.delete("h") == 1
    assert r.hlen("h") == 0
    assert r.hget("h", "f1") is None
    assert r.hset("h", "new", "1") == 1
    assert r.hlen("h") == 1
    assert r.execute_command("HGETALL", "h") == [b"new", b"1"]
    assert r.hget("h", "f1") is None
    assert scan_all(r, "HSCAN", "h") == [b"new", b"1"]


def test_rename(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    r.expire("h", 100)
    assert r.rename("h", "h2") == b"OK"
    assert r.exists("h") == 0
    assert pairs(r.execute_command("HGETALL", "h2")) == {b"a": b"1", b"b": b"2"}
    assert r.hlen("h2") == 2
    assert 90 <= r.ttl("h2") <= 100
    r.set("other", "x")
    assert r.rename("h2", "other") == b"OK"
    assert r.type("other") == b"hash"
    assert r.hget("other", "a") == b"1"


def test_copy_is_independent(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    assert r.execute_command("COPY", "h", "c") == 1
    r.hset("c", "a", "changed")
    r.hdel("c", "b")
    assert pairs(r.execute_command("HGETALL", "h")) == {b"a": b"1", b"b": b"2"}
    assert pairs(r.execute_command("HGETALL", "c")) == {b"a": b"changed"}
    assert r.execute_command("COPY", "h", "c") == 0
    assert r.execute_command("COPY", "h", "c", "REPLACE") == 1
    assert r.hlen("c") == 2


def test_memory_usage(r):
    r.hset("h", mapping={f"f{i}": "x" * 20 for i in range(10)})
    usage = r.execute_command("MEMORY", "USAGE", "h")
    assert isinstance(usage, int) and usage > 0
    assert r.execute_command("MEMORY", "USAGE", "nosuch") is None


@pytest.mark.basalt_only
def test_hash_survives_restart(start_server):
    srv = start_server()
    client = srv.client()
    client.hset("h", mapping={"a": "1", b"bin\x00": b"\x00\xff"})
    client.hset("gone", "x", "1")
    client.hdel("gone", "x")
    client.expire("h", 1000)
    client.close()
    srv.restart()
    client = srv.client()
    assert pairs(client.execute_command("HGETALL", "h")) == {b"a": b"1", b"bin\x00": b"\x00\xff"}
    assert client.hlen("h") == 2
    assert 990 <= client.ttl("h") <= 1000
    assert client.exists("gone") == 0
    assert client.hincrby("h", "n", 2) == 2
    client.close()


# -- concurrency and size ---------------------------------------------------------------------


def test_concurrent_hincrby_is_exact(server, r):
    def work():
        client = server.client()
        for _ in range(200):
            client.hincrby("h", "n", 1)
        client.close()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert r.hget("h", "n") == b"1600"
    assert r.hlen("h") == 1


def test_concurrent_hset_distinct_fields(server, r):
    def work(n):
        client = server.client()
        for i in range(100):
            client.hset("h", f"t{n}:{i}", i)
        client.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert r.hlen("h") == 800
    assert len(r.hkeys("h")) == 800


def test_delete_of_a_large_hash_is_fast(r):
    total, batch = 100_000, 1000
    pipe = r.pipeline(transaction=False)
    for start in range(0, total, batch):
        flat = []
        for i in range(start, start + batch):
            flat += [f"field:{i}", f"value:{i}"]
        pipe.execute_command("HSET", "big", *flat)
    assert sum(pipe.execute()) == total
    assert r.hlen("big") == total
    assert r.hget("big", "field:99999") == b"value:99999"
    began = time.monotonic()
    assert r.delete("big") == 1
    assert time.monotonic() - began < 0.5
    assert r.hlen("big") == 0
    assert r.execute_command("HGETALL", "big") == []
    assert r.hget("big", "field:1") is None
    assert r.hset("big", "field:1", "again") == 1
    assert r.hlen("big") == 1
    assert r.execute_command("HGETALL", "big") == [b"field:1", b"again"]
