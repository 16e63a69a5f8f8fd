"""Set commands: Redis 7.0 replies and error texts (checked against redis-server too).

Redis returns the members of a small set in insertion (or integer) order and
of a large one in hash order; Basalt returns them in byte order. Where Redis
leaves the order unspecified, the tests compare sorted results.
"""

import threading
import time

import pytest

from harness import NOT_INTEGER, SYNTAX, error_of, wrong_arity
from resp_client import RespSet

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
MUST_BE_POSITIVE = "ERR value is out of range, must be positive"
COUNT_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"


def members(r, key):
    return sorted(r.smembers(key))


def scan_all(r, key, *options):
    cursor, seen = b"0", []
    for _ in range(10_000):
        cursor, items = r.execute_command("SSCAN", key, cursor, *options)
        seen += items
        if cursor == b"0":
            return seen
    raise AssertionError("scan did not finish")


# -- SADD / SREM / SMEMBERS / SISMEMBER / SMISMEMBER / SCARD ----------------------------------


def test_sadd_srem_smembers(r):
    assert r.sadd("s", "a", "b", "c") == 3
    assert r.sadd("s", "c", "d", "d", "d") == 1
    assert members(r, "s") == [b"a", b"b", b"c", b"d"]
    assert r.scard("s") == 4
    assert r.srem("s", "a", "x", "a") == 1
    assert r.scard("s") == 3
    assert r.srem("nosuch", "a") == 0
    assert r.smembers("nosuch") == []
    assert r.scard("nosuch") == 0


def test_srem_last_member_removes_key(r):
    r.sadd("s", "a", "b")
    assert r.srem("s", "a", "b") == 2
    assert r.exists("s") == 0
    assert r.type("s") == b"none"
    assert r.smembers("s") == []


def test_sismember_smismember(r):
    r.sadd("s", "a", "b")
    assert r.sismember("s", "a") == 1
    assert r.sismember("s", "z") == 0
    assert r.sismember("nosuch", "a") == 0
    assert r.execute_command("SMISMEMBER", "s", "a", "z", "b", "a") == [1, 0, 1, 1]
    assert r.execute_command("SMISMEMBER", "nosuch", "a", "b") == [0, 0]


def test_binary_safe_members(r):
    weird = [b"", b"\x00", b"a\x00b", b"\xff\xfe", b"line\r\nbreak"]
    assert r.sadd("s", *weird) == len(weird)
    assert members(r, "s") == sorted(weird)
    for m in weird:
        assert r.sismember("s", m) == 1
    assert r.sismember("s", b"a") == 0
    assert r.srem("s", b"\x00") == 1
    assert r.scard("s") == len(weird) - 1


@pytest.mark.basalt_only
def test_members_come_in_byte_order(r):
    r.sadd("s", "b", "10", "a", "2", "\xff", "A")
    assert r.smembers("s") == [b"10", b"2", b"A", b"a", b"b", "\xff".encode()]


def test_resp3_reply_types(r3):
    r3.execute("SADD", "s", "a", "b", "c")
    r3.execute("SADD", "t", "b", "c", "d")
    got = r3.execute("SMEMBERS", "s")
    assert isinstance(got, RespSet) and sorted(got) == [b"a", b"b", b"c"]
    assert r3.execute("SMEMBERS", "nosuch") == RespSet()
    assert isinstance(r3.execute("SMEMBERS", "nosuch"), RespSet)
    for command, expect in [("SINTER", [b"b", b"c"]), ("SUNION", [b"a", b"b", b"c", b"d"]), ("SDIFF", [b"a"])]:
        got = r3.execute(command, "s", "t")
        assert isinstance(got, RespSet), command
        assert sorted(got) == expect
    popped = r3.execute("SPOP", "t", 2)
    assert isinstance(popped, RespSet) and len(popped) == 2
    assert isinstance(r3.execute("SPOP", "nosuch", 2), RespSet)
    rand = r3.execute("SRANDMEMBER", "s", -4)
    assert type(rand) is list and len(rand) == 4
    r3.send_command("SPOP", "nosuch")
    assert r3.read_raw_reply() == b"_\r\n"
    r3.send_command("SRANDMEMBER", "nosuch")
    assert r3.read_raw_reply() == b"_\r\n"
    assert r3.execute("SMISMEMBER", "s", "a", "x") == [1, 0]


# -- SPOP -------------------------------------------------------------------------------------


def test_spop_single(r):
    r.sadd("s", "a", "b", "c")
    popped = {r.spop("s") for _ in range(3)}
    assert popped == {b"a", b"b", b"c"}
    assert r.exists("s") == 0  # the last pop removes the key
    assert r.spop("s") is None


def test_spop_count(r):
    r.sadd("s", *[f"m{i}" for i in range(20)])
    popped = r.execute_command("SPOP", "s", 5)
    assert len(popped) == 5 and len(set(popped)) == 5
    assert r.scard("s") == 15
    assert not set(popped) & set(r.smembers("s"))
    assert r.execute_command("SPOP", "s", 0) == []
    assert r.scard("s") == 15
    rest = r.execute_command("SPOP", "s", 100)
    assert len(rest) == 15
    assert set(rest) | set(popped) == {f"m{i}".encode() for i in range(20)}
    assert r.exists("s") == 0
    assert r.execute_command("SPOP", "s", 3) == []
    assert r.execute_command("SPOP", "s", 0) == []


def test_spop_is_random(r):
    seen = set()
    for _ in range(30):
        r.delete("s")
        r.sadd("s", *[f"m{i}" for i in range(10)])
        seen.add(r.spop("s"))
    assert len(seen) > 3


def test_spop_errors(r):
    r.sadd("s", "a")
    assert error_of(r, "SPOP", "s", -1) == MUST_BE_POSITIVE
    assert error_of(r, "SPOP", "s", "x") == MUST_BE_POSITIVE
    assert error_of(r, "SPOP", "s", 1, 2) == SYNTAX
    r.set("str", "v")
    assert error_of(r, "SPOP", "str") == WRONGTYPE
    assert error_of(r, "SPOP", "str", 0) == WRONGTYPE
    assert r.smembers("s") == [b"a"]


# -- SRANDMEMBER ------------------------------------------------------------------------------


def test_srandmember(r):
    assert r.srandmember("nosuch") is None
    assert r.execute_command("SRANDMEMBER", "nosuch", 3) == []
    assert r.execute_command("SRANDMEMBER", "nosuch", -3) == []
    all_members = {f"m{i}".encode() for i in range(10)}
    r.sadd("s", *all_members)
    singles = {r.srandmember("s") for _ in range(200)}
    assert singles <= all_members and len(singles) > 5
    three = r.execute_command("SRANDMEMBER", "s", 3)
    assert len(three) == 3 and len(set(three)) == 3 and set(three) <= all_members
    assert sorted(r.execute_command("SRANDMEMBER", "s", 10)) == sorted(all_members)
    assert sorted(r.execute_command("SRANDMEMBER", "s", 50)) == sorted(all_members)
    assert r.execute_command("SRANDMEMBER", "s", 0) == []
    repeats = r.execute_command("SRANDMEMBER", "s", -100)
    assert len(repeats) == 100 and set(repeats) <= all_members
    assert len(set(repeats)) > 5
    assert r.scard("s") == 10  # nothing removed


def test_srandmember_negative_count_on_one_member(r):
    r.sadd("s", "only")
    assert r.execute_command("SRANDMEMBER", "s", -5) == [b"only"] * 5


def test_srandmember_errors(r):
    r.sadd("s", "a")
    assert error_of(r, "SRANDMEMBER", "s", "x") == NOT_INTEGER
    assert error_of(r, "SRANDMEMBER", "s", 1, 2) == SYNTAX
    assert error_of(r, "SRANDMEMBER", "s", -(2**63)) == COUNT_RANGE
    r.set("str", "v")
    assert error_of(r, "SRANDMEMBER", "str") == WRONGTYPE
    assert error_of(r, "SRANDMEMBER", "str", 0) == WRONGTYPE


# -- SMOVE ------------------------------------------------------------------------------------


def test_smove(r):
    r.sadd("src", "a", "b")
    r.sadd("dst", "x")
    assert r.smove("src", "dst", "a") == 1
    assert members(r, "src") == [b"b"]
    assert members(r, "dst") == [b"a", b"x"]
    assert r.smove("src", "dst", "zz") == 0
    assert r.smove("src", "new", "b") == 1
    assert r.exists("src") == 0  # moved its last member
    assert members(r, "new") == [b"b"]
    assert r.smove("nosuch", "dst", "a") == 0


def test_smove_member_already_in_destination(r):
    r.sadd("src", "a", "b")
    r.sadd("dst", "a")
    assert r.smove("src", "dst", "a") == 1
    assert members(r, "src") == [b"b"]
    assert members(r, "dst") == [b"a"]
    assert r.scard("dst") == 1


def test_smove_same_key(r):
    r.sadd("s", "a")
    assert r.smove("s", "s", "a") == 1
    assert r.smove("s", "s", "zz") == 0
    assert members(r, "s") == [b"a"]


def test_smove_wrong_types(r):
    r.sadd("s", "a")
    r.set("str", "v")
    assert r.smove("nosuch", "str", "a") == 0  # a missing source answers before the type check
    assert error_of(r, "SMOVE", "s", "str", "zz") == WRONGTYPE
    assert error_of(r, "SMOVE", "s", "str", "a") == WRONGTYPE
    assert error_of(r, "SMOVE", "str", "s", "a") == WRONGTYPE
    assert members(r, "s") == [b"a"]


# -- SINTER / SUNION / SDIFF and their STORE forms ---------------------------------------------


@pytest.fixture
def abc(r):
    r.sadd("s1", "a", "b", "c", "d")
    r.sadd("s2", "c", "d", "e")
    r.sadd("s3", "a", "c", "e", "f")
    return r


def test_sinter(abc):
    r = abc
    assert sorted(r.execute_command("SINTER", "s1", "s2")) == [b"c", b"d"]
    assert sorted(r.execute_command("SINTER", "s1", "s2", "s3")) == [b"c"]
    assert sorted(r.execute_command("SINTER", "s1")) == [b"a", b"b", b"c", b"d"]
    assert sorted(r.execute_command("SINTER", "s1", "s1")) == [b"a", b"b", b"c", b"d"]
    assert r.execute_command("SINTER", "s1", "nosuch") == []
    assert r.execute_command("SINTER", "nosuch") == []


def test_sunion(abc):
    r = abc
    assert sorted(r.execute_command("SUNION", "s1", "s2")) == [b"a", b"b", b"c", b"d", b"e"]
    assert sorted(r.execute_command("SUNION", "s1", "s2", "s3", "nosuch")) == [b"a", b"b", b"c", b"d", b"e", b"f"]
    assert sorted(r.execute_command("SUNION", "s2", "s2")) == [b"c", b"d", b"e"]
    assert r.execute_command("SUNION", "nosuch") == []


def test_sdiff(abc):
    r = abc
    assert sorted(r.execute_command("SDIFF", "s1", "s2")) == [b"a", b"b"]
    assert sorted(r.execute_command("SDIFF", "s1", "s2", "s3")) == [b"b"]
    assert sorted(r.execute_command("SDIFF", "s1", "nosuch")) == [b"a", b"b", b"c", b"d"]
    assert r.execute_command("SDIFF", "s1", "s1") == []
    assert r.execute_command("SDIFF", "nosuch", "s1") == []


@pytest.mark.parametrize("command", ["SINTER", "SUNION", "SDIFF"])
def test_algebra_wrong_type_anywhere(abc, command):
    r = abc
    r.set("str", "v")
    assert error_of(r, command, "s1", "str") == WRONGTYPE
    assert error_of(r, command, "str", "s1") == WRONGTYPE
    assert error_of(r, command, "nosuch", "str") == WRONGTYPE  # every key is checked


def test_store_commands(abc):
    r = abc
    assert r.execute_command("SINTERSTORE", "d", "s1", "s2") == 2
    assert members(r, "d") == [b"c", b"d"]
    assert r.execute_command("SUNIONSTORE", "d", "s1", "s2") == 5
    assert members(r, "d") == [b"a", b"b", b"c", b"d", b"e"]
    assert r.execute_command("SDIFFSTORE", "d", "s1", "s2", "s3") == 1
    assert members(r, "d") == [b"b"]
    assert r.type("d") == b"set"


def test_store_replaces_destination_of_any_type(abc):
    r = abc
    r.set("d", "string")
    r.expire("d", 100)
    assert r.execute_command("SINTERSTORE", "d", "s1", "s2") == 2
    assert r.type("d") == b"set"
    assert r.ttl("d") == -1
    r.hset("h", "f", "v")
    assert r.execute_command("SUNIONSTORE", "h", "s2") == 3
    assert members(r, "h") == [b"c", b"d", b"e"]


def test_store_empty_result_deletes_destination(abc):
    r = abc
    r.sadd("d", "old")
    assert r.execute_command("SINTERSTORE", "d", "s1", "nosuch") == 0
    assert r.exists("d") == 0
    r.set("d", "v")
    assert r.execute_command("SDIFFSTORE", "d", "s1", "s1") == 0
    assert r.exists("d") == 0
    assert r.execute_command("SUNIONSTORE", "d", "nosuch") == 0
    assert r.exists("d") == 0


def test_store_destination_is_a_source(abc):
    r = abc
    assert r.execute_command("SINTERSTORE", "s1", "s1", "s2") == 2
    assert members(r, "s1") == [b"c", b"d"]
    assert r.execute_command("SUNIONSTORE", "s2", "s2", "s3") == 5
    assert members(r, "s2") == [b"a", b"c", b"d", b"e", b"f"]
    assert r.execute_command("SDIFFSTORE", "s3", "s3", "s1") == 3
    assert members(r, "s3") == [b"a", b"e", b"f"]


def test_store_wrong_type_source_writes_nothing(abc):
    r = abc
    r.set("str", "v")
    r.sadd("d", "keep")
    assert error_of(r, "SINTERSTORE", "d", "nosuch", "str") == WRONGTYPE
    assert error_of(r, "SUNIONSTORE", "d", "s1", "str") == WRONGTYPE
    assert members(r, "d") == [b"keep"]


def test_sintercard(abc):
    r = abc
    assert r.execute_command("SINTERCARD", 2, "s1", "s2") == 2
    assert r.execute_command("SINTERCARD", 3, "s1", "s2", "s3") == 1
    assert r.execute_command("SINTERCARD", 1, "s1") == 4
    assert r.execute_command("SINTERCARD", 2, "s1", "s2", "LIMIT", 1) == 1
    assert r.execute_command("SINTERCARD", 2, "s1", "s2", "LIMIT", 0) == 2
    assert r.execute_command("SINTERCARD", 2, "s1", "s2", "limit", 5, "LIMIT", 1) == 1
    assert r.execute_command("SINTERCARD", 2, "s1", "nosuch") == 0


@pytest.mark.parametrize("args, message", [
    ([0, "s1"], "ERR numkeys should be greater than 0"),
    ([-1, "s1"], "ERR numkeys should be greater than 0"),
    (["x", "s1"], "ERR numkeys should be greater than 0"),
    ([3, "s1", "s2"], "ERR Number of keys can't be greater than number of args"),
    ([2, "s1"], "ERR Number of keys can't be greater than number of args"),
    ([1, "s1", "s2"], SYNTAX),
    ([2, "s1", "s2", "LIMIT"], SYNTAX),
    ([2, "s1", "s2", "FOO", 1], SYNTAX),
    ([2, "s1", "s2", "LIMIT", -1], "ERR LIMIT can't be negative"),
    ([2, "s1", "s2", "LIMIT", "x"], "ERR LIMIT can't be negative"),
], ids=lambda v: " ".join(map(str, v)) if isinstance(v, list) else None)
def test_sintercard_errors(abc, args, message):
    assert error_of(abc, "SINTERCARD", *args) == message


def test_sintercard_wrong_type(abc):
    r = abc
    r.set("str", "v")
    assert error_of(r, "SINTERCARD", 2, "s1", "str") == WRONGTYPE
    assert error_of(r, "SINTERCARD", 2, "nosuch", "str") == WRONGTYPE


def test_algebra_on_larger_sets(r):
    evens = [str(i) for i in range(0, 2000, 2)]
    threes = [str(i) for i in range(0, 2000, 3)]
    r.sadd("e", *evens)
    r.sadd("t", *threes)
    inter = {str(i).encode() for i in range(0, 2000, 6)}
    union = {str(i).encode() for i in range(2000) if i % 2 == 0 or i % 3 == 0}
    diff = {str(i).encode() for i in range(0, 2000, 2) if i % 3}
    assert set(r.execute_command("SINTER", "e", "t")) == inter
    assert len(r.execute_command("SINTER", "e", "t")) == len(inter)
    assert set(r.execute_command("SUNION", "e", "t")) == union
    assert len(r.execute_command("SUNION", "t", "e")) == len(union)
    assert set(r.execute_command("SDIFF", "e", "t")) == diff
    assert r.execute_command("SINTERCARD", 2, "e", "t") == len(inter)
    assert r.execute_command("SUNIONSTORE", "u", "e", "t") == len(union)
    assert r.scard("u") == len(union)


# -- SSCAN ------------------------------------------------------------------------------------


def test_sscan(r):
    all_members = {f"member:{i:04}".encode() for i in range(700)}
    r.sadd("s", *all_members)
    seen = scan_all(r, "s", "COUNT", 13)
    assert len(seen) == len(all_members)
    assert set(seen) == all_members
    matched = scan_all(r, "s", "MATCH", "member:00*")
    assert set(matched) == {m for m in all_members if m.startswith(b"member:00")}


def test_sscan_errors(r):
    assert r.execute_command("SSCAN", "nosuch", 0) == [b"0", []]
    assert r.execute_command("SSCAN", "nosuch", 0, "MATCH") == [b"0", []]
    assert error_of(r, "SSCAN", "nosuch", "x") == "ERR invalid cursor"
    r.sadd("s", "a")
    assert r.execute_command("SSCAN", "s", 0) == [b"0", [b"a"]]
    assert error_of(r, "SSCAN", "s", 0, "COUNT", 0) == SYNTAX
    assert error_of(r, "SSCAN", "s", 0, "MATCH") == SYNTAX
    assert error_of(r, "SSCAN", "s", 0, "TYPE", "set") == SYNTAX
    r.set("str", "v")
    assert error_of(r, "SSCAN", "str", 0) == WRONGTYPE


# -- types ------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["SADD", "str", "m"], ["SREM", "str", "m"], ["SMEMBERS", "str"], ["SISMEMBER", "str", "m"],
    ["SMISMEMBER", "str", "m"], ["SCARD", "str"], ["SPOP", "str"], ["SRANDMEMBER", "str"],
    ["SINTER", "str"], ["SUNION", "str"], ["SDIFF", "str"], ["SSCAN", "str", 0],
    ["SINTERCARD", 1, "str"], ["SMOVE", "str", "d", "m"],
], ids=lambda a: a[0])
def test_set_commands_on_a_string(r, args):
    r.set("str", "value")
    assert error_of(r, *args) == WRONGTYPE
    assert r.get("str") == b"value"


@pytest.mark.parametrize("args", [
    ["GET", "s"], ["INCR", "s"], ["HGET", "s", "f"], ["HSET", "s", "f", "v"], ["LPUSH", "s", "x"],
], ids=lambda a: a[0])
def test_other_commands_on_a_set(r, args):
    r.sadd("s", "m")
    assert error_of(r, *args) == WRONGTYPE
    assert r.smembers("s") == [b"m"]


@pytest.mark.parametrize("args", [
    ["SADD", "s"], ["SREM", "s"], ["SMEMBERS"], ["SISMEMBER", "s"], ["SMISMEMBER", "s"], ["SCARD"],
    ["SPOP"], ["SRANDMEMBER"], ["SMOVE", "a", "b"], ["SINTER"], ["SINTERCARD", 1], ["SUNION"],
    ["SDIFF"], ["SINTERSTORE", "d"], ["SUNIONSTORE", "d"], ["SDIFFSTORE", "d"], ["SSCAN", "s"],
], ids=lambda a: " ".join(map(str, a)))
def test_arity(r, args):
    assert error_of(r, *args) == wrong_arity(args[0].lower())


@pytest.mark.parametrize("name, arity, flags, keys", [
    ("sadd", -3, {b"write", b"denyoom", b"fast"}, (1, 1, 1)),
    ("smembers", 2, {b"readonly"}, (1, 1, 1)),
    ("smove", 4, {b"write", b"fast"}, (1, 2, 1)),
    ("sinter", -2, {b"readonly"}, (1, -1, 1)),
    ("sinterstore", -3, {b"write", b"denyoom"}, (1, -1, 1)),
])
def test_command_info(r, name, arity, flags, keys):
    [info] = r.execute_command("COMMAND", "INFO", name)
    assert info[0] == name.encode()
    assert info[1] == arity
    assert set(info[2]) == flags
    assert tuple(info[3:6]) == keys


# -- generic key commands on sets --------------------------------------------------------------


def test_type_dbsize_scan_type(r):
    r.sadd("s", "a")
    r.hset("h", "f", "v")
    r.set("str", "v")
    assert r.type("s") == b"set"
    assert r.dbsize() == 3
    cursor, keys = b"0", []
    while True:
        cursor, batch = r.execute_command("SCAN", cursor, "TYPE", "set")
        keys += batch
        if cursor == b"0":
            break
    assert keys == [b"s"]


def test_expire_and_recreate(r):
    r.sadd("s", "a", "b")
    assert r.expire("s", 100) == 1
    assert 99 <= r.ttl("s") <= 100
    r.sadd("s", "c")
    assert 98 <= r.ttl("s") <= 100
    assert r.persist("s") == 1
    r.pexpire("s", 50)
    time.sleep(0.2)
    assert r.scard("s") == 0
    assert r.exists("s") == 0
    assert r.sadd("s", "z") == 1
    assert r.smembers("s") == [b"z"]


def test_del_then_recreate_has_no_old_members(r):
    r.sadd("s", *[f"m{i}" for i in range(100)])
    assert r.delete("s") == 1
    assert r.sadd("s", "new") == 1
    assert r.smembers("s") == [b"new"]
    assert r.sismember("s", "m1") == 0
    assert r.scard("s") == 1


def test_rename_and_copy(r):
    r.sadd("s", "a", "b")
    assert r.rename("s", "t") == b"OK"
    assert r.exists("s") == 0
    assert members(r, "t") == [b"a", b"b"]
    assert r.execute_command("COPY", "t", "c") == 1
    r.sadd("c", "x")
    r.srem("c", "a")
    assert members(r, "t") == [b"a", b"b"]
    assert members(r, "c") == [b"b", b"x"]
    assert r.scard("c") == 2


def test_memory_usage(r):
    r.sadd("s", *[f"m{i}" for i in range(10)])
    usage = r.execute_command("MEMORY", "USAGE", "s")
    assert isinstance(usage, int) and usage > 0


@pytest.mark.basalt_only
def test_set_survives_restart(start_server):
    srv = start_server()
    client = srv.client()
    client.sadd("s", "a", b"\x00bin", "c")
    client.execute_command("SINTERSTORE", "d", "s")
    client.srem("s", "c")
    client.close()
    srv.restart()
    client = srv.client()
    assert sorted(client.smembers("s")) == [b"\x00bin", b"a"]
    assert client.scard("s") == 2
    assert client.scard("d") == 3
    assert client.sadd("s", "a") == 0
    client.close()


# -- concurrency ----------------------------------------------------------------------------------


def test_concurrent_sadd_distinct_members(server, r):
    def work(n):
        client = server.client()
        for i in range(200):
            client.sadd("s", f"t{n}:{i}")
        client.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert r.scard("s") == 1600
    assert len(r.smembers("s")) == 1600


def test_concurrent_spop_hands_out_each_member_once(server, r):
    r.sadd("s", *[f"m{i}" for i in range(400)])
    results = []

    def work():
        client = server.client()
        got = []
        while True:
            m = client.spop("s")
            if m is None:
                break
            got.append(m)
        results.append(got)
        client.close()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = [m for got in results for m in got]
    assert len(flat) == 400
    assert len(set(flat)) == 400
    assert r.exists("s") == 0


def test_concurrent_smove_keeps_total(server, r):
    r.sadd("a", *[f"m{i}" for i in range(100)])

    def work(n):
        client = server.client()
        for i in range(100):
            src, dst = ("a", "b") if (i + n) % 2 else ("b", "a")
            client.smove(src, dst, f"m{(i * 7 + n) % 100}")
        client.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert r.scard("a") + r.scard("b") == 100
    assert set(r.smembers("a")) | set(r.smembers("b")) == {f"m{i}".encode() for i in range(100)}
    assert not set(r.smembers("a")) & set(r.smembers("b"))


def test_many_keys(r):
    keys = [f"k{i}" for i in range(70)]
    for i, key in enumerate(keys):
        r.sadd(key, f"m{i}", "common")
    union = r.execute_command("SUNION", *keys)
    assert len(union) == 71
    assert set(union) == {f"m{i}".encode() for i in range(70)} | {b"common"}
    assert r.execute_command("SINTER", *keys) == [b"common"]
    assert r.execute_command("SINTERCARD", len(keys), *keys) == 1
    # More keys than the lock set holds: every stripe is locked.
    assert r.execute_command("SUNIONSTORE", "dst", *keys) == 71
    assert r.execute_command("SDIFFSTORE", "dst", "dst", *keys[1:]) == 1
    assert r.smembers("dst") == [b"m0"]


def test_expired_keys_in_multi_key_commands(r):
    r.sadd("old", "a", "b")
    r.sadd("live", "b", "c")
    r.sadd("dst", "x")
    r.pexpire("old", 30)
    r.pexpire("dst", 30)
    time.sleep(0.15)
    assert r.execute_command("SUNIONSTORE", "out", "old", "live") == 2
    assert members(r, "out") == [b"b", b"c"]
    assert r.execute_command("SINTER", "old", "live") == []
    assert r.smove("old", "live", "a") == 0
    assert r.smove("live", "dst", "c") == 1
    assert members(r, "dst") == [b"c"]  # the expired members are gone
    assert r.ttl("dst") == -1
    assert r.spop("old") is None


@pytest.mark.basalt_only
def test_negative_count_bound(r):
    r.sadd("s", "a")
    assert error_of(r, "SRANDMEMBER", "s", -16777217) == (
        "ERR value is out of range, value must between -16777216 and 9223372036854775807")
    r.hset("h", "f", "v")
    assert error_of(r, "HRANDFIELD", "h", -16777217) == (
        "ERR value is out of range, value must between -16777216 and 9223372036854775807")
