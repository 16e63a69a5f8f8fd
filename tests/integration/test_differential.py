"""Randomized differential test: Basalt against Debian's redis-server.

Seeded random sequences of string and key commands (valid and invalid) are
sent to both servers over raw RESP connections and the replies compared
byte for byte.  Replies that depend on time are compared loosely (TTL
family), on ordering as sorted lists (KEYS, full SCAN iterations),
RANDOMKEY only by nil-ness; before DBSIZE a full SCAN makes Redis reclaim
keys that expired but are still counted.  After each sequence the whole data set
(keys, values, TTLs) is compared too.

Environment knobs:
  BASALT_DIFF_SEED       base seed (default 20240601); each sequence i uses
                         the seed "<base>:<i>"
  BASALT_DIFF_SEQUENCES  number of sequences (default 1000)
  BASALT_DIFF_LENGTH     commands per sequence (default 60)
  BASALT_DIFF_BUDGET     time budget in seconds (default 50)
"""

import os
import random
import time
from collections import Counter

import pytest

from harness import TARGET, ServerProcess, report

pytestmark = pytest.mark.skipif(
    TARGET == "redis", reason="differential test compares Basalt with redis-server")

SEED = os.environ.get("BASALT_DIFF_SEED", "20240601")
SEQUENCES = int(os.environ.get("BASALT_DIFF_SEQUENCES", "1000"))
LENGTH = int(os.environ.get("BASALT_DIFF_LENGTH", "60"))
BUDGET = float(os.environ.get("BASALT_DIFF_BUDGET", "50"))
MAX_REPORTED = 10

LLONG_MAX = 2**63 - 1
LLONG_MIN = -(2**63)

KEYS = [b"a", b"b", b"c", b"counter", b"float", b"", b"k\x00ey", b"\xff\xfe", b"{tag}:x",
        b"long:" + b"x" * 100]
INTEGERS = ["0", "1", "-1", "7", "10", "-100", "1000", str(LLONG_MAX), str(LLONG_MIN),
            str(LLONG_MAX - 1), str(LLONG_MIN + 1), "9223372036854775808",
            "-9223372036854775809", "99999999999999999999", "abc", "", "1.5", " 1", "007",
            "+5", "-0", "1e3", "0x10"]
FLOATS = ["0", "0.1", "-0.1", "1.5", "-2.25", "3", "1e3", "5.0e3", "1e-3", "-0", "1e300",
          "abc", "", "inf", "-inf", "nan", "1.5x", " 2", "10.5", "100", "3.0"]
PATTERNS = [b"*", b"a*", b"?", b"[a-c]", b"[^a]*", b"*x*", b"k\x00*", b"{tag}*", b"\\{*",
            b"counter", b"nomatch*", b"*e*"]
TTL_COMMANDS = {b"TTL": 2, b"PTTL": 2000, b"EXPIRETIME": 2, b"PEXPIRETIME": 2000}


# -- command generation ---------------------------------------------------------


class CommandGenerator:
    """Produces random commands as lists of bytes arguments."""

    def __init__(self, rng):
        self.rng = rng
        self.now = int(time.time())

    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p):
        return self.rng.random() < p

    def key(self):
        return self.pick(KEYS)

    def keys(self, low=1, high=5):
        return [self.key() for _ in range(self.rng.randint(low, high))]

    def value(self):
        roll = self.rng.random()
        if roll < 0.35:
            return self.pick(INTEGERS).encode()
        if roll < 0.5:
            return self.pick(FLOATS).encode()
        if roll < 0.6:
            return b""
        if roll < 0.75:
            return bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 12)))
        if roll < 0.8:
            return bytes(self.rng.choice(b"abc\x00") for _ in range(self.rng.randint(200, 1000)))
        return "".join(self.rng.choice("abcxyz0123456789 ") for _ in range(
            self.rng.randint(1, 20))).encode()

    def integer(self):
        if self.chance(0.6):
            return str(self.rng.randint(-50, 50)).encode()
        return self.pick(INTEGERS).encode()

    def index(self):
        if self.chance(0.85):
            return str(self.rng.randint(-30, 30)).encode()
        return self.pick([str(LLONG_MAX), str(LLONG_MIN), "abc", "", "1.5", "-0"]).encode()

    def seconds(self):
        """Relative expire: long enough never to pass during the run, or invalid."""
        if self.chance(0.8):
            return str(self.rng.randint(1000, 100_000)).encode()
        return self.pick(["0", "-1", "-1000", "abc", "", str(LLONG_MAX), "1.5",
                          str(LLONG_MAX // 1000 + 1)]).encode()

    def millis(self):
        if self.chance(0.8):
            return str(self.rng.randint(1_000_000, 100_000_000)).encode()
        return self.pick(["0", "-5", "abc", str(LLONG_MAX)]).encode()

    def unix_seconds(self):
        if self.chance(0.75):
            return str(self.now + self.rng.randint(1000, 100_000)).encode()
        return self.pick(["1", "100", "0", "-1", "abc", str(LLONG_MAX)]).encode()

    def unix_millis(self):
        if self.chance(0.75):
            return str((self.now + self.rng.randint(1000, 100_000)) * 1000).encode()
        return self.pick(["1", "0", "-1", "abc", str(LLONG_MAX)]).encode()

    def expire_options(self):
        options = [self.pick([b"NX", b"XX", b"GT", b"LT", b"nx", b"gt", b"FOO"])
                   for _ in range(self.rng.choice([0, 0, 1, 1, 1, 2]))]
        return options

    def set_options(self):
        pool = [[b"NX"], [b"XX"], [b"GET"], [b"KEEPTTL"], [b"EX", self.seconds()],
                [b"PX", self.millis()], [b"EXAT", self.unix_seconds()],
                [b"PXAT", self.unix_millis()], [b"get"], [b"ex", self.seconds()]]
        out = []
        for _ in range(self.rng.choice([0, 0, 1, 1, 2, 3])):
            out += self.pick(pool)
        if self.chance(0.05):
            out.insert(self.rng.randint(0, len(out)), self.pick([b"BOGUS", b"EX", b"PX"]))
        return out

    def getex_options(self):
        pool = [[b"EX", self.seconds()], [b"PX", self.millis()],
                [b"EXAT", self.unix_seconds()], [b"PXAT", self.unix_millis()],
                [b"PERSIST"], [b"KEEPTTL"], [b"EX"]]
        out = []
        for _ in range(self.rng.choice([0, 1, 1, 1, 2])):
            out += self.pick(pool)
        return out

    # Each entry: (weight, builder returning the argument list).
    def builders(self):
        k, v = self.key, self.value
        return [
            (10, lambda: [b"SET", k(), v(), *self.set_options()]),
            (8, lambda: [b"GET", k()]),
            (2, lambda: [b"SETNX", k(), v()]),
            (2, lambda: [b"SETEX", k(), self.seconds(), v()]),
            (2, lambda: [b"PSETEX", k(), self.millis(), v()]),
            (3, lambda: [b"MGET", *self.keys()]),
            (3, lambda: [b"MSET", *self.pairs()]),
            (2, lambda: [b"MSETNX", *self.pairs()]),
            (2, lambda: [b"GETSET", k(), v()]),
            (2, lambda: [b"GETDEL", k()]),
            (3, lambda: [b"GETEX", k(), *self.getex_options()]),
            (4, lambda: [b"APPEND", k(), v()]),
            (3, lambda: [b"STRLEN", k()]),
            (5, lambda: [b"INCR", k()]),
            (3, lambda: [b"DECR", k()]),
            (4, lambda: [b"INCRBY", k(), self.integer()]),
            (3, lambda: [b"DECRBY", k(), self.integer()]),
            (5, lambda: [b"INCRBYFLOAT", k(), self.pick(FLOATS).encode()]),
            (3, lambda: [b"GETRANGE", k(), self.index(), self.index()]),
            (1, lambda: [b"SUBSTR", k(), self.index(), self.index()]),
            (3, lambda: [b"SETRANGE", k(), self.offset(), v()]),
            (3, lambda: [b"DEL", *self.keys()]),
            (1, lambda: [b"UNLINK", *self.keys()]),
            (3, lambda: [b"EXISTS", *self.keys()]),
            (2, lambda: [b"TYPE", k()]),
            (1, lambda: [b"TOUCH", *self.keys()]),
            (3, lambda: [b"EXPIRE", k(), self.pick([self.seconds(), b"-1"]),
                         *self.expire_options()]),
            (2, lambda: [b"PEXPIRE", k(), self.millis(), *self.expire_options()]),
            (2, lambda: [b"EXPIREAT", k(), self.unix_seconds(), *self.expire_options()]),
            (2, lambda: [b"PEXPIREAT", k(), self.unix_millis(), *self.expire_options()]),
            (3, lambda: [b"TTL", k()]),
            (2, lambda: [b"PTTL", k()]),
            (1, lambda: [b"EXPIRETIME", k()]),
            (1, lambda: [b"PEXPIRETIME", k()]),
            (2, lambda: [b"PERSIST", k()]),
            (2, lambda: [b"RENAME", k(), k()]),
            (2, lambda: [b"RENAMENX", k(), k()]),
            (2, lambda: [b"COPY", k(), k(), *self.copy_options()]),
            (2, lambda: [b"DBSIZE"]),
            (2, lambda: [b"KEYS", self.pick(PATTERNS)]),
            (2, lambda: [b"SCAN-ALL", *self.scan_options()]),
            (1, lambda: [b"RANDOMKEY"]),
            (1, lambda: [b"ECHO", v()]),
            (1, lambda: [b"PING", *([v()] if self.chance(0.5) else [])]),
            (1, lambda: [self.pick([b"GETT", b"SETX", b"incrr"]), *self.keys(0, 3)]),
        ]

    def pairs(self):
        out = []
        for _ in range(self.rng.randint(1, 4)):
            out += [self.key(), self.value()]
        return out

    def offset(self):
        if self.chance(0.85):
            return str(self.rng.randint(0, 300)).encode()
        return self.pick([b"-1", b"536870912", b"abc", str(LLONG_MAX).encode(), b"1000"])

    def copy_options(self):
        return self.pick([[], [], [b"REPLACE"], [b"DB", b"0"], [b"DB", b"0", b"REPLACE"],
                          [b"replace"], [b"DB"], [b"FOO"]])

    def scan_options(self):
        options = []
        if self.chance(0.5):
            options += [b"MATCH", self.pick(PATTERNS)]
        if self.chance(0.5):
            options += [b"COUNT", self.pick([b"1", b"3", b"10", b"1000"])]
        if self.chance(0.2):
            options += [b"TYPE", self.pick([b"string", b"hash"])]
        return options

    def command(self):
        builders = self.builders()
        weights = [w for w, _ in builders]
        args = self.rng.choices([b for _, b in builders], weights)[0]()
        if args[0] != b"SCAN-ALL" and self.chance(0.04):
            args = self.mangle_arity(args)
        return args

    def mangle_arity(self, args):
        """Drop or add arguments to provoke arity errors (or other variants)."""
        if len(args) > 1 and self.chance(0.6):
            return args[:self.rng.randrange(1, len(args))]
        return args + [self.value() for _ in range(self.rng.randint(1, 3))]


# -- running commands on both servers -----------------------------------------


class Mismatch(Exception):
    pass


def scan_all(client, options):
    cursor, keys = b"0", []
    for _ in range(100_000):
        reply = client.call(b"SCAN", cursor, *options)
        if not isinstance(reply, list):
            return reply
        cursor, batch = reply
        keys += batch
        if cursor == b"0":
            return sorted(keys)
    raise Mismatch(f"SCAN {options!r} did not return to cursor 0")


def loose_ttl_equal(name, a, b):
    if not (isinstance(a, int) and isinstance(b, int)):
        return a == b
    if a < 0 or b < 0:
        return a == b
    return abs(a - b) <= TTL_COMMANDS[name]


def run_on(client, args):
    """Run one command; return (comparison kind, reply)."""
    name = args[0].upper()
    if name == b"SCAN-ALL":
        return "sorted", scan_all(client, args[1:])
    client.send_command(*args)
    if name in TTL_COMMANDS:
        return "ttl", client.read_reply()
    if name == b"KEYS":
        reply = client.read_reply()
        return "sorted", sorted(reply) if isinstance(reply, list) else reply
    if name == b"RANDOMKEY":
        return "nil", client.read_reply() is None
    return "exact", client.read_raw_reply()


def compare(args, basalt, redis_ref):
    if args == [b"DBSIZE"]:
        # Redis counts keys that expired (e.g. SET ... EXAT <past>) until it
        # reclaims them; a full SCAN first makes it drop them, so DBSIZE is
        # then compared with Redis's count of live keys.
        for conn in (basalt, redis_ref):
            scan_all(conn, [])
    kind, got = run_on(basalt, args)
    _, expected = run_on(redis_ref, args)
    same = loose_ttl_equal(args[0].upper(), got, expected) if kind == "ttl" else got == expected
    if not same:
        raise Mismatch(f"{fmt(args)}\n    basalt: {got!r}\n    redis:  {expected!r}")


def compare_dataset(basalt, redis_ref):
    keys = scan_all(redis_ref, [])
    compare([b"SCAN-ALL"], basalt, redis_ref)
    compare([b"DBSIZE"], basalt, redis_ref)
    for key in keys:
        compare([b"GET", key], basalt, redis_ref)
        compare([b"PTTL", key], basalt, redis_ref)


def fmt(args):
    """Render a command like redis-cli would accept it (long values shortened)."""
    return " ".join(quote(arg) for arg in args)


def quote(arg):
    suffix = f"...({len(arg)} bytes)" if len(arg) > 40 else ""
    arg = arg[:40]
    if arg and all(33 <= c < 127 and c not in b'"\\' for c in arg):
        return arg.decode() + suffix
    body = "".join(chr(c) if 32 <= c < 127 and c not in b'"\\' else f"\\x{c:02x}" for c in arg)
    return f'"{body}"{suffix}'


# -- the test -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server_pair():
    servers = [ServerProcess(target="basalt"), ServerProcess(target="redis")]
    try:
        for srv in servers:
            srv.start()
        yield servers
        for srv in servers:
            srv.stop()
    finally:
        for srv in servers:
            srv.cleanup()


def run_sequence(index, basalt, redis_ref, counts):
    rng = random.Random(f"{SEED}:{index}")
    generator = CommandGenerator(rng)
    history = []
    for conn in (basalt, redis_ref):
        assert conn.execute(b"FLUSHALL") == b"OK"
    try:
        for _ in range(LENGTH):
            args = generator.command()
            history.append(args)
            counts[args[0].upper()] += 1
            compare(args, basalt, redis_ref)
        compare_dataset(basalt, redis_ref)
    except Mismatch as exc:
        trail = "\n".join(f"    {fmt(a)}" for a in history[-15:])
        return (f"sequence {index} (seed {SEED}:{index}), command {len(history)}:\n  {exc}\n"
                f"  last commands:\n{trail}")
    return None


def test_differential_against_redis(server_pair):
    basalt_srv, redis_srv = server_pair
    counts = Counter()
    failures, sequences = [], 0
    started = time.monotonic()
    with basalt_srv.raw() as basalt, redis_srv.raw() as redis_ref:
        for index in range(SEQUENCES):
            if time.monotonic() - started > BUDGET:
                break
            failure = run_sequence(index, basalt, redis_ref, counts)
            sequences += 1
            if failure:
                failures.append(failure)
                if len(failures) >= MAX_REPORTED:
                    break
    elapsed = time.monotonic() - started
    summary = (f"differential: {sequences} sequences, {sum(counts.values())} commands "
               f"({len(counts)} kinds) in {elapsed:.1f}s, seed {SEED}, "
               f"{len(failures)} failing sequences")
    report(summary)
    print(summary)
    if failures:
        by_command = Counter(f.split("\n  ", 2)[1].split(" ")[0] for f in failures)
        pytest.fail(f"{summary}\nfirst mismatch per failing sequence "
                    f"(by command: {dict(by_command)}):\n\n" + "\n\n".join(failures))
    assert sequences >= min(SEQUENCES, 50), "time budget too small to be meaningful"
