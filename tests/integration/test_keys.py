"""Generic key commands: existence, expiry, iteration, renaming, copying."""

import time

import pytest

from harness import NOT_INTEGER, SYNTAX, error_of, join_args, wrong_arity


def fill(r, *keys, value="v"):
    for key in keys:
        r.set(key, value)


# -- DEL / UNLINK / EXISTS / TYPE / TOUCH ----------------------------------


@pytest.mark.parametrize("command", ["DEL", "UNLINK"])
def test_delete_counts_removed_keys(r, command):
    fill(r, "a", "b", "c")
    assert r.execute_command(command, "a", "b", "missing", "a") == 2
    assert r.execute_command(command, "a") == 0
    assert r.exists("a", "b", "c") == 1


def test_exists_counts_duplicates(r):
    fill(r, "a", "b")
    assert r.exists("a") == 1
    assert r.exists("missing") == 0
    assert r.exists("a", "a", "b", "missing", "a") == 4


def test_type(r):
    r.set("s", "v")
    assert r.type("s") == b"string"
    assert r.type("missing") == b"none"


def test_touch_counts_existing_keys(r):
    fill(r, "a", "b")
    assert r.touch("a", "b", "a", "missing") == 3


@pytest.mark.parametrize("command", ["DEL", "UNLINK", "EXISTS", "TOUCH", "TYPE", "TTL", "PTTL",
                                     "PERSIST", "EXPIRETIME", "KEYS"])
def test_key_commands_arity(r, command):
    assert error_of(r, command) == wrong_arity(command.lower())


# -- EXPIRE family, TTL ----------------------------------------------------


def test_ttl_of_missing_and_persistent_keys(r):
    r.set("k", "v")
    assert r.ttl("missing") == -2
    assert r.pttl("missing") == -2
    assert r.ttl("k") == -1
    assert r.pttl("k") == -1
    assert r.execute_command("EXPIRETIME", "missing") == -2
    assert r.execute_command("PEXPIRETIME", "k") == -1


def test_expire_and_pexpire(r):
    fill(r, "a", "b")
    assert r.expire("a", 100) == 1
    assert 99 <= r.ttl("a") <= 100
    assert r.pexpire("b", 100_000) == 1
    assert 99_000 <= r.pttl("b") <= 100_000
    assert r.expire("missing", 100) == 0


def test_expireat_and_pexpireat(r):
    fill(r, "a", "b")
    at = int(time.time()) + 300
    assert r.expireat("a", at) == 1
    assert r.execute_command("EXPIRETIME", "a") == at
    assert r.execute_command("PEXPIRETIME", "a") == at * 1000
    at_ms = (at + 100) * 1000 + 700
    assert r.pexpireat("b", at_ms) == 1
    assert r.execute_command("PEXPIRETIME", "b") == at_ms
    assert r.execute_command("EXPIRETIME", "b") == at + 101, "rounded to the nearest second"


@pytest.mark.parametrize("command, value", [
    ("EXPIRE", -1), ("EXPIRE", 0), ("PEXPIRE", -100), ("EXPIREAT", 1), ("PEXPIREAT", 1000),
])
def test_expire_in_the_past_deletes_key(r, command, value):
    r.set("k", "v")
    assert r.execute_command(command, "k", value) == 1
    assert r.exists("k") == 0
    assert r.get("k") is None
    assert r.dbsize() == 0


def test_expired_key_is_never_returned(r):
    fill(r, "a", "b", "c")
    r.pexpire("a", 50)
    r.execute_command("SET", "b", "v", "PX", 50)
    r.execute_command("PSETEX", "c", 50, "v")
    time.sleep(0.3)
    assert r.get("a") is None
    assert r.mget("a", "b", "c") == [None, None, None]
    assert r.exists("a", "b", "c") == 0
    assert r.ttl("a") == -2
    assert r.type("b") == b"none"
    assert r.keys("*") == []
    assert r.dbsize() == 0
    assert r.execute_command("SCAN", 0, "COUNT", 100) == [b"0", []]
    assert r.randomkey() is None
    assert r.strlen("c") == 0
    assert r.append("c", "x") == 1  # a fresh key, not the expired value


def test_expired_key_can_be_recreated_with_nx(r):
    r.execute_command("SET", "k", "old", "PX", 30)
    time.sleep(0.1)
    assert r.execute_command("SET", "k", "new", "NX") == b"OK"
    assert r.get("k") == b"new"
    assert r.ttl("k") == -1


# (options, current TTL before the call or None for no TTL, new TTL, reply)
EXPIRE_OPTION_CASES = [
    (["NX"], None, 100, 1),
    (["NX"], 50, 100, 0),
    (["XX"], None, 100, 0),
    (["XX"], 50, 100, 1),
    (["GT"], None, 100, 0),
    (["GT"], 50, 100, 1),
    (["GT"], 200, 100, 0),
    (["LT"], None, 100, 1),
    (["LT"], 50, 100, 0),
    (["LT"], 200, 100, 1),
    (["XX", "GT"], 50, 100, 1),
    (["XX", "LT"], None, 100, 0),
    (["nx"], None, 100, 1),
]


@pytest.mark.parametrize("command, scale", [("EXPIRE", 1), ("PEXPIRE", 1000)])
@pytest.mark.parametrize("options, current, new, reply", EXPIRE_OPTION_CASES,
                         ids=[f"{' '.join(o)}-{c}-{n}" for o, c, n, _ in EXPIRE_OPTION_CASES])
def test_expire_options(r, command, scale, options, current, new, reply):
    r.set("k", "v")
    if current is not None:
        r.expire("k", current)
    assert r.execute_command(command, "k", new * scale, *options) == reply
    expected = new if reply else (current if current is not None else -1)
    ttl = r.ttl("k")
    assert ttl == expected or (expected > 0 and expected - 1 <= ttl <= expected)


@pytest.mark.parametrize("command", ["EXPIREAT", "PEXPIREAT"])
def test_expireat_options(r, command):
    scale = 1000 if command == "PEXPIREAT" else 1
    r.set("k", "v")
    at = int(time.time()) + 500
    assert r.execute_command(command, "k", at * scale, "NX") == 1
    assert r.execute_command(command, "k", (at + 100) * scale, "NX") == 0
    assert r.execute_command(command, "k", (at - 100) * scale, "GT") == 0
    assert r.execute_command(command, "k", (at + 100) * scale, "GT") == 1
    assert r.execute_command(command, "k", at * scale, "LT") == 1
    assert r.execute_command("EXPIRETIME", "k") == at


@pytest.mark.parametrize("args, message", [
    (["EXPIRE", "k", "100", "NX", "XX"],
     "ERR NX and XX, GT or LT options at the same time are not compatible"),
    (["EXPIRE", "k", "100", "NX", "GT"],
     "ERR NX and XX, GT or LT options at the same time are not compatible"),
    (["PEXPIRE", "k", "100", "GT", "LT"],
     "ERR GT and LT options at the same time are not compatible"),
    (["EXPIRE", "k", "100", "FOO"], "ERR Unsupported option FOO"),
    (["EXPIRE", "k", "abc"], NOT_INTEGER),
    (["PEXPIREAT", "k", "1.5"], NOT_INTEGER),
    (["EXPIRE", "k", str(2**63 - 1)], "ERR invalid expire time in 'expire' command"),
    (["PEXPIRE", "k", str(2**63 - 1)], "ERR invalid expire time in 'pexpire' command"),
    (["EXPIREAT", "k", str(2**63 - 1)], "ERR invalid expire time in 'expireat' command"),
    (["EXPIRE", "k"], wrong_arity("expire")),
], ids=join_args)
def test_expire_errors(r, args, message):
    r.set("k", "v")
    assert error_of(r, *args) == message
    assert r.ttl("k") == -1


def test_persist(r):
    r.set("k", "v", ex=100)
    assert r.persist("k") == 1
    assert r.ttl("k") == -1
    assert r.persist("k") == 0
    assert r.persist("missing") == 0


def test_pttl_counts_down(r):
    r.set("k", "v", px=10_000)
    first = r.pttl("k")
    time.sleep(0.1)
    second = r.pttl("k")
    assert 0 < second < first <= 10_000


# -- KEYS ---------------------------------------------------------------------

PATTERN_KEYS = ["hello", "hallo", "hxllo", "hllo", "heeeello", "a", "b", "c", "d",
                "foo*", "foo?", "foo[", "foobar", "x\\y"]


@pytest.mark.parametrize("pattern, expected", [
    ("*", PATTERN_KEYS),
    ("h?llo", ["hello", "hallo", "hxllo"]),
    ("h*llo", ["hello", "hallo", "hxllo", "hllo", "heeeello"]),
    ("h[ae]llo", ["hello", "hallo"]),
    ("h[^e]llo", ["hallo", "hxllo"]),
    ("h[a-b]llo", ["hallo"]),
    ("[a-c]", ["a", "b", "c"]),
    ("[^a]", ["b", "c", "d"]),
    ("foo\\*", ["foo*"]),
    ("foo\\?", ["foo?"]),
    ("foo\\[", ["foo["]),
    ("foo*", ["foo*", "foo?", "foo[", "foobar"]),
    ("x\\\\y", ["x\\y"]),
    ("nomatch*", []),
    ("hello", ["hello"]),
])
def test_keys_glob_patterns(r, pattern, expected):
    fill(r, *PATTERN_KEYS)
    assert sorted(r.keys(pattern)) == sorted(k.encode() for k in expected)


def test_keys_on_empty_db(r):
    assert r.keys("*") == []


# -- SCAN ---------------------------------------------------------------------


def scan_all(r, *options):
    """Iterate SCAN to cursor 0; return keys in the order returned."""
    cursor, seen, rounds = b"0", [], 0
    while True:
        cursor, keys = r.execute_command("SCAN", cursor, *options)
        seen += keys
        rounds += 1
        assert rounds < 10_000, "SCAN did not terminate"
        if cursor == b"0":
            return seen


def test_scan_covers_every_key_exactly_once(r):
    keys = [f"key:{i}".encode() for i in range(1000)]
    r.mset({k: b"v" for k in keys})
    seen = scan_all(r, "COUNT", 37)
    assert len(seen) == len(set(seen)), "SCAN returned duplicates"
    assert sorted(seen) == sorted(keys)


def test_scan_match(r):
    r.mset({f"user:{i}": i for i in range(200)})
    r.mset({f"item:{i}": i for i in range(200)})
    seen = scan_all(r, "MATCH", "user:1*", "COUNT", 50)
    expected = {f"user:{i}".encode() for i in range(200) if str(i).startswith("1")}
    assert len(seen) == len(expected)
    assert set(seen) == expected


def test_scan_type(r):
    r.mset({f"k{i}": i for i in range(50)})
    assert sorted(scan_all(r, "TYPE", "string")) == sorted(f"k{i}".encode() for i in range(50))
    assert scan_all(r, "TYPE", "hash") == []


def test_scan_default_count_and_empty_db(r):
    assert r.execute_command("SCAN", 0) == [b"0", []]
    r.set("k", "v")
    assert r.execute_command("SCAN", 0) == [b"0", [b"k"]]


@pytest.mark.parametrize("args, message", [
    (["0", "COUNT", "0"], SYNTAX),
    (["0", "COUNT", "x"], NOT_INTEGER),
    (["0", "MATCH"], SYNTAX),
    (["0", "FOO", "bar"], SYNTAX),
    (["abc"], "ERR invalid cursor"),
], ids=join_args)
def test_scan_errors(r, args, message):
    assert error_of(r, "SCAN", *args) == message


# -- RENAME / RENAMENX --------------------------------------------------------


def test_rename(r):
    r.set("a", "1", ex=100)
    r.set("b", "2")
    assert r.rename("a", "b") == b"OK"
    assert r.get("b") == b"1"
    assert r.exists("a") == 0
    assert r.ttl("b") > 0, "RENAME carries the TTL"


def test_rename_to_itself(r):
    r.set("a", "1")
    assert r.rename("a", "a") == b"OK"
    assert r.get("a") == b"1"


def test_renamenx(r):
    r.set("a", "1")
    r.set("b", "2")
    assert r.renamenx("a", "b") == 0
    assert r.renamenx("a", "c") == 1
    assert r.mget("a", "b", "c") == [None, b"2", b"1"]
    assert r.renamenx("c", "c") == 0


@pytest.mark.parametrize("command", ["RENAME", "RENAMENX"])
def test_rename_missing_source(r, command):
    assert error_of(r, command, "missing", "x") == "ERR no such key"
    assert error_of(r, command, "missing", "missing") == "ERR no such key"


# -- RANDOMKEY -----------------------------------------------------------------


def test_randomkey(r):
    assert r.randomkey() is None
    fill(r, "a", "b", "c")
    for _ in range(20):
        assert r.randomkey() in (b"a", b"b", b"c")


# -- COPY -------------------------------------------------------------------------


def test_copy(r):
    r.set("a", "1", ex=100)
    assert r.execute_command("COPY", "a", "b") == 1
    assert r.get("b") == b"1"
    assert r.ttl("b") > 0, "COPY carries the TTL"
    r.set("a", "2")
    assert r.get("b") == b"1", "the copy is independent"


def test_copy_does_not_overwrite_without_replace(r):
    fill(r, "a", value="1")
    r.set("b", "2")
    assert r.execute_command("COPY", "a", "b") == 0
    assert r.get("b") == b"2"
    assert r.execute_command("COPY", "a", "b", "REPLACE") == 1
    assert r.get("b") == b"1"


def test_copy_db_0(r):
    r.set("a", "1")
    assert r.execute_command("COPY", "a", "b", "DB", 0) == 1
    assert r.execute_command("COPY", "a", "c", "DB", "0", "REPLACE") == 1
    assert r.mget("b", "c") == [b"1", b"1"]


def test_copy_missing_source(r):
    assert r.execute_command("COPY", "missing", "b") == 0
    assert r.exists("b") == 0


@pytest.mark.parametrize("args, message", [
    (["a", "a"], "ERR source and destination objects are the same"),
    (["a", "b", "DB"], SYNTAX),
    (["a", "b", "DB", "x"], NOT_INTEGER),
    (["a", "b", "FOO"], SYNTAX),
    (["a"], wrong_arity("copy")),
], ids=join_args)
def test_copy_errors(r, args, message):
    r.set("a", "1")
    assert error_of(r, "COPY", *args) == message


@pytest.mark.basalt_only
def test_copy_to_other_db_is_rejected(r):
    """Basalt has a single database (guessed text: SELECT's out-of-range error)."""
    r.set("a", "1")
    assert error_of(r, "COPY", "a", "b", "DB", 1).startswith("ERR DB index is out of range")
    assert r.exists("b") == 0


# -- DBSIZE / FLUSHDB / FLUSHALL ----------------------------------------------


def test_dbsize_is_exact(r):
    assert r.dbsize() == 0
    r.mset({f"k{i}": i for i in range(100)})
    assert r.dbsize() == 100
    r.set("k0", "overwrite")
    assert r.dbsize() == 100
    r.delete(*[f"k{i}" for i in range(10)])
    assert r.dbsize() == 90
    r.delete("k10", "missing")
    assert r.dbsize() == 89
    r.rename("k11", "renamed")
    assert r.dbsize() == 89
    r.execute_command("COPY", "renamed", "copied")
    assert r.dbsize() == 90


def test_dbsize_after_expiry(r):
    r.mset({f"k{i}": i for i in range(20)})
    for i in range(5):
        r.pexpire(f"k{i}", 30)
    r.expire("k5", -1)
    assert r.dbsize() == 19
    time.sleep(0.3)  # Redis reclaims them by active expiry; Basalt must not count them
    assert r.dbsize() == 14


@pytest.mark.parametrize("command", [["FLUSHDB"], ["FLUSHALL"], ["FLUSHDB", "ASYNC"],
                                     ["FLUSHALL", "SYNC"]], ids=join_args)
def test_flush(r, command):
    r.mset({f"k{i}": i for i in range(50)})
    r.set("ttl", "v", ex=100)
    assert r.execute_command(*command) == b"OK"
    assert r.dbsize() == 0
    assert r.keys("*") == []
    assert r.get("k1") is None
    r.set("k1", "again")
    assert r.dbsize() == 1


def test_flush_syntax_error(r):
    assert error_of(r, "FLUSHALL", "FOO") == SYNTAX
    assert error_of(r, "FLUSHDB", "FOO") == SYNTAX
