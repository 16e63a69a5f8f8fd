"""Sorted-set commands: exact Redis 7.0 replies, error texts and edge cases.

Every test not marked ``basalt_only`` also passes against redis-server 7.0
(``BASALT_TEST_TARGET=redis``).
"""

import random
import threading

import pytest

from harness import NOT_INTEGER, SYNTAX, error_of, join_args, wrong_arity

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_FLOAT = "ERR value is not a valid float"
NAN_SCORE = "ERR resulting score is not a number (NaN)"
RANGE_FLOAT = "ERR min or max is not a float"
RANGE_LEX = "ERR min or max not valid string range item"
XX_NX = "ERR XX and NX options at the same time are not compatible"
GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible"
INCR_PAIR = "ERR INCR option supports a single increment-element pair"
LIMIT_RANK = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
WITHSCORES_LEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
POSITIVE = "ERR value is out of range, must be positive"


def zall(r, key):
    """Every element with its score, flat, as ZRANGE key 0 -1 WITHSCORES."""
    return r.execute_command("ZRANGE", key, 0, -1, "WITHSCORES")


def members(r, key):
    return r.execute_command("ZRANGE", key, 0, -1)


@pytest.fixture
def z(r):
    """r with z = {a:1, b:2, c:3, d:4, e:5}."""
    r.execute_command("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e")
    return r


# -- ZADD ---------------------------------------------------------------------


def test_zadd_creates_and_counts_new_members(r):
    assert r.execute_command("ZADD", "z", 1, "a", 2, "b") == 2
    assert r.execute_command("ZADD", "z", 3, "a", 4, "c") == 1
    assert zall(r, "z") == [b"b", b"2", b"a", b"3", b"c", b"4"]
    assert r.type("z") == b"zset"


def test_zadd_same_member_twice_applies_in_order(r):
    assert r.execute_command("ZADD", "z", "CH", 1, "a", 2, "a") == 2  # added, then updated
    assert r.execute_command("ZSCORE", "z", "a") == b"2"
    assert r.execute_command("ZADD", "z", "GT", 5, "b", 3, "b") == 1
    assert r.execute_command("ZSCORE", "z", "b") == b"5"
    assert r.execute_command("ZCARD", "z") == 2


def test_zadd_ch_counts_changed_scores(r):
    r.execute_command("ZADD", "z", 1, "a", 2, "b")
    assert r.execute_command("ZADD", "z", "CH", 1, "a", 3, "b", 4, "c") == 2
    assert r.execute_command("ZADD", "z", "ch", 1, "a") == 0


def test_zadd_nx_and_xx(r):
    r.execute_command("ZADD", "z", 1, "a")
    assert r.execute_command("ZADD", "z", "NX", 5, "a", 2, "b") == 1
    assert zall(r, "z") == [b"a", b"1", b"b", b"2"]
    assert r.execute_command("ZADD", "z", "XX", "CH", 7, "a", 3, "c") == 1
    assert zall(r, "z") == [b"b", b"2", b"a", b"7"]


def test_zadd_xx_on_missing_key_creates_nothing(r):
    assert r.execute_command("ZADD", "z", "XX", 1, "a") == 0
    assert r.exists("z") == 0
    assert r.execute_command("ZADD", "z", "XX", "INCR", 1, "a") is None
    assert r.exists("z") == 0


def test_zadd_gt_lt(r):
    r.execute_command("ZADD", "z", 5, "a", 5, "b")
    assert r.execute_command("ZADD", "z", "GT", "CH", 3, "a", 7, "b", 1, "new") == 2
    assert zall(r, "z") == [b"new", b"1", b"a", b"5", b"b", b"7"]
    assert r.execute_command("ZADD", "z", "LT", "CH", 3, "a", 9, "b") == 1
    assert zall(r, "z") == [b"new", b"1", b"a", b"3", b"b", b"7"]
    assert r.execute_command("ZADD", "z", "XX", "GT", "CH", 4, "a", 4, "zz") == 1
    assert r.execute_command("ZSCORE", "z", "a") == b"4"


def test_zadd_incr(r):
    assert r.execute_command("ZADD", "z", "INCR", 2.5, "a") == b"2.5"
    assert r.execute_command("ZADD", "z", "INCR", "-1", "a") == b"1.5"
    assert r.execute_command("ZADD", "z", "NX", "INCR", 1, "a") is None
    assert r.execute_command("ZADD", "z", "XX", "INCR", 1, "missing") is None
    assert r.execute_command("ZADD", "z", "GT", "INCR", "-1", "a") is None
    assert r.execute_command("ZADD", "z", "LT", "INCR", "-1", "a") == b"0.5"
    assert r.execute_command("ZADD", "z", "INCR", 0, "a") == b"0.5"
    assert zall(r, "z") == [b"a", b"0.5"]


@pytest.mark.parametrize("args, message", [
    (["z", 1], wrong_arity("zadd")),
    (["z"], wrong_arity("zadd")),
    (["z", 1, "a", 2], SYNTAX),
    (["z", "NX", 1], SYNTAX),
    (["z", "NX"], wrong_arity("zadd")),
    (["z", "NX", "XX", 1, "a"], XX_NX),
    (["z", "GT", "LT", 1, "a"], GT_LT_NX),
    (["z", "GT", "NX", 1, "a"], GT_LT_NX),
    (["z", "LT", "NX", 1, "a"], GT_LT_NX),
    (["z", "INCR", 1, "a", 2, "b"], INCR_PAIR),
    (["z", "abc", "a"], NOT_FLOAT),
    (["z", "nan", "a"], NOT_FLOAT),
    (["z", "1e400", "a"], NOT_FLOAT),
    (["z", "1e-400", "a"], NOT_FLOAT),
    (["z", " 1", "a"], NOT_FLOAT),
    (["z", "", "a"], NOT_FLOAT),
    (["z", 1, "a", "x", "b"], NOT_FLOAT),
    (["z", "(1", "a"], NOT_FLOAT),
], ids=join_args)
def test_zadd_errors(r, args, message):
    assert error_of(r, "ZADD", *args) == message
    assert r.exists("z") == 0


def test_zadd_score_error_writes_nothing(r):
    r.execute_command("ZADD", "z", 1, "a")
    assert error_of(r, "ZADD", "z", 5, "a", 2, "b", "bad", "c") == NOT_FLOAT
    assert zall(r, "z") == [b"a", b"1"]


def test_zadd_incr_nan_is_refused(r):
    r.execute_command("ZADD", "z", "+inf", "a")
    assert error_of(r, "ZADD", "z", "INCR", "-inf", "a") == NAN_SCORE
    assert r.execute_command("ZSCORE", "z", "a") == b"inf"


# -- ZINCRBY ------------------------------------------------------------------


def test_zincrby(r):
    assert r.execute_command("ZINCRBY", "z", 1.5, "a") == b"1.5"
    assert r.execute_command("ZINCRBY", "z", "-0.5", "a") == b"1"
    assert r.execute_command("ZINCRBY", "z", "0.1", "b") == b"0.10000000000000001"
    assert r.execute_command("ZINCRBY", "z", "1e308", "c") == b"1e+308"
    assert r.execute_command("ZINCRBY", "z", "1e308", "c") == b"inf"
    assert r.execute_command("ZINCRBY", "z", "+inf", "c") == b"inf"
    assert error_of(r, "ZINCRBY", "z", "-inf", "c") == NAN_SCORE
    assert r.execute_command("ZSCORE", "z", "c") == b"inf"
    assert r.execute_command("ZCARD", "z") == 3


@pytest.mark.parametrize("args, message", [
    (["z", "x", "a"], NOT_FLOAT),
    (["z", "nan", "a"], NOT_FLOAT),
    (["z", 1], wrong_arity("zincrby")),
    (["z", 1, "a", "b"], wrong_arity("zincrby")),
], ids=join_args)
def test_zincrby_errors(r, args, message):
    assert error_of(r, "ZINCRBY", *args) == message


def test_concurrent_zincrby_is_exact(server, r):
    def worker(_):
        client = server.client()
        for _ in range(200):
            client.execute_command("ZINCRBY", "counter", 1, "m")
        client.close()

    run_threads(8, worker)
    assert r.execute_command("ZSCORE", "counter", "m") == b"1600"
    assert r.execute_command("ZCARD", "counter") == 1


def test_concurrent_zadd_distinct_members(server, r):
    def worker(index):
        client = server.client()
        for i in range(100):
            client.execute_command("ZADD", "z", i, f"{index}-{i}")
        client.close()

    run_threads(8, worker)
    assert r.execute_command("ZCARD", "z") == 800
    assert len(members(r, "z")) == 800


# -- ZREM, ZCARD, ZSCORE, ZMSCORE ---------------------------------------------


def test_zrem(z):
    assert z.execute_command("ZREM", "z", "a", "a", "nosuch", "b") == 2
    assert members(z, "z") == [b"c", b"d", b"e"]
    assert z.execute_command("ZREM", "missing", "a") == 0
    assert error_of(z, "ZREM", "z") == wrong_arity("zrem")


def test_empty_zset_disappears(z):
    assert z.execute_command("ZREM", "z", "a", "b", "c", "d", "e") == 5
    assert z.exists("z") == 0
    assert z.type("z") == b"none"
    assert z.execute_command("ZCARD", "z") == 0


def test_zcard_zscore_zmscore(z):
    assert z.execute_command("ZCARD", "z") == 5
    assert z.execute_command("ZCARD", "missing") == 0
    assert z.execute_command("ZSCORE", "z", "c") == b"3"
    assert z.execute_command("ZSCORE", "z", "nosuch") is None
    assert z.execute_command("ZSCORE", "missing", "a") is None
    assert z.execute_command("ZMSCORE", "z", "a", "nosuch", "e") == [b"1", None, b"5"]
    assert z.execute_command("ZMSCORE", "missing", "a", "b") == [None, None]
    assert error_of(z, "ZMSCORE", "z") == wrong_arity("zmscore")
    assert error_of(z, "ZSCORE", "z") == wrong_arity("zscore")


# -- scores and members -------------------------------------------------------


def test_score_formatting(r):
    r.execute_command("ZADD", "z", 1.1, "a", "-2.5", "b", "1e308", "c", "1e-310", "d",
                      "0x10", "e", 100, "f", "1.0", "g", "-1e-5", "h")
    assert r.execute_command("ZMSCORE", "z", "a", "b", "c", "d", "e", "f", "g", "h") == [
        b"1.1000000000000001", b"-2.5", b"1e+308", b"9.9999999999999694e-311", b"16", b"100", b"1",
        b"-1.0000000000000001e-05"]


def test_infinities_and_extremes_order(r):
    r.execute_command("ZADD", "z", "inf", "pinf", "-inf", "ninf", "1e308", "big", "-1e308", "small",
                      0, "zero", "-1", "neg", "1e-308", "tiny", "+inf", "pinf2", "-INF", "ninf2")
    assert zall(r, "z") == [b"ninf", b"-inf", b"ninf2", b"-inf", b"small", b"-1e+308", b"neg", b"-1",
                            b"zero", b"0", b"tiny", b"9.9999999999999991e-309", b"big", b"1e+308", b"pinf", b"inf",
                            b"pinf2", b"inf"]
    assert r.execute_command("ZRANGEBYSCORE", "z", "-inf", "-inf") == [b"ninf", b"ninf2"]
    assert r.execute_command("ZRANGEBYSCORE", "z", "(-inf", "(inf") == [
        b"small", b"neg", b"zero", b"tiny", b"big"]
    assert r.execute_command("ZCOUNT", "z", "inf", "+inf") == 2


def test_negative_zero_is_zero(r):
    r.execute_command("ZADD", "z", "-0", "b", 0, "a", "-0.0", "c")
    assert zall(r, "z") == [b"a", b"0", b"b", b"0", b"c", b"0"]
    assert r.execute_command("ZSCORE", "z", "b") == b"0"
    assert r.execute_command("ZRANGEBYSCORE", "z", "-0", "0") == [b"a", b"b", b"c"]
    assert r.execute_command("ZRANGEBYSCORE", "z", "(-0", "+inf") == []
    assert r.execute_command("ZINCRBY", "z", "-0", "a") == b"0"


def test_equal_scores_order_by_member_bytes(r):
    r.execute_command("ZADD", "z", 1, "b", 1, "a", 1, "B", 1, "aa", 1, "", 1, "\xff", 0, "zz")
    assert members(r, "z") == [b"zz", b"", b"B", b"a", b"aa", b"b", b"\xc3\xbf"]
    assert r.execute_command("ZREVRANGE", "z", 0, 2) == [b"\xc3\xbf", b"b", b"aa"]


def test_binary_members_with_nul_bytes(r):
    names = [b"a\x00b", b"a\x00a", b"a", b"\x00", b"a\x00", b"\x00\x00\xff"]
    for i, name in enumerate(names):
        r.execute_command("ZADD", "z", 7, name)
    assert members(r, "z") == sorted(names)
    assert r.execute_command("ZSCORE", "z", b"a\x00b") == b"7"
    assert r.execute_command("ZSCORE", "z", b"a\x00c") is None
    assert r.execute_command("ZRANK", "z", b"a\x00") == 3
    assert r.execute_command("ZRANGEBYLEX", "z", b"[a\x00", b"(a\x00b") == [b"a\x00", b"a\x00a"]
    assert r.execute_command("ZREM", "z", b"\x00", b"a\x00a") == 2
    assert members(r, "z") == [b"\x00\x00\xff", b"a", b"a\x00", b"a\x00b"]


def test_large_member_and_many_members(r):
    big = b"x" * 100_000
    r.execute_command("ZADD", "z", 1, big)
    assert r.execute_command("ZSCORE", "z", big) == b"1"
    pipe = r.pipeline(transaction=False)
    for i in range(1000):
        pipe.execute_command("ZADD", "many", i % 17, f"m{i:04d}")
    pipe.execute()
    assert r.execute_command("ZCARD", "many") == 1000
    expected = sorted((i % 17, f"m{i:04d}".encode()) for i in range(1000))
    assert members(r, "many") == [m for _, m in expected]


# -- ZCOUNT, ZLEXCOUNT ----------------------------------------------------------


@pytest.mark.parametrize("lo, hi, count", [
    ("-inf", "+inf", 5), ("2", "4", 3), ("(2", "4", 2), ("2", "(4", 2), ("(2", "(4", 1),
    ("4", "2", 0), ("(3", "(3", 0), ("3", "3", 1), ("(", "5", 5), ("-inf", "(1", 0),
    ("5", "inf", 1), (" 2", "4", 3),
], ids=join_args)
def test_zcount(z, lo, hi, count):
    assert z.execute_command("ZCOUNT", "z", lo, hi) == count


def test_zcount_errors(z):
    assert error_of(z, "ZCOUNT", "z", "x", 1) == RANGE_FLOAT
    assert error_of(z, "ZCOUNT", "z", 1, "nan") == RANGE_FLOAT
    assert error_of(z, "ZCOUNT", "z", "((1", 2) == RANGE_FLOAT
    assert z.execute_command("ZCOUNT", "missing", 0, 1) == 0


@pytest.fixture
def lex(r):
    r.execute_command("ZADD", "l", 0, "a", 0, "b", 0, "c", 0, "d", 0, "e", 0, "f", 0, "g")
    return r


@pytest.mark.parametrize("lo, hi, count", [
    ("-", "+", 7), ("[b", "[d", 3), ("(b", "(d", 1), ("(b", "+", 5), ("-", "(c", 2),
    ("+", "-", 0), ("-", "-", 0), ("+", "+", 0), ("[a", "[a", 1), ("(a", "[a", 0),
    ("[c", "[b", 0), ("[", "+", 7), ("[bb", "[dd", 2), ("[h", "+", 0),
], ids=join_args)
def test_zlexcount(lex, lo, hi, count):
    assert lex.execute_command("ZLEXCOUNT", "l", lo, hi) == count


@pytest.mark.parametrize("lo, hi", [("a", "[b"), ("[a", "b"), ("+a", "+"), ("-", "--"), ("", "+")],
                         ids=join_args)
def test_zlexcount_errors(lex, lo, hi):
    assert error_of(lex, "ZLEXCOUNT", "l", lo, hi) == RANGE_LEX


# -- ZRANGE and its older forms -------------------------------------------------


@pytest.mark.parametrize("args, expected", [
    ([0, -1], [b"a", b"b", b"c", b"d", b"e"]),
    ([0, 0], [b"a"]),
    ([-1, -1], [b"e"]),
    ([-2, -1, "WITHSCORES"], [b"d", b"4", b"e", b"5"]),
    ([-100, 100], [b"a", b"b", b"c", b"d", b"e"]),
    ([2, 1], []),
    ([5, 100], []),
    ([-100, -6], []),
    ([1, 3], [b"b", b"c", b"d"]),
    ([3, -1], [b"d", b"e"]),
    ([0, -1, "REV"], [b"e", b"d", b"c", b"b", b"a"]),
    ([1, -2, "REV", "WITHSCORES"], [b"d", b"4", b"c", b"3", b"b", b"2"]),
    ([0, 1, "rev", "withscores", "withscores"], [b"e", b"5", b"d", b"4"]),
    # BYSCORE
    ([2, 4, "BYSCORE"], [b"b", b"c", b"d"]),
    (["(2", "(4", "BYSCORE", "WITHSCORES"], [b"c", b"3"]),
    (["-inf", "+inf", "BYSCORE", "LIMIT", 1, 2], [b"b", b"c"]),
    (["-inf", "+inf", "BYSCORE", "LIMIT", 1, -1], [b"b", b"c", b"d", b"e"]),
    (["-inf", "+inf", "BYSCORE", "LIMIT", 1, -5], [b"b", b"c", b"d", b"e"]),
    (["-inf", "+inf", "BYSCORE", "LIMIT", -1, 2], []),
    (["-inf", "+inf", "BYSCORE", "LIMIT", 5, 2], []),
    (["-inf", "+inf", "BYSCORE", "LIMIT", 0, 0], []),
    (["(", 4, "BYSCORE"], [b"a", b"b", b"c", b"d"]),
    (["(4", "(4", "BYSCORE"], []),
    ([4, 4, "BYSCORE"], [b"d"]),
    ([4, 2, "BYSCORE"], []),
    ([4, 2, "BYSCORE", "REV"], [b"d", b"c", b"b"]),
    (["(4", "(1", "BYSCORE", "REV", "WITHSCORES"], [b"c", b"3", b"b", b"2"]),
    (["+inf", "-inf", "BYSCORE", "REV", "LIMIT", 1, 2], [b"d", b"c"]),
    (["+inf", "(4", "BYSCORE", "REV"], [b"e"]),
    ([10, 4.5, "BYSCORE", "REV"], [b"e"]),
    ([0.5, -10, "BYSCORE", "REV"], []),
    ([2, 4, "BYSCORE", "LIMIT", 0, 1, "LIMIT", 1, 1], [b"c"]),
    # BYLEX
    (["-", "+", "BYLEX"], [b"a", b"b", b"c", b"d", b"e"]),
    (["[b", "(d", "BYLEX"], [b"b", b"c"]),
    (["(b", "+", "BYLEX", "LIMIT", 1, 2], [b"d", b"e"]),
    (["+", "-", "BYLEX", "REV"], [b"e", b"d", b"c", b"b", b"a"]),
    (["[d", "[b", "BYLEX", "REV"], [b"d", b"c", b"b"]),
    (["(d", "-", "BYLEX", "REV", "LIMIT", 1, 5], [b"b", b"a"]),
    (["[bz", "[a", "BYLEX", "REV"], [b"b", b"a"]),
    (["[0", "-", "BYLEX", "REV"], []),
], ids=join_args)
def test_zrange(z, args, expected):
    assert z.execute_command("ZRANGE", "z", *args) == expected


@pytest.mark.parametrize("args, message", [
    ([0, -1, "LIMIT", 0, 1], LIMIT_RANK),
    ([0, -1, "REV", "LIMIT", 0, 1], LIMIT_RANK),
    ([0, -1, "BYSCORE", "LIMIT", 0], SYNTAX),
    ([0, -1, "BYSCORE", "LIMIT", "a", 1], NOT_INTEGER),
    ([0, -1, "BYSCORE", "LIMIT", 0, "b"], NOT_INTEGER),
    (["-", "+", "BYLEX", "WITHSCORES"], WITHSCORES_LEX),
    ([0, -1, "BYLEX"], RANGE_LEX),
    (["a", "b", "BYLEX"], RANGE_LEX),
    ([0, -1, "BYSCORE", "BYLEX"], SYNTAX),
    ([0, -1, "BYSCORE", "BYSCORE"], SYNTAX),
    ([0, -1, "REV", "REV"], SYNTAX),
    (["x", "y"], NOT_INTEGER),
    ([0, "1.5"], NOT_INTEGER),
    ([1, "x", "BYSCORE"], RANGE_FLOAT),
    ([0, -1, "foo"], SYNTAX),
    ([0], wrong_arity("zrange")),
], ids=join_args)
def test_zrange_errors(z, args, message):
    assert error_of(z, "ZRANGE", "z", *args) == message


def test_zrange_missing_key(r):
    assert r.execute_command("ZRANGE", "missing", 0, -1) == []
    assert r.execute_command("ZRANGE", "missing", "-inf", "+inf", "BYSCORE", "WITHSCORES") == []
    # argument errors come before the key lookup
    assert error_of(r, "ZRANGE", "missing", "x", 1) == NOT_INTEGER


def test_older_range_commands(z):
    assert z.execute_command("ZREVRANGE", "z", 0, 1, "WITHSCORES") == [b"e", b"5", b"d", b"4"]
    assert z.execute_command("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", 1, 2, "WITHSCORES") == [
        b"b", b"2", b"c", b"3"]
    assert z.execute_command("ZRANGEBYSCORE", "z", "(1", "3") == [b"b", b"c"]
    assert z.execute_command("ZREVRANGEBYSCORE", "z", 4, 1, "LIMIT", 0, 2, "WITHSCORES") == [
        b"d", b"4", b"c", b"3"]
    assert z.execute_command("ZREVRANGEBYSCORE", "z", 1, 4) == []
    assert z.execute_command("ZREVRANGEBYSCORE", "z", "(4", "(1") == [b"c", b"b"]
    assert z.execute_command("ZRANGEBYLEX", "z", "[b", "[c") == [b"b", b"c"]
    assert z.execute_command("ZREVRANGEBYLEX", "z", "+", "(c", "LIMIT", 1, 1) == [b"d"]


@pytest.mark.parametrize("command, args, message", [
    ("ZRANGEBYSCORE", ["-inf", "+inf", "REV"], SYNTAX),
    ("ZRANGEBYSCORE", ["-inf", "+inf", "BYLEX"], SYNTAX),
    ("ZRANGEBYSCORE", ["a", "+inf"], RANGE_FLOAT),
    ("ZRANGEBYLEX", ["-", "+", "WITHSCORES"], WITHSCORES_LEX),
    ("ZRANGEBYLEX", ["-", "+", "BYSCORE"], SYNTAX),
    ("ZREVRANGE", [0, 1, "BYSCORE"], SYNTAX),
    ("ZREVRANGE", [0, 1, "REV"], SYNTAX),
    ("ZREVRANGE", [0, -1, "LIMIT", 0, 1], LIMIT_RANK),
    ("ZREVRANGEBYLEX", ["-", "+"], []),
    ("ZREVRANGEBYLEX", ["a", "+"], RANGE_LEX),
], ids=join_args)
def test_older_range_command_errors(z, command, args, message):
    if message == []:
        assert z.execute_command(command, "z", *args) == []
    else:
        assert error_of(z, command, "z", *args) == message


def test_rank_ranges_from_both_ends(r):
    """Index ranges near either end (walked from the nearer one) against a model."""
    rng = random.Random(42)
    values = sorted((rng.randint(0, 50), f"m{i:03d}".encode()) for i in range(200))
    pipe = r.pipeline(transaction=False)
    for score, member in values:
        pipe.execute_command("ZADD", "big", score, member)
    pipe.execute()
    ordered = [m for _, m in values]
    for start, stop in [(0, 9), (-10, -1), (150, 160), (190, 250), (-200, 5), (99, 100), (3, -3), (-1, -1)]:
        n = len(ordered)
        s, e = (start + n if start < 0 else start), (stop + n if stop < 0 else stop)
        s = max(s, 0)
        expected = ordered[s:e + 1]
        assert r.execute_command("ZRANGE", "big", start, stop) == expected, (start, stop)
        assert r.execute_command("ZREVRANGE", "big", start, stop) == ordered[::-1][s:e + 1], (start, stop)
    for member in (ordered[0], ordered[57], ordered[150], ordered[-1]):
        assert r.execute_command("ZRANK", "big", member) == ordered.index(member)
        assert r.execute_command("ZREVRANK", "big", member) == len(ordered) - 1 - ordered.index(member)


# -- ZRANGESTORE ----------------------------------------------------------------


def test_zrangestore(z):
    assert z.execute_command("ZRANGESTORE", "dst", "z", 1, 3) == 3
    assert zall(z, "dst") == [b"b", b"2", b"c", b"3", b"d", b"4"]
    assert z.execute_command("ZRANGESTORE", "dst", "z", 4, 1, "BYSCORE", "REV", "LIMIT", 0, 2) == 2
    assert zall(z, "dst") == [b"c", b"3", b"d", b"4"]
    assert z.execute_command("ZRANGESTORE", "dst", "z", "[c", "+", "BYLEX") == 3
    assert zall(z, "dst") == [b"c", b"3", b"d", b"4", b"e", b"5"]
    assert z.execute_command("ZRANGESTORE", "z", "z", 0, 0) == 1  # source and destination
    assert zall(z, "z") == [b"a", b"1"]


def test_zrangestore_replaces_any_type_and_empty_result_deletes(r):
    r.execute_command("ZADD", "src", 1, "a")
    r.set("dst", "string", ex=100)
    assert r.execute_command("ZRANGESTORE", "dst", "src", 0, -1) == 1
    assert r.type("dst") == b"zset"
    assert r.ttl("dst") == -1
    assert r.execute_command("ZRANGESTORE", "dst", "src", 5, 10) == 0
    assert r.exists("dst") == 0
    r.set("dst", "string")
    assert r.execute_command("ZRANGESTORE", "dst", "missing", 0, -1) == 0
    assert r.exists("dst") == 0


@pytest.mark.parametrize("args, message", [
    (["dst", "z", 0, -1, "WITHSCORES"], SYNTAX),
    (["dst", "z", 0, -1, "LIMIT", 0, 1], LIMIT_RANK),
    (["dst", "z", "a", "b", "BYSCORE"], RANGE_FLOAT),
    (["dst", "z", 0], wrong_arity("zrangestore")),
], ids=join_args)
def test_zrangestore_errors(z, args, message):
    assert error_of(z, "ZRANGESTORE", *args) == message


# -- ZRANK / ZREVRANK -------------------------------------------------------------


def test_zrank(z):
    assert z.execute_command("ZRANK", "z", "a") == 0
    assert z.execute_command("ZRANK", "z", "e") == 4
    assert z.execute_command("ZREVRANK", "z", "a") == 4
    assert z.execute_command("ZREVRANK", "z", "d") == 1
    assert z.execute_command("ZRANK", "z", "nosuch") is None
    assert z.execute_command("ZRANK", "missing", "a") is None
    assert z.execute_command("ZREVRANK", "missing", "a") is None


@pytest.mark.basalt_only
def test_zrank_withscore(z, server):
    """WITHSCORE is Redis 7.2."""
    assert z.execute_command("ZRANK", "z", "c", "WITHSCORE") == [2, b"3"]
    assert z.execute_command("ZREVRANK", "z", "c", "withscore") == [2, b"3"]
    assert z.execute_command("ZRANK", "z", "nosuch", "WITHSCORE") is None
    assert error_of(z, "ZRANK", "z", "c", "WITHSCORES") == SYNTAX
    assert error_of(z, "ZRANK", "z", "c", "WITHSCORE", "x") == SYNTAX
    with server.raw() as c:
        c.hello(3)
        assert c.call("ZRANK", "z", "c", "WITHSCORE") == [2, 3.0]
        c.send_command("ZREVRANK", "z", "nosuch", "WITHSCORE")
        assert c.read_raw_reply() == b"_\r\n"


# -- ZREMRANGEBY* -------------------------------------------------------------------


def test_zremrangebyrank(r):
    r.execute_command("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e", 6, "f")
    assert r.execute_command("ZREMRANGEBYRANK", "z", 0, 1) == 2
    assert r.execute_command("ZREMRANGEBYRANK", "z", -1, -1) == 1
    assert r.execute_command("ZREMRANGEBYRANK", "z", 5, 10) == 0
    assert r.execute_command("ZREMRANGEBYRANK", "z", 2, 1) == 0
    assert members(r, "z") == [b"c", b"d", b"e"]
    assert r.execute_command("ZREMRANGEBYRANK", "z", -100, 100) == 3
    assert r.exists("z") == 0
    assert r.execute_command("ZREMRANGEBYRANK", "missing", 0, -1) == 0
    assert error_of(r, "ZREMRANGEBYRANK", "z", "x", 1) == NOT_INTEGER


def test_zremrangebyscore(z):
    assert z.execute_command("ZREMRANGEBYSCORE", "z", "(3", 4) == 1
    assert z.execute_command("ZREMRANGEBYSCORE", "z", "-inf", "(2") == 1
    assert zall(z, "z") == [b"b", b"2", b"c", b"3", b"e", b"5"]
    assert z.execute_command("ZREMRANGEBYSCORE", "z", 10, 1) == 0
    assert error_of(z, "ZREMRANGEBYSCORE", "z", "x", 4) == RANGE_FLOAT
    assert z.execute_command("ZREMRANGEBYSCORE", "z", "-inf", "+inf") == 3
    assert z.exists("z") == 0
    assert z.execute_command("ZREMRANGEBYSCORE", "missing", 0, 1) == 0


def test_zremrangebylex(lex):
    assert lex.execute_command("ZREMRANGEBYLEX", "l", "[b", "[c") == 2
    assert lex.execute_command("ZREMRANGEBYLEX", "l", "(e", "+") == 2
    assert members(lex, "l") == [b"a", b"d", b"e"]
    assert error_of(lex, "ZREMRANGEBYLEX", "l", "x", "y") == RANGE_LEX
    assert lex.execute_command("ZREMRANGEBYLEX", "l", "-", "+") == 3
    assert lex.exists("l") == 0


# -- pops -----------------------------------------------------------------------------


def test_zpopmin_zpopmax(r):
    r.execute_command("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e", 6, "f")
    assert r.execute_command("ZPOPMIN", "z") == [b"a", b"1"]
    assert r.execute_command("ZPOPMIN", "z", 2) == [b"b", b"2", b"c", b"3"]
    assert r.execute_command("ZPOPMAX", "z") == [b"f", b"6"]
    assert r.execute_command("ZPOPMAX", "z", 0) == []
    assert r.execute_command("ZPOPMAX", "z", 10) == [b"e", b"5", b"d", b"4"]
    assert r.exists("z") == 0
    assert r.execute_command("ZPOPMIN", "z") == []
    assert r.execute_command("ZPOPMIN", "z", 3) == []


@pytest.mark.parametrize("args, message", [
    (["z", -1], POSITIVE),
    (["z", "x"], POSITIVE),
    (["z", "99999999999999999999"], POSITIVE),
    (["z", 1, 2], SYNTAX),
    ([], wrong_arity("zpopmin")),
], ids=join_args)
def test_zpop_errors(z, args, message):
    assert error_of(z, "ZPOPMIN", *args) == message


def test_zpop_ties_and_order(r):
    r.execute_command("ZADD", "z", 1, "b", 1, "a", 1, "c")
    assert r.execute_command("ZPOPMIN", "z") == [b"a", b"1"]
    assert r.execute_command("ZPOPMAX", "z") == [b"c", b"1"]


def test_zmpop(r):
    r.execute_command("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d")
    assert r.execute_command("ZMPOP", 1, "z", "MIN") == [b"z", [[b"a", b"1"]]]
    assert r.execute_command("ZMPOP", 1, "z", "MAX", "COUNT", 2) == [b"z", [[b"d", b"4"], [b"c", b"3"]]]
    assert r.execute_command("ZMPOP", 2, "missing", "z", "min", "count", 10) == [b"z", [[b"b", b"2"]]]
    assert r.exists("z") == 0
    assert r.execute_command("ZMPOP", 2, "missing", "z", "MIN") is None


@pytest.mark.parametrize("args, message", [
    ([1, "z", "min", "count", 0], "ERR count should be greater than 0"),
    ([1, "z", "min", "count", -1], "ERR count should be greater than 0"),
    ([1, "z", "min", "count", "x"], "ERR count should be greater than 0"),
    ([1, "z", "foo"], SYNTAX),
    ([0, "z", "min"], "ERR numkeys should be greater than 0"),
    (["x", "z", "min"], "ERR numkeys should be greater than 0"),
    ([2, "z", "min"], SYNTAX),
    ([5, "z", "min"], SYNTAX),
    ([1, "z", "min", "count", 1, "count", 2], SYNTAX),
    ([1, "z", "min", "foo"], SYNTAX),
    ([1, "z", "min", "count"], SYNTAX),
    ([1, "z"], wrong_arity("zmpop")),
], ids=join_args)
def test_zmpop_errors(z, args, message):
    assert error_of(z, "ZMPOP", *args) == message


def test_zmpop_wrongtype_stops_the_search(z):
    z.set("s", "x")
    assert error_of(z, "ZMPOP", 2, "s", "z", "MIN") == WRONGTYPE
    assert error_of(z, "ZMPOP", 3, "missing", "s", "z", "MIN") == WRONGTYPE
    assert z.execute_command("ZMPOP", 2, "z", "s", "MIN") == [b"z", [[b"a", b"1"]]]


# -- ZRANDMEMBER ----------------------------------------------------------------------


def test_zrandmember(z):
    everything = {b"a": b"1", b"b": b"2", b"c": b"3", b"d": b"4", b"e": b"5"}
    for _ in range(20):
        assert z.execute_command("ZRANDMEMBER", "z") in everything
    got = z.execute_command("ZRANDMEMBER", "z", 3)
    assert len(got) == 3 and len(set(got)) == 3 and set(got) <= set(everything)
    got = z.execute_command("ZRANDMEMBER", "z", 100)
    assert sorted(got) == sorted(everything)
    got = z.execute_command("ZRANDMEMBER", "z", 2, "WITHSCORES")
    assert len(got) == 4 and everything[got[0]] == got[1] and everything[got[2]] == got[3]
    got = z.execute_command("ZRANDMEMBER", "z", -20, "withscores")
    assert len(got) == 40
    assert all(everything[got[i]] == got[i + 1] for i in range(0, 40, 2))
    got = z.execute_command("ZRANDMEMBER", "z", -12)
    assert len(got) == 12 and set(got) <= set(everything)
    assert z.execute_command("ZRANDMEMBER", "z", 0) == []


def test_zrandmember_negative_count_on_one_member(r):
    r.execute_command("ZADD", "z", 1, "only")
    assert r.execute_command("ZRANDMEMBER", "z", -5) == [b"only"] * 5


def test_zrandmember_covers_every_member(r):
    r.execute_command("ZADD", "z", *[x for i in range(10) for x in (i, f"m{i}")])
    seen = set()
    for _ in range(300):
        seen.add(r.execute_command("ZRANDMEMBER", "z"))
    assert len(seen) == 10


def test_zrandmember_missing_key_and_errors(r):
    assert r.execute_command("ZRANDMEMBER", "missing") is None
    assert r.execute_command("ZRANDMEMBER", "missing", 2) == []
    assert r.execute_command("ZRANDMEMBER", "missing", 2, "WITHSCORES") == []
    assert r.execute_command("ZRANDMEMBER", "missing", 0) == []
    assert error_of(r, "ZRANDMEMBER", "missing", "x") == NOT_INTEGER
    assert error_of(r, "ZRANDMEMBER", "missing", 2, "foo") == SYNTAX
    assert error_of(r, "ZRANDMEMBER", "missing", 2, "WITHSCORES", "x") == SYNTAX
    assert error_of(r, "ZRANDMEMBER", "missing", -9223372036854775808) == (
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
    r.set("s", "x")
    assert error_of(r, "ZRANDMEMBER", "s") == WRONGTYPE
    assert error_of(r, "ZRANDMEMBER", "s", 0) == WRONGTYPE


@pytest.mark.basalt_only
def test_zrandmember_repeat_count_is_bounded(r):
    """Redis builds a reply of any size (and can run out of memory)."""
    r.execute_command("ZADD", "z", 1, "a")
    message = error_of(r, "ZRANDMEMBER", "z", -(1 << 40))
    assert message.startswith("ERR value is out of range")


# -- set operations ---------------------------------------------------------------------


@pytest.fixture
def two(r):
    r.execute_command("ZADD", "z1", 1, "a", 2, "b", 3, "c", 4, "d")
    r.execute_command("ZADD", "z2", 10, "b", 20, "c", 30, "e")
    return r


@pytest.mark.parametrize("args, expected", [
    (["ZUNION", 2, "z1", "z2"], [b"a", b"d", b"b", b"c", b"e"]),
    (["ZUNION", 2, "z1", "z2", "WITHSCORES"], [b"a", b"1", b"d", b"4", b"b", b"12", b"c", b"23", b"e", b"30"]),
    (["ZUNION", 2, "z1", "z2", "WEIGHTS", 1, 2, "WITHSCORES"],
     [b"a", b"1", b"d", b"4", b"b", b"22", b"c", b"43", b"e", b"60"]),
    (["ZUNION", 2, "z1", "z2", "AGGREGATE", "MAX", "WITHSCORES"],
     [b"a", b"1", b"d", b"4", b"b", b"10", b"c", b"20", b"e", b"30"]),
    (["ZUNION", 2, "z1", "z2", "AGGREGATE", "min", "WITHSCORES"],
     [b"a", b"1", b"b", b"2", b"c", b"3", b"d", b"4", b"e", b"30"]),
    (["ZUNION", 1, "z1", "WEIGHTS", 1, "WEIGHTS", 2, "WITHSCORES"],
     [b"a", b"2", b"b", b"4", b"c", b"6", b"d", b"8"]),
    (["ZUNION", 1, "z1", "WITHSCORES", "WITHSCORES", "AGGREGATE", "SUM", "AGGREGATE", "MAX"],
     [b"a", b"1", b"b", b"2", b"c", b"3", b"d", b"4"]),
    (["ZUNION", 2, "z1", "missing"], [b"a", b"b", b"c", b"d"]),
    (["ZUNION", 2, "z1", "z2", "WEIGHTS", "inf", "-inf", "WITHSCORES"],
     [b"e", b"-inf", b"b", b"0", b"c", b"0", b"a", b"inf", b"d", b"inf"]),
    (["ZUNION", 2, "z1", "z2", "WEIGHTS", "inf", 0, "WITHSCORES"],
     [b"e", b"0", b"a", b"inf", b"b", b"inf", b"c", b"inf", b"d", b"inf"]),
    (["ZINTER", 2, "z1", "z2", "WITHSCORES"], [b"b", b"12", b"c", b"23"]),
    (["ZINTER", 2, "z1", "z2", "AGGREGATE", "MIN", "WITHSCORES"], [b"b", b"2", b"c", b"3"]),
    (["ZINTER", 2, "z1", "z2", "AGGREGATE", "MAX", "WEIGHTS", 2, 0.5, "WITHSCORES"],
     [b"b", b"5", b"c", b"10"]),
    (["ZINTER", 2, "z1", "z1", "WITHSCORES"], [b"a", b"2", b"b", b"4", b"c", b"6", b"d", b"8"]),
    (["ZINTER", 3, "z1", "z2", "missing"], []),
    (["ZINTER", 2, "z1", "z2", "WEIGHTS", "inf", 0, "WITHSCORES"], [b"b", b"inf", b"c", b"inf"]),
    (["ZDIFF", 2, "z1", "z2", "WITHSCORES"], [b"a", b"1", b"d", b"4"]),
    (["ZDIFF", 1, "z1"], [b"a", b"b", b"c", b"d"]),
    (["ZDIFF", 2, "missing", "z1"], []),
    (["ZDIFF", 3, "z1", "z2", "z1"], []),
    (["ZDIFF", 2, "z1", "z2", "WITHSCORES", "WITHSCORES"], [b"a", b"1", b"d", b"4"]),
], ids=join_args)
def test_setops(two, args, expected):
    assert two.execute_command(*args) == expected


def test_setop_sum_of_opposite_infinities_is_zero(r):
    r.execute_command("ZADD", "p", "inf", "a", 1, "b")
    r.execute_command("ZADD", "n", "-inf", "a", "-inf", "b")
    assert r.execute_command("ZUNION", 2, "p", "n", "WITHSCORES") == [b"b", b"-inf", b"a", b"0"]
    assert r.execute_command("ZINTER", 2, "p", "n", "WITHSCORES") == [b"b", b"-inf", b"a", b"0"]
    assert r.execute_command("ZINTER", 2, "p", "n", "AGGREGATE", "MIN", "WITHSCORES") == [
        b"a", b"-inf", b"b", b"-inf"]


def test_setop_store(two):
    assert two.execute_command("ZUNIONSTORE", "d", 2, "z1", "z2") == 5
    assert zall(two, "d") == [b"a", b"1", b"d", b"4", b"b", b"12", b"c", b"23", b"e", b"30"]
    assert two.execute_command("ZINTERSTORE", "d", 2, "z1", "z2", "WEIGHTS", 1, -1) == 2
    assert zall(two, "d") == [b"c", b"-17", b"b", b"-8"]
    assert two.execute_command("ZDIFFSTORE", "d", 2, "z1", "z2") == 2
    assert zall(two, "d") == [b"a", b"1", b"d", b"4"]
    assert two.execute_command("ZINTERSTORE", "d", 2, "z1", "missing") == 0
    assert two.exists("d") == 0
    assert two.execute_command("ZUNIONSTORE", "z1", 2, "z1", "z2", "AGGREGATE", "MAX") == 5
    assert zall(two, "z1") == [b"a", b"1", b"d", b"4", b"b", b"10", b"c", b"20", b"e", b"30"]


def test_setop_store_replaces_other_types(two):
    two.set("d", "string", ex=100)
    assert two.execute_command("ZUNIONSTORE", "d", 1, "z2") == 3
    assert two.type("d") == b"zset"
    assert two.ttl("d") == -1
    assert zall(two, "d") == [b"b", b"10", b"c", b"20", b"e", b"30"]


def test_setops_accept_plain_sets(two):
    if two.execute_command("COMMAND", "INFO", "SADD") == [None]:
        pytest.skip("no SADD")
    two.execute_command("SADD", "s", "a", "e", "x")
    assert two.execute_command("ZUNION", 2, "z1", "s", "WITHSCORES") == [
        b"e", b"1", b"x", b"1", b"a", b"2", b"b", b"2", b"c", b"3", b"d", b"4"]
    assert two.execute_command("ZINTER", 2, "s", "z2", "WITHSCORES") == [b"e", b"31"]
    assert two.execute_command("ZDIFF", 2, "s", "z1") == [b"e", b"x"]
    assert two.execute_command("ZINTERCARD", 2, "s", "z1") == 1
    assert two.execute_command("ZUNIONSTORE", "d", 1, "s", "WEIGHTS", 3) == 3
    assert zall(two, "d") == [b"a", b"3", b"e", b"3", b"x", b"3"]


@pytest.mark.parametrize("args, message", [
    (["ZUNION", 2, "z1", "z2", "WEIGHTS", 1], SYNTAX),
    (["ZUNION", 2, "z1", "z2", "WEIGHTS", 1, "x"], "ERR weight value is not a float"),
    (["ZUNION", 2, "z1", "z2", "WEIGHTS", 1, "nan"], "ERR weight value is not a float"),
    (["ZUNION", 2, "z1", "z2", "AGGREGATE", "foo"], SYNTAX),
    (["ZUNION", 2, "z1", "z2", "AGGREGATE"], SYNTAX),
    (["ZUNION", 0, "z1"], "ERR at least 1 input key is needed for 'zunion' command"),
    (["ZUNION", -1, "z1"], "ERR at least 1 input key is needed for 'zunion' command"),
    (["ZINTER", 0, "z1"], "ERR at least 1 input key is needed for 'zinter' command"),
    (["ZDIFF", 0, "z1"], "ERR at least 1 input key is needed for 'zdiff' command"),
    (["ZUNIONSTORE", "d", 0, "z1"], "ERR at least 1 input key is needed for 'zunionstore' command"),
    (["ZINTERSTORE", "d", 0, "z1"], "ERR at least 1 input key is needed for 'zinterstore' command"),
    (["ZINTERCARD", 0, "z1"], "ERR at least 1 input key is needed for 'zintercard' command"),
    (["ZUNION", 3, "z1", "z2"], SYNTAX),
    (["ZUNION", "x", "z1"], NOT_INTEGER),
    (["ZUNION", 1, "z1", "z2"], SYNTAX),
    (["ZDIFF", 2, "z1", "z2", "WEIGHTS", 1, 1], SYNTAX),
    (["ZDIFF", 2, "z1", "z2", "AGGREGATE", "SUM"], SYNTAX),
    (["ZUNIONSTORE", "d", 2, "z1", "z2", "WITHSCORES"], SYNTAX),
    (["ZUNIONSTORE", "d", 3, "z1", "z2"], SYNTAX),
    (["ZINTERCARD", 2, "z1", "z2", "WITHSCORES"], SYNTAX),
    (["ZINTERCARD", 2, "z1", "z2", "LIMIT", -1], "ERR LIMIT can't be negative"),
    (["ZINTERCARD", 2, "z1", "z2", "LIMIT", "x"], "ERR LIMIT can't be negative"),
    (["ZINTERCARD", 2, "z1", "z2", "LIMIT"], SYNTAX),
    (["ZINTERCARD", 2, "z1", "z2", "WEIGHTS", 1, 1], SYNTAX),
    (["ZINTERCARD", 2, "z1"], SYNTAX),
    (["ZUNION", 1], wrong_arity("zunion")),
    (["ZUNIONSTORE", "d", 1], wrong_arity("zunionstore")),
], ids=join_args)
def test_setop_errors(two, args, message):
    assert error_of(two, *args) == message


def test_setop_wrongtype_before_options(two):
    two.set("s", "x")
    assert error_of(two, "ZUNION", 2, "z1", "s") == WRONGTYPE
    assert error_of(two, "ZUNION", 2, "missing", "s") == WRONGTYPE
    assert error_of(two, "ZUNION", 2, "s", "z1", "WEIGHTS", 1, "x") == WRONGTYPE
    assert error_of(two, "ZINTERSTORE", "d", 2, "z1", "s") == WRONGTYPE
    assert error_of(two, "ZDIFFSTORE", "d", 2, "z1", "s") == WRONGTYPE
    assert error_of(two, "ZINTERCARD", 2, "z1", "s") == WRONGTYPE
    assert two.exists("d") == 0


def test_zintercard(two):
    assert two.execute_command("ZINTERCARD", 2, "z1", "z2") == 2
    assert two.execute_command("ZINTERCARD", 2, "z1", "z2", "LIMIT", 1) == 1
    assert two.execute_command("ZINTERCARD", 2, "z1", "z2", "LIMIT", 0) == 2
    assert two.execute_command("ZINTERCARD", 1, "z1") == 4
    assert two.execute_command("ZINTERCARD", 2, "z1", "missing") == 0


# -- ZSCAN ----------------------------------------------------------------------------


def scan_all(r, key, *options):
    cursor, seen, calls = b"0", [], 0
    while True:
        cursor, items = r.execute_command("ZSCAN", key, cursor, *options)
        seen += items
        calls += 1
        if cursor == b"0":
            return seen, calls
        assert calls < 1000


def test_zscan_iterates_everything(r):
    r.execute_command("ZADD", "z", *[x for i in range(300) for x in (i / 4, f"m{i:03d}")])
    seen, _ = scan_all(r, "z", "COUNT", 7)
    pairs = dict(zip(seen[::2], seen[1::2]))
    assert len(pairs) == 300
    assert pairs[b"m001"] == b"0.25"
    assert pairs[b"m004"] == b"1"
    seen, _ = scan_all(r, "z", "MATCH", "m01*")
    assert sorted(seen[::2]) == [f"m01{i}".encode() for i in range(10)]


def test_zscan_small(r):
    r.execute_command("ZADD", "z", 1, "a", 2.5, "b", "-inf", "c")
    cursor, items = r.execute_command("ZSCAN", "z", 0)
    assert cursor == b"0"
    assert dict(zip(items[::2], items[1::2])) == {b"a": b"1", b"b": b"2.5", b"c": b"-inf"}
    assert r.execute_command("ZSCAN", "missing", 0) == [b"0", []]
    assert r.execute_command("ZSCAN", "missing", 0, "foo") == [b"0", []]  # key first, as Redis


@pytest.mark.parametrize("args, message", [
    (["x"], "ERR invalid cursor"),
    ([0, "foo"], SYNTAX),
    ([0, "COUNT", 0], SYNTAX),
    ([0, "COUNT", "x"], NOT_INTEGER),
    ([0, "MATCH"], SYNTAX),
    ([0, "NOVALUES"], SYNTAX),
], ids=join_args)
def test_zscan_errors(z, args, message):
    assert error_of(z, "ZSCAN", "z", *args) == message


# -- generic key behaviour ------------------------------------------------------------


def test_wrongtype_both_ways(r):
    r.set("s", "x")
    for command in (["ZADD", "s", 1, "a"], ["ZINCRBY", "s", 1, "a"], ["ZREM", "s", "a"], ["ZSCORE", "s", "a"],
                    ["ZMSCORE", "s", "a"], ["ZCARD", "s"], ["ZCOUNT", "s", 0, 1], ["ZLEXCOUNT", "s", "-", "+"],
                    ["ZRANGE", "s", 0, -1], ["ZRANGEBYSCORE", "s", 0, 1], ["ZRANK", "s", "a"],
                    ["ZREVRANK", "s", "a"], ["ZREMRANGEBYRANK", "s", 0, 1], ["ZREMRANGEBYSCORE", "s", 0, 1],
                    ["ZREMRANGEBYLEX", "s", "-", "+"], ["ZPOPMIN", "s"], ["ZPOPMAX", "s", 0],
                    ["ZRANDMEMBER", "s", 1], ["ZSCAN", "s", 0], ["ZRANGESTORE", "d", "s", 0, -1],
                    ["ZUNION", 1, "s"], ["ZMPOP", 1, "s", "MIN"]):
        assert error_of(r, *command) == WRONGTYPE, command
    assert r.get("s") == b"x"
    r.execute_command("ZADD", "z", 1, "a")
    for command in (["GET", "z"], ["APPEND", "z", "x"], ["INCR", "z"], ["STRLEN", "z"], ["GETRANGE", "z", 0, 1]):
        assert error_of(r, *command) == WRONGTYPE, command
    assert r.execute_command("SET", "z", "now a string") == b"OK"
    assert r.type("z") == b"string"


def test_score_errors_come_before_wrongtype(r):
    r.set("s", "x")
    assert error_of(r, "ZADD", "s", "x", "a") == NOT_FLOAT
    assert error_of(r, "ZCOUNT", "s", "x", 1) == RANGE_FLOAT
    assert error_of(r, "ZRANGE", "s", 0, -1, "LIMIT", 0, 1) == LIMIT_RANK


def test_del_then_recreate_has_no_old_members(r):
    r.execute_command("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert r.delete("z") == 1
    assert r.execute_command("ZADD", "z", 5, "x") == 1
    assert zall(r, "z") == [b"x", b"5"]
    assert r.execute_command("ZSCORE", "z", "a") is None
    assert r.execute_command("ZRANGEBYSCORE", "z", "-inf", "+inf") == [b"x"]
    assert r.execute_command("ZCARD", "z") == 1
    r.set("z", "str")
    r.delete("z")
    r.execute_command("ZADD", "z", 9, "y")
    assert zall(r, "z") == [b"y", b"9"]


def test_zset_overwritten_by_set_then_recreated(r):
    r.execute_command("ZADD", "z", 1, "a", 2, "b")
    r.set("z", "string")
    r.execute_command("ZADD", "other", 1, "q")
    assert r.execute_command("RENAME", "other", "z") == b"OK"
    assert zall(r, "z") == [b"q", b"1"]


def test_expire_on_zset(r):
    r.execute_command("ZADD", "z", 1, "a")
    assert r.pexpire("z", 100) == 1
    assert r.execute_command("ZADD", "z", 2, "b") == 1  # writes keep the TTL
    assert 0 < r.pttl("z") <= 100
    import time
    time.sleep(0.25)
    assert r.execute_command("ZCARD", "z") == 0
    assert r.exists("z") == 0
    assert r.execute_command("ZADD", "z", 3, "c") == 1
    assert zall(r, "z") == [b"c", b"3"]
    assert r.ttl("z") == -1


def test_rename_and_copy(r):
    r.execute_command("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert r.execute_command("RENAME", "z", "z2") == b"OK"
    assert r.exists("z") == 0
    assert zall(r, "z2") == [b"a", b"1", b"b", b"2", b"c", b"3"]
    assert r.execute_command("ZRANGEBYSCORE", "z2", 2, 3) == [b"b", b"c"]
    assert r.execute_command("COPY", "z2", "z3") == 1
    r.execute_command("ZADD", "z3", 10, "a")
    assert r.execute_command("ZSCORE", "z2", "a") == b"1"
    assert r.execute_command("ZSCORE", "z3", "a") == b"10"
    assert r.execute_command("ZRANK", "z3", "a") == 2
    assert r.execute_command("ZRANK", "z2", "a") == 0
    r.execute_command("ZADD", "z4", 7, "x")
    assert r.execute_command("COPY", "z2", "z4", "REPLACE") == 1
    assert zall(r, "z4") == [b"a", b"1", b"b", b"2", b"c", b"3"]


def test_scan_type_zset(r):
    r.execute_command("ZADD", "z1", 1, "a")
    r.execute_command("ZADD", "z2", 1, "a")
    r.set("s", "x")
    cursor, keys = b"0", []
    while True:
        cursor, batch = r.execute_command("SCAN", cursor, "TYPE", "zset")
        keys += batch
        if cursor == b"0":
            break
    assert sorted(keys) == [b"z1", b"z2"]
    assert sorted(r.keys("*")) == [b"s", b"z1", b"z2"]


def test_model_based_random_operations(r):
    """Random ZADD/ZINCRBY/ZREM/ZPOP against a Python model."""
    rng = random.Random(1234)
    model = {}
    names = [f"m{i}" for i in range(40)]

    def ordered():
        return [m.encode() for m, _ in sorted(model.items(), key=lambda kv: (kv[1], kv[0].encode()))]

    for step in range(400):
        op = rng.choice(["add", "add", "incr", "rem", "pop", "remscore"])
        if op == "add":
            m, s = rng.choice(names), rng.randint(-5, 5)
            added = r.execute_command("ZADD", "z", s, m)
            assert added == (0 if m in model else 1)
            model[m] = float(s)
        elif op == "incr":
            m, s = rng.choice(names), rng.randint(-3, 3)
            model[m] = model.get(m, 0.0) + s
            assert float(r.execute_command("ZINCRBY", "z", s, m)) == model[m]
        elif op == "rem":
            ms = rng.sample(names, 3)
            removed = r.execute_command("ZREM", "z", *ms)
            assert removed == sum(1 for m in ms if m in model)
            for m in ms:
                model.pop(m, None)
        elif op == "pop":
            got = r.execute_command("ZPOPMIN", "z")
            if model:
                first = ordered()[0]
                assert got[0] == first
                del model[first.decode()]
            else:
                assert got == []
        else:
            lo = rng.randint(-6, 6)
            removed = r.execute_command("ZREMRANGEBYSCORE", "z", lo, lo + 1)
            gone = [m for m, s in model.items() if lo <= s <= lo + 1]
            assert removed == len(gone)
            for m in gone:
                del model[m]
        if step % 20 == 0:
            assert members(r, "z") == ordered()
            assert r.execute_command("ZCARD", "z") == len(model)
    assert members(r, "z") == ordered()


# -- RESP3 ------------------------------------------------------------------------------


def test_resp3_shapes(r3):
    r3.execute("ZADD", "z", 1, "a", 2.5, "b", "inf", "c")
    r3.send_command("ZSCORE", "z", "b")
    assert r3.read_raw_reply() == b",2.5\r\n"
    r3.send_command("ZSCORE", "z", "c")
    assert r3.read_raw_reply() == b",inf\r\n"
    r3.send_command("ZSCORE", "z", "nosuch")
    assert r3.read_raw_reply() == b"_\r\n"
    assert r3.call("ZMSCORE", "z", "a", "nosuch") == [1.0, None]
    assert r3.call("ZINCRBY", "z", 1, "a") == 2.0
    assert r3.call("ZADD", "z", "INCR", 1, "a") == 3.0
    assert r3.call("ZRANGE", "z", 0, -1) == [b"b", b"a", b"c"]
    assert r3.call("ZRANGE", "z", 0, 1, "WITHSCORES") == [[b"b", 2.5], [b"a", 3.0]]
    assert r3.call("ZRANGEBYSCORE", "z", 0, 10, "WITHSCORES") == [[b"b", 2.5], [b"a", 3.0]]
    assert r3.call("ZUNION", 1, "z", "WITHSCORES") == [[b"b", 2.5], [b"a", 3.0], [b"c", float("inf")]]
    assert r3.call("ZRANDMEMBER", "z", 1, "WITHSCORES")[0][0] in (b"a", b"b", b"c")
    items = r3.call("ZSCAN", "z", 0)[1]  # scores stay bulk strings, flat
    assert dict(zip(items[::2], items[1::2])) == {b"a": b"3", b"b": b"2.5", b"c": b"inf"}
    assert r3.call("ZPOPMIN", "z") == [b"b", 2.5]
    assert r3.call("ZPOPMIN", "z", 1) == [[b"a", 3.0]]
    assert r3.call("ZPOPMIN", "missing") == []
    assert r3.call("ZMPOP", 1, "z", "MAX") == [b"z", [[b"c", float("inf")]]]
    r3.send_command("ZMPOP", 1, "z", "MAX")
    assert r3.read_raw_reply() == b"_\r\n"
    r3.send_command("ZRANK", "z", "a")
    assert r3.read_raw_reply() == b"_\r\n"


def test_resp2_wire_format(resp):
    resp.call("FLUSHALL")
    resp.call("ZADD", "z", "1.5", "a")
    resp.send_command("ZSCORE", "z", "a")
    assert resp.read_raw_reply() == b"$3\r\n1.5\r\n"
    resp.send_command("ZSCORE", "z", "b")
    assert resp.read_raw_reply() == b"$-1\r\n"
    resp.send_command("ZMPOP", 1, "missing", "MIN")
    assert resp.read_raw_reply() == b"*-1\r\n"
    resp.send_command("ZRANGE", "z", 0, -1, "WITHSCORES")
    assert resp.read_raw_reply() == b"*2\r\n$1\r\na\r\n$3\r\n1.5\r\n"


# -- persistence ----------------------------------------------------------------------


@pytest.mark.basalt_only
def test_zset_survives_restart(start_server):
    srv = start_server()
    client = srv.client()
    client.execute_command("ZADD", "z", 1, "a", "-inf", "b", 2.5, b"c\x00d")
    client.execute_command("ZADD", "gone", 1, "a")
    client.delete("gone")
    client.close()
    srv.restart()
    client = srv.client()
    assert zall(client, "z") == [b"b", b"-inf", b"a", b"1", b"c\x00d", b"2.5"]
    assert client.execute_command("ZRANK", "z", b"c\x00d") == 2
    assert client.exists("gone") == 0
    assert client.execute_command("ZADD", "gone", 5, "x") == 1
    assert zall(client, "gone") == [b"x", b"5"]
    client.close()


@pytest.mark.basalt_only
def test_zset_survives_kill9(start_server):
    srv = start_server()
    client = srv.client()
    for i in range(50):
        client.execute_command("ZINCRBY", "z", 1, f"m{i % 5}")
    client.close()
    srv.kill9()
    srv.start()
    client = srv.client()
    assert zall(client, "z") == [b"m0", b"10", b"m1", b"10", b"m2", b"10", b"m3", b"10", b"m4", b"10"]
    client.close()


@pytest.mark.basalt_only
def test_command_info_for_zset_commands(r):
    info = r.execute_command("COMMAND", "INFO", "zadd", "zrangestore", "zunion")
    assert info[0][:6] == [b"zadd", -4, [b"write", b"denyoom", b"fast"], 1, 1, 1]
    assert info[1][1] == -5 and info[1][3:6] == [1, 2, 1]
    assert info[2][1] == -3 and info[2][3:6] == [0, 0, 0]


# -- helpers ------------------------------------------------------------------------------


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


# -- blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP) ----------------------------------


def _blocked(server, *args):
    import threading
    box = {}

    def run():
        with server.raw(timeout=20) as c:
            box["reply"] = c.call(*args)

    t = threading.Thread(target=run)
    t.start()
    return t, box


def _wait_blocked(r, n):
    import time
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if f"blocked_clients:{n}" in r.execute_command("INFO", "clients").decode():
            return
        time.sleep(0.02)
    raise AssertionError(f"expected {n} blocked clients")


def test_bzpopmin_immediate_and_timeout(r):
    r.zadd("z", {"a": 1, "b": 2})
    assert r.execute_command("BZPOPMIN", "none", "z", 1) == [b"z", b"a", b"1"]
    assert r.execute_command("BZPOPMAX", "z", 1) == [b"z", b"b", b"2"]
    assert r.execute_command("BZPOPMIN", "z", 0.1) is None


def test_bzpopmax_woken_by_zadd(server, r):
    t, box = _blocked(server, "BZPOPMAX", "z", 5)
    _wait_blocked(r, 1)
    r.zadd("z", {"m": 3.5})
    t.join(10)
    assert box["reply"] == [b"z", b"m", b"3.5"]


def test_bzmpop(server, r):
    t, box = _blocked(server, "BZMPOP", 5, 2, "x", "z", "MIN", "COUNT", 2)
    _wait_blocked(r, 1)
    r.zadd("z", {"a": 1, "b": 2, "c": 3})
    t.join(10)
    assert box["reply"] == [b"z", [[b"a", b"1"], [b"b", b"2"]]]
    assert r.execute_command("BZMPOP", 0.1, 1, "none", "MAX") is None
    r.set("s", "v")
    assert error_of(r, "BZPOPMIN", "s", 0.1).startswith("WRONGTYPE")
