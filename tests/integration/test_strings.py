"""String commands: exact Redis 7.0 replies and error texts."""

import threading
import time

import pytest

from harness import NOT_INTEGER, SYNTAX, error_of, join_args, now_ms, wrong_arity

LLONG_MAX = 2**63 - 1
LLONG_MIN = -(2**63)
NOT_FLOAT = "ERR value is not a valid float"
NAN_OR_INF = "ERR increment would produce NaN or Infinity"
OVERFLOW = "ERR increment or decrement would overflow"


def invalid_expire(command):
    return f"ERR invalid expire time in '{command}' command"


# -- GET / SET ------------------------------------------------------------


def test_get_missing_key_is_nil(r):
    assert r.get("missing") is None


def test_set_then_get(r):
    assert r.execute_command("SET", "k", "v") == b"OK"
    assert r.get("k") == b"v"


def test_set_overwrites_value_and_clears_ttl(r):
    r.set("k", "v1", ex=100)
    r.set("k", "v2")
    assert r.get("k") == b"v2"
    assert r.ttl("k") == -1


@pytest.mark.parametrize("option, value, ttl_range", [
    ("EX", "100", (99, 100)),
    ("PX", "100000", (99, 100)),
])
def test_set_relative_expire(r, option, value, ttl_range):
    assert r.execute_command("SET", "k", "v", option, value) == b"OK"
    low, high = ttl_range
    assert low <= r.ttl("k") <= high
    assert 99_000 <= r.pttl("k") <= 100_000


def test_set_exat_and_pxat(r):
    at = int(time.time()) + 200
    r.execute_command("SET", "a", "v", "EXAT", at)
    assert r.execute_command("EXPIRETIME", "a") == at
    at_ms = now_ms() + 200_000
    r.execute_command("SET", "b", "v", "PXAT", at_ms)
    assert r.execute_command("PEXPIRETIME", "b") == at_ms


def test_set_exat_in_the_past_deletes_key(r):
    r.set("k", "old")
    assert r.execute_command("SET", "k", "v", "EXAT", 1) == b"OK"
    assert r.get("k") is None
    assert r.exists("k") == 0


def test_set_px_expires(r):
    r.execute_command("SET", "k", "v", "PX", 50)
    time.sleep(0.15)
    assert r.get("k") is None


def test_set_nx(r):
    assert r.execute_command("SET", "k", "v1", "NX") == b"OK"
    assert r.execute_command("SET", "k", "v2", "NX") is None
    assert r.get("k") == b"v1"


def test_set_xx(r):
    assert r.execute_command("SET", "k", "v1", "XX") is None
    assert r.exists("k") == 0
    r.set("k", "v1")
    assert r.execute_command("SET", "k", "v2", "XX") == b"OK"
    assert r.get("k") == b"v2"


def test_set_keepttl(r):
    r.set("k", "v1", ex=100)
    r.execute_command("SET", "k", "v2", "KEEPTTL")
    assert r.get("k") == b"v2"
    assert 99 <= r.ttl("k") <= 100


def test_set_get_returns_old_value(r):
    assert r.execute_command("SET", "k", "v1", "GET") is None
    assert r.execute_command("SET", "k", "v2", "GET") == b"v1"
    assert r.get("k") == b"v2"


@pytest.mark.parametrize("options, existing, reply, final", [
    (["NX", "GET"], None, None, b"new"),
    (["NX", "GET"], b"old", b"old", b"old"),
    (["XX", "GET"], None, None, None),
    (["XX", "GET"], b"old", b"old", b"new"),
    (["XX", "EX", "100", "GET"], b"old", b"old", b"new"),
    (["GET", "KEEPTTL"], b"old", b"old", b"new"),
    (["PX", "100000", "NX"], None, b"OK", b"new"),
    (["EX", "100", "XX"], None, None, None),
], ids=join_args)
def test_set_option_combinations(r, options, existing, reply, final):
    if existing is not None:
        r.set("k", existing)
    assert r.execute_command("SET", "k", "new", *options) == reply
    assert r.get("k") == final


def test_set_options_are_case_insensitive(r):
    assert r.execute_command("SET", "k", "v", "ex", "100", "nx") == b"OK"
    assert r.ttl("k") > 0


@pytest.mark.parametrize("options, message", [
    (["EX", "0"], invalid_expire("set")),
    (["EX", "-1"], invalid_expire("set")),
    (["PX", "0"], invalid_expire("set")),
    (["EXAT", "0"], invalid_expire("set")),
    (["PXAT", "-5"], invalid_expire("set")),
    (["EX", str(LLONG_MAX)], invalid_expire("set")),
    (["EX", "abc"], NOT_INTEGER),
    (["PX", "1.5"], NOT_INTEGER),
    (["NX", "XX"], SYNTAX),
    (["EX", "10", "PX", "10"], SYNTAX),
    (["EX", "10", "EXAT", "10"], SYNTAX),
    (["KEEPTTL", "EX", "10"], SYNTAX),
    (["EX"], SYNTAX),
    (["FOO"], SYNTAX),
], ids=join_args)
def test_set_syntax_errors(r, options, message):
    r.set("k", "old")
    assert error_of(r, "SET", "k", "v", *options) == message
    assert r.get("k") == b"old"


@pytest.mark.parametrize("args", [["SET"], ["SET", "k"], ["GET"], ["GET", "a", "b"]])
def test_get_set_arity(r, args):
    assert error_of(r, *args) == wrong_arity(args[0].lower())


# -- SETNX / SETEX / PSETEX ----------------------------------------------


def test_setnx(r):
    assert r.setnx("k", "v1") == 1
    assert r.setnx("k", "v2") == 0
    assert r.get("k") == b"v1"


def test_setex_and_psetex(r):
    assert r.execute_command("SETEX", "a", 100, "v") == b"OK"
    assert 99 <= r.ttl("a") <= 100
    assert r.execute_command("PSETEX", "b", 100_000, "v") == b"OK"
    assert 99_000 <= r.pttl("b") <= 100_000
    assert r.mget("a", "b") == [b"v", b"v"]


@pytest.mark.parametrize("command, ttl", [("SETEX", "0"), ("SETEX", "-1"), ("PSETEX", "0"),
                                          ("PSETEX", "-1")])
def test_setex_invalid_expire(r, command, ttl):
    assert error_of(r, command, "k", ttl, "v") == invalid_expire(command.lower())
    assert r.exists("k") == 0


def test_setex_not_an_integer(r):
    assert error_of(r, "SETEX", "k", "ten", "v") == NOT_INTEGER


# -- MGET / MSET / MSETNX -------------------------------------------------


def test_mset_mget(r):
    assert r.execute_command("MSET", "a", "1", "b", "2", "a", "3") == b"OK"
    assert r.mget("a", "b", "missing", "a") == [b"3", b"2", None, b"3"]


def test_mset_clears_ttl(r):
    r.set("a", "1", ex=100)
    r.mset({"a": "2"})
    assert r.ttl("a") == -1


def test_msetnx_is_all_or_nothing(r):
    assert r.msetnx({"a": "1", "b": "2"}) == 1
    assert r.msetnx({"b": "x", "c": "3"}) == 0
    assert r.mget("a", "b", "c") == [b"1", b"2", None]


@pytest.mark.parametrize("args", [["MSET", "a"], ["MSET", "a", "1", "b"], ["MSETNX", "a"],
                                  ["MGET"]])
def test_mset_arity(r, args):
    assert error_of(r, *args) == wrong_arity(args[0].lower())


# -- GETSET / GETDEL / GETEX ----------------------------------------------


def test_getset(r):
    assert r.getset("k", "v1") is None
    r.expire("k", 100)
    assert r.getset("k", "v2") == b"v1"
    assert r.get("k") == b"v2"
    assert r.ttl("k") == -1


def test_getdel(r):
    r.set("k", "v")
    assert r.getdel("k") == b"v"
    assert r.exists("k") == 0
    assert r.getdel("k") is None


def test_getex_without_options_is_get(r):
    r.set("k", "v", ex=100)
    assert r.execute_command("GETEX", "k") == b"v"
    assert r.ttl("k") > 0
    assert r.execute_command("GETEX", "missing") is None


@pytest.mark.parametrize("option, value_fn, check", [
    ("EX", lambda: 100, lambda r: 99 <= r.ttl("k") <= 100),
    ("PX", lambda: 100_000, lambda r: 99_000 <= r.pttl("k") <= 100_000),
    ("EXAT", lambda: int(time.time()) + 100, lambda r: 98 <= r.ttl("k") <= 100),
    ("PXAT", lambda: now_ms() + 100_000, lambda r: 99 <= r.ttl("k") <= 100),
])
def test_getex_sets_expire(r, option, value_fn, check):
    r.set("k", "v")
    assert r.execute_command("GETEX", "k", option, value_fn()) == b"v"
    assert check(r)


def test_getex_persist(r):
    r.set("k", "v", ex=100)
    assert r.execute_command("GETEX", "k", "PERSIST") == b"v"
    assert r.ttl("k") == -1


def test_getex_missing_key_with_option(r):
    assert r.execute_command("GETEX", "missing", "EX", 100) is None
    assert r.exists("missing") == 0


@pytest.mark.parametrize("options, message", [
    (["EX", "0"], invalid_expire("getex")),
    (["PX", "-1"], invalid_expire("getex")),
    (["EXAT", "0"], invalid_expire("getex")),
    (["EX", "x"], NOT_INTEGER),
    (["EX", "10", "PX", "10"], SYNTAX),
    (["PERSIST", "EX", "10"], SYNTAX),
    (["EX"], SYNTAX),
    (["KEEPTTL"], SYNTAX),
], ids=join_args)
def test_getex_errors(r, options, message):
    r.set("k", "v")
    assert error_of(r, "GETEX", "k", *options) == message


# -- APPEND / STRLEN -------------------------------------------------------


def test_append_creates_and_extends(r):
    assert r.append("k", "Hello") == 5
    assert r.append("k", " World") == 11
    assert r.get("k") == b"Hello World"
    assert r.append("k", "") == 11


def test_append_keeps_ttl(r):
    r.set("k", "a", ex=100)
    r.append("k", "b")
    assert r.ttl("k") > 0


def test_strlen(r):
    assert r.strlen("missing") == 0
    r.set("k", "héllo")
    assert r.strlen("k") == len("héllo".encode())


# -- INCR family ----------------------------------------------------------


def test_incr_decr_on_missing_key(r):
    assert r.incr("a") == 1
    assert r.decr("b") == -1
    assert r.incrby("c", 10) == 10
    assert r.decrby("d", 10) == -10
    assert r.mget("a", "b", "c", "d") == [b"1", b"-1", b"10", b"-10"]


def test_incr_sequence(r):
    r.set("n", "41")
    assert r.incr("n") == 42
    assert r.incrby("n", -50) == -8
    assert r.decrby("n", -8) == 0
    assert r.decr("n") == -1
    assert r.get("n") == b"-1"


def test_incr_keeps_ttl(r):
    r.set("n", "1", ex=100)
    r.incr("n")
    assert r.ttl("n") > 0


@pytest.mark.parametrize("value", ["abc", "1.5", " 1", "1 ", "01", "-0", "", "1e3",
                                   str(LLONG_MAX + 1), "12345678901234567890123"])
def test_incr_on_non_integer_value(r, value):
    r.set("n", value)
    assert error_of(r, "INCR", "n") == NOT_INTEGER
    assert r.get("n") == value.encode()


@pytest.mark.parametrize("command, arg", [("INCRBY", "x"), ("INCRBY", "1.0"),
                                          ("DECRBY", str(LLONG_MAX + 1)), ("INCRBY", "")])
def test_incrby_non_integer_argument(r, command, arg):
    assert error_of(r, command, "n", arg) == NOT_INTEGER


@pytest.mark.parametrize("start, command, args", [
    (LLONG_MAX, "INCR", []),
    (LLONG_MAX, "INCRBY", [1]),
    (LLONG_MAX, "DECRBY", [-1]),
    (LLONG_MIN, "DECR", []),
    (LLONG_MIN, "INCRBY", [-1]),
    (-2, "INCRBY", [LLONG_MIN]),
    (LLONG_MIN, "DECRBY", [1]),
])
def test_incr_overflow(r, start, command, args):
    r.set("n", start)
    assert error_of(r, command, "n", *args) == OVERFLOW
    assert r.get("n") == str(start).encode()


def test_decrby_llong_min(r):
    assert error_of(r, "DECRBY", "n", LLONG_MIN) == "ERR decrement would overflow"


def test_incr_limits_reachable(r):
    r.set("n", LLONG_MAX - 1)
    assert r.incr("n") == LLONG_MAX
    r.set("m", LLONG_MIN + 1)
    assert r.decr("m") == LLONG_MIN
    assert r.incrby("x", LLONG_MIN) == LLONG_MIN


# -- INCRBYFLOAT ----------------------------------------------------------


@pytest.mark.parametrize("start, increment, expected", [
    ("10.5", "0.1", b"10.6"),
    ("5.0e3", "0", b"5000"),
    ("5.0e3", "200", b"5200"),
    ("3.0", "0.1", b"3.1"),
    ("1", "-1", b"0"),
    ("10", "1.5", b"11.5"),
    ("0.1", "0.2", b"0.3"),
    ("-1", "-2.25", b"-3.25"),
    ("1e2", "1E1", b"110"),
    (None, "3.5", b"3.5"),
    (None, "-0.0", b"0"),
    ("7", "1.0e-3", b"7.001"),
    ("1.5e20", "0", b"150000000000000000000"),
])
def test_incrbyfloat_formatting(r, start, increment, expected):
    if start is not None:
        r.set("f", start)
    assert r.execute_command("INCRBYFLOAT", "f", increment) == expected
    assert r.get("f") == expected


@pytest.mark.parametrize("value, message", [
    ("abc", NOT_FLOAT), ("1.5x", NOT_FLOAT), ("", NOT_FLOAT), (" 1", NOT_FLOAT),
    ("nan", NOT_FLOAT), ("inf", NAN_OR_INF),
])
def test_incrbyfloat_on_invalid_value(r, value, message):
    r.set("f", value)
    assert error_of(r, "INCRBYFLOAT", "f", "1") == message
    assert r.get("f") == value.encode()


@pytest.mark.parametrize("increment, message", [
    ("abc", NOT_FLOAT), ("", NOT_FLOAT), ("1,5", NOT_FLOAT), ("1 ", NOT_FLOAT),
    ("nan", NOT_FLOAT), ("1e", NOT_FLOAT), ("inf", NAN_OR_INF), ("-inf", NAN_OR_INF),
])
def test_incrbyfloat_invalid_increment(r, increment, message):
    r.set("f", "1")
    assert error_of(r, "INCRBYFLOAT", "f", increment) == message
    assert r.get("f") == b"1"


def test_incrbyfloat_overflow_to_infinity(r):
    r.set("f", "1e4932")
    assert error_of(r, "INCRBYFLOAT", "f", "1e4932") == NAN_OR_INF
    assert r.get("f") == b"1e4932"


def test_incrbyfloat_keeps_ttl(r):
    r.set("f", "1", ex=100)
    r.incrbyfloat("f", 1)
    assert r.ttl("f") > 0


# -- GETRANGE / SUBSTR / SETRANGE -----------------------------------------


@pytest.mark.parametrize("start, end, expected", [
    (0, 3, b"This"),
    (-3, -1, b"ing"),
    (0, -1, b"This is a string"),
    (10, 100, b"string"),
    (-100, 3, b"This"),
    (5, 3, b""),
    (-1, -5, b""),
    (100, 200, b""),
    (0, 0, b"T"),
    (-1, -1, b"g"),
])
@pytest.mark.parametrize("command", ["GETRANGE", "SUBSTR"])
def test_getrange(r, command, start, end, expected):
    r.set("k", "This is a string")
    assert r.execute_command(command, "k", start, end) == expected


def test_getrange_missing_key_and_errors(r):
    assert r.getrange("missing", 0, -1) == b""
    assert error_of(r, "GETRANGE", "k", "a", "1") == NOT_INTEGER
    assert error_of(r, "GETRANGE", "k", "0") == wrong_arity("getrange")


def test_setrange_overwrites_and_pads_with_zero_bytes(r):
    r.set("k", "Hello World")
    assert r.setrange("k", 6, "Redis") == 11
    assert r.get("k") == b"Hello Redis"
    assert r.setrange("pad", 5, "x") == 6
    assert r.get("pad") == b"\x00" * 5 + b"x"
    assert r.setrange("k", 13, "!") == 14
    assert r.get("k") == b"Hello Redis\x00\x00!"


def test_setrange_empty_value(r):
    assert r.setrange("missing", 5, "") == 0
    assert r.exists("missing") == 0
    r.set("k", "abc")
    assert r.setrange("k", 10, "") == 3
    assert r.get("k") == b"abc"


@pytest.mark.parametrize("offset, message", [
    ("-1", "ERR offset is out of range"),
    ("536870912", "ERR string exceeds maximum allowed size (proto-max-bulk-len)"),
    ("abc", NOT_INTEGER),
])
def test_setrange_errors(r, offset, message):
    assert error_of(r, "SETRANGE", "k", offset, "x") == message
    assert r.exists("k") == 0


# -- binary safety, sizes --------------------------------------------------


@pytest.mark.parametrize("value", [b"", b"\x00", b"a\x00b\x00", b"\r\n", b"\xff\xfe\x00\x01",
                                   bytes(range(256))])
def test_binary_safe_values(r, value):
    r.set("k", value)
    assert r.get("k") == value
    assert r.strlen("k") == len(value)


def test_binary_and_empty_keys(r):
    r.set(b"", b"empty key")
    r.set(b"k\x00ey", b"nul key")
    assert r.get(b"") == b"empty key"
    assert r.get(b"k\x00ey") == b"nul key"
    assert r.get(b"k") is None
    assert r.exists(b"", b"k\x00ey") == 2


def test_append_and_getrange_binary(r):
    r.set("k", b"\x00\x01")
    r.append("k", b"\x00\x02")
    assert r.get("k") == b"\x00\x01\x00\x02"
    assert r.getrange("k", 1, 2) == b"\x01\x00"


def test_one_megabyte_value(r):
    value = bytes(i % 251 for i in range(1 << 20))
    r.set("big", value)
    assert r.get("big") == value
    assert r.strlen("big") == 1 << 20
    assert r.append("big", b"!") == (1 << 20) + 1
    assert r.getrange("big", -2, -1) == value[-1:] + b"!"


# -- concurrency ------------------------------------------------------------


def run_threads(count, target):
    errors = []

    def wrapper(index):
        try:
            target(index)
        except Exception as exc:  # surfaced in the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=wrapper, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors


def test_concurrent_incr(server, r):
    def worker(_):
        client = server.client()
        for _ in range(500):
            client.incr("counter")
        client.close()

    run_threads(8, worker)
    assert r.get("counter") == b"4000"


def test_concurrent_incrbyfloat(server, r):
    def worker(_):
        client = server.client()
        for _ in range(200):
            client.incrbyfloat("f", "0.5")
        client.close()

    run_threads(8, worker)
    assert r.get("f") == b"800"


def test_concurrent_append(server, r):
    def worker(index):
        client = server.client()
        for _ in range(300):
            client.append("log", bytes([ord("a") + index]))
        client.close()

    run_threads(8, worker)
    value = r.get("log")
    assert len(value) == 8 * 300
    for index in range(8):
        assert value.count(bytes([ord("a") + index])) == 300
