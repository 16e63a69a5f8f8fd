"""Random command generation for test_differential.py.

``CommandGenerator(rng).command()`` returns ``(family, args)``: one random
command (valid or not) as a list of bytes arguments, and the family it was
drawn from (string, key, hash, list, set, zset).  Everything is drawn from
``rng``, so a seed always gives the same sequence.

Keys are shared between the families: each family mostly uses its own
"home" keys (so collections grow and ranges are interesting) and sometimes
any key, so WRONGTYPE happens for every pair of types.  Each sequence
favours one family (or none), see ``FOCUS``.

Pseudo-commands end in ``-ALL`` (``SCAN-ALL``, ``HSCAN-ALL``, ...): the
runner iterates a full scan and compares the union.
"""

import time

LLONG_MAX = 2**63 - 1
LLONG_MIN = -(2**63)

STRING_KEYS = [b"a", b"b", b"c", b"counter", b"float", b"", b"k\x00ey", b"\xff\xfe",
               b"{tag}:x", b"long:" + b"x" * 100]
HASH_KEYS = [b"h", b"h2", b"h\x00\xff"]
LIST_KEYS = [b"l", b"l2", b"l\x00"]
SET_KEYS = [b"s", b"s2", b"s3"]
ZSET_KEYS = [b"z", b"z2", b"zlex"]
HOME_KEYS = {"string": STRING_KEYS, "hash": HASH_KEYS, "list": LIST_KEYS, "set": SET_KEYS,
             "zset": ZSET_KEYS}
ALL_KEYS = STRING_KEYS + HASH_KEYS + LIST_KEYS + SET_KEYS + ZSET_KEYS
# The sorted set that zadd_lex() fills with score-0 members, for lex ranges.
LEX_KEY = b"zlex"

INTEGERS = ["0", "1", "-1", "7", "10", "-100", "1000", str(LLONG_MAX), str(LLONG_MIN),
            str(LLONG_MAX - 1), str(LLONG_MIN + 1), "9223372036854775808",
            "-9223372036854775809", "99999999999999999999", "abc", "", "1.5", " 1", "007",
            "+5", "-0", "1e3", "0x10"]
MEMBER_INTEGERS = [i for i in INTEGERS if i != "-0"]
FLOATS = ["0", "0.1", "-0.1", "1.5", "-2.25", "3", "1e3", "5.0e3", "1e-3", "-0", "1e300",
          "abc", "", "inf", "-inf", "nan", "1.5x", " 2", "10.5", "100", "3.0", "0x10", ".5",
          "1e400", "1e5000", "-1e-400", "infinity"]
PATTERNS = [b"*", b"a*", b"?", b"[a-c]", b"[^a]*", b"*x*", b"k\x00*", b"{tag}*", b"\\{*",
            b"counter", b"nomatch*", b"*e*", b"h*", b"[lsz]*", b"z?"]
# Members, fields and list elements: a small pool so that they collide.
MEMBERS = [b"a", b"b", b"c", b"d", b"e", b"f", b"", b"m\x00n", b"\x00", b"\xff", b"1",
           b"2", b"10", b"-1", b"1.5", b"A", b"m" * 70]
MEMBER_PATTERNS = [b"*", b"a*", b"?", b"[a-c]", b"[^a]*", b"*1*", b"m\x00*", b"nomatch*",
                   b"\\**", b""]
# Scores: mostly small integers (ties), then other valid and invalid ones.
SCORES = ["0", "1", "2", "3", "-1", "-2", "5"]
ODD_SCORES = ["1.5", "-2.5", "0.1", "inf", "-inf", "+inf", "1e-310", "-0", "3.0", "1e10",
              "0x10", "+2", "1e300", "-1e300", "4.5e-3", "0x1p1", "infinity", "-INF", ".5",
              "1e308"]
BAD_SCORES = ["nan", "abc", "", "1e400", "1e-400", " 1", "1.5x", "NaN", "-nan", "inf1"]
SCORE_BOUNDS = ["-inf", "+inf", "inf", "0", "(0", "1", "(1", "2", "(2", "2.5", "(2.5", "-1",
                "(-1", "3", "5", "(5", "(", "(-inf", "(+inf", "1e300", "1e400", "(-1e400",
                "-INFINITY", "(Inf", "0x2"]
BAD_SCORE_BOUNDS = ["abc", "", "nan", "(nan", "[1", "1x", "((1", " 1"]
LEX_BOUNDS = [b"-", b"+", b"[a", b"(a", b"[b", b"(b", b"[c", b"(d", b"[", b"(", b"[m",
              b"[m\x00n", b"(\xff", b"[\xff", b"[1", b"(10", b"[A"]
BAD_LEX_BOUNDS = [b"a", b"", b"+a", b"-a", b"{a", b"1"]
WEIGHTS = ["1", "2", "0", "-1", "0.5", "3", "inf", "-inf"]
BAD_WEIGHTS = ["abc", "nan", "", "1e400"]
# Valid timeouts are tiny: a blocking command on empty keys must not stall.
TIMEOUTS = [b"0.01", b"0.01", b"0.01", b"0.02"]
BAD_TIMEOUTS = [b"-1", b"abc", b"", b"-0.5", b"1x"]

FAMILIES = ("string", "key", "hash", "list", "set", "zset")
# Share of each family in a sequence without focus.
FAMILY_SHARES = {"string": 0.18, "key": 0.12, "hash": 0.16, "list": 0.18, "set": 0.16,
                 "zset": 0.20}
# A sequence favours one family (its share is multiplied by FOCUS_BOOST).
FOCUS = [None, "string", "hash", "hash", "list", "list", "set", "set", "zset", "zset", "zset"]
FOCUS_BOOST = 6
# Each sequence starts with this many commands that fill collections.
WARM_UP = 3
# Home keys of a collection family: the first is used most.
HOME_KEY_WEIGHTS = [0.6, 0.3, 0.1]
# Share of the sequences sent in RESP3 (HELLO 3); the others use RESP2.
RESP3_SHARE = 0.25
# Chance that a command of a family uses any key rather than a home key.
CROSS_KEY_CHANCE = 0.15

BLOCKING = {b"BLPOP", b"BRPOP", b"BLMOVE", b"BRPOPLPUSH", b"BLMPOP", b"BZPOPMIN",
            b"BZPOPMAX", b"BZMPOP"}
RANDOM_COMMANDS = {b"SPOP", b"SRANDMEMBER", b"HRANDFIELD", b"ZRANDMEMBER", b"RANDOMKEY"}
# Arity mangling: never for these (a random extra argument could become a
# long timeout, a count for a random command, or a Redis 7.2 option) ...
NO_MANGLE = BLOCKING | RANDOM_COMMANDS
# ... and only by dropping arguments for these (ZRANK key member WITHSCORE
# is Redis 7.2: Basalt accepts it, Redis 7.0 answers a wrong-arity error).
DROP_ONLY = {b"ZRANK", b"ZREVRANK"}


def bound_order(bound):
    """Sort key of a score bound (invalid ones anywhere)."""
    text = bound[1:] if bound.startswith(b"(") else bound
    try:
        return float(text or b"0")
    except ValueError:
        return 0.0


def lex_order(bound):
    """Sort key of a lex bound: "-" first, "+" last."""
    if bound == b"-":
        return (0, b"")
    if bound == b"+":
        return (2, b"")
    return (1, bound[1:])


class CommandGenerator:
    """Produces random commands as (family, list of bytes arguments)."""

    def __init__(self, rng):
        self.rng = rng
        self.now = int(time.time())
        self.protocol = 3 if rng.random() < RESP3_SHARE else 2
        self.focus = rng.choice(FOCUS)
        self.family_weights = [FAMILY_SHARES[f] * (FOCUS_BOOST if f == self.focus else 1)
                               for f in FAMILIES]
        # A few members per sequence, so that reads find what was written.
        self.member_pool = rng.sample(MEMBERS, rng.randint(4, 9))
        self.warm_up = WARM_UP
        self.tables = {}
        for family, table in self.builders().items():
            self.tables[family] = ([b for _, b in table], [w for w, _ in table])

    # -- primitives ---------------------------------------------------------

    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p):
        return self.rng.random() < p

    def key(self, family="string"):
        if family == "any" or self.chance(CROSS_KEY_CHANCE):
            return self.pick(ALL_KEYS)
        if family == "string":
            return self.pick(STRING_KEYS)
        return self.rng.choices(HOME_KEYS[family], HOME_KEY_WEIGHTS)[0]

    def keys(self, low=1, high=5, family="any"):
        return [self.key(family) for _ in range(self.rng.randint(low, high))]

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

    def member(self):
        roll = self.rng.random()
        if roll < 0.8:
            return self.pick(self.member_pool)
        if roll < 0.9:
            return self.pick(MEMBERS)
        if roll < 0.96:
            return bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 6)))
        # Never "-0": Redis's "-0" scores are read as "0" (see the test).
        return self.pick(MEMBER_INTEGERS).encode()

    def members(self, low=1, high=4):
        return [self.member() for _ in range(self.rng.randint(low, high))]

    def element(self):
        """A list element: mostly from the member pool (so LREM/LPOS find it)."""
        return self.member() if self.chance(0.7) else self.value()

    def integer(self):
        if self.chance(0.6):
            return str(self.rng.randint(-50, 50)).encode()
        return self.pick(INTEGERS).encode()

    def index(self):
        if self.chance(0.85):
            return str(self.rng.randint(-30, 30)).encode()
        return self.pick([str(LLONG_MAX), str(LLONG_MIN), "abc", "", "1.5", "-0"]).encode()

    def small_index(self):
        """Indexes that land inside small collections more often."""
        if self.chance(0.85):
            return str(self.rng.randint(-6, 6)).encode()
        return self.index()

    def count(self, negative=True):
        """A count argument: small, sometimes huge, negative or not a number."""
        roll = self.rng.random()
        if roll < 0.75:
            return str(self.rng.randint(0, 6)).encode()
        if roll < 0.85 and negative:
            return str(self.rng.randint(-5, -1)).encode()
        return self.pick(["100", str(LLONG_MAX), str(LLONG_MIN), "abc", "", "1.5",
                          "9223372036854775808", "-0", str(2**62 + 1)]).encode()

    def random_count(self):
        """Counts for HRANDFIELD/SRANDMEMBER/ZRANDMEMBER: never below -16777216
        (Basalt's documented bound), except -2^63 which both refuse alike."""
        roll = self.rng.random()
        if roll < 0.85:
            return str(self.rng.randint(-6, 6)).encode()
        return self.pick(["100", "-100", str(LLONG_MAX), str(LLONG_MIN), "abc", "",
                          "1.5", str(2**62 + 1), "-1000"]).encode()

    def score(self):
        roll = self.rng.random()
        if roll < 0.72:
            return self.pick(SCORES).encode()
        if roll < 0.97:
            return self.pick(ODD_SCORES).encode()
        return self.pick(BAD_SCORES).encode()

    def score_bound(self):
        if self.chance(0.96):
            return self.pick(SCORE_BOUNDS).encode()
        return self.pick(BAD_SCORE_BOUNDS).encode()

    def index_pair(self):
        """start, stop: often a non-empty range, sometimes anything."""
        if self.chance(0.5):
            start = self.rng.randint(-3, 3)
            stop = self.pick([-1, -1, -2, start + self.rng.randint(0, 5)])
            return [str(start).encode(), str(stop).encode()]
        return [self.small_index(), self.small_index()]

    def score_pair(self, rev=False):
        """min, max (max, min for the REV forms): often in order."""
        pair = [self.score_bound(), self.score_bound()]
        if self.chance(0.65):
            pair.sort(key=bound_order)
            if rev:
                pair.reverse()
        return pair

    def lex_pair(self, rev=False):
        pair = [self.lex_bound(), self.lex_bound()]
        if self.chance(0.65):
            pair.sort(key=lex_order)
            if rev:
                pair.reverse()
        return pair

    def store_key(self, family):
        """Destinations of the STORE commands: mostly not the main home
        key, which an empty result would delete."""
        if self.chance(CROSS_KEY_CHANCE):
            return self.pick(ALL_KEYS)
        return self.rng.choices(HOME_KEYS[family], [0.2, 0.6, 0.2])[0]

    def lex_bound(self):
        if self.chance(0.96):
            return self.pick(LEX_BOUNDS)
        return self.pick(BAD_LEX_BOUNDS)

    def timeout(self):
        return self.pick(TIMEOUTS) if self.chance(0.93) else self.pick(BAD_TIMEOUTS)

    def numkeys(self, keys):
        """numkeys for `keys`: right most of the time."""
        if self.chance(0.9):
            return str(len(keys)).encode()
        return self.pick([b"0", b"-1", b"abc", str(len(keys) + 1).encode(), b"100",
                          str(max(len(keys) - 1, 0)).encode(), str(LLONG_MAX).encode()])

    def maybe_lower(self, word):
        return word.lower() if self.chance(0.15) else word

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

    # -- option helpers -------------------------------------------------------

    def expire_options(self):
        return [self.pick([b"NX", b"XX", b"GT", b"LT", b"nx", b"gt", b"FOO"])
                for _ in range(self.rng.choice([0, 0, 1, 1, 1, 2]))]

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
        if self.chance(0.25):
            options += [b"TYPE", self.pick([b"string", b"hash", b"list", b"set", b"zset",
                                            b"none", b"HASH"])]
        return options

    def coll_scan_options(self):
        options = []
        if self.chance(0.5):
            options += [b"MATCH", self.pick(MEMBER_PATTERNS)]
        if self.chance(0.5):
            options += [b"COUNT", self.pick([b"1", b"2", b"5", b"10", b"1000"])]
        if self.chance(0.04):
            options += self.pick([[b"COUNT", b"0"], [b"COUNT"], [b"MATCH"], [b"NOVALUES"],
                                  [b"TYPE", b"hash"], [b"COUNT", b"abc"]])
        return options

    def emit(self, args, options, shuffle=0.0):
        """args + options (lists of words), sometimes shuffled, and now and
        then with one option given twice (Redis takes the last one or
        refuses it, depending on the command)."""
        if shuffle and self.chance(shuffle):
            self.rng.shuffle(options)
        if options and self.chance(0.05):
            options.append(list(self.pick(options)))
        for option in options:
            args += option
        return args

    def limit(self):
        return [self.maybe_lower(b"LIMIT"),
                self.pick([b"0", b"0", b"1", b"2", b"-1", b"5", b"100", b"abc"]),
                self.pick([b"1", b"2", b"3", b"-1", b"0", b"100", str(LLONG_MAX).encode(),
                           b"abc"])]

    def end(self, words=(b"LEFT", b"RIGHT")):
        if self.chance(0.04):
            return self.pick([b"UP", b"", b"MIDDLE"])
        return self.maybe_lower(self.pick(words))

    # -- builders -----------------------------------------------------------

    def builders(self):
        """family -> [(weight, builder returning the argument list)]."""
        return {
            "string": self.string_builders(),
            "key": self.key_builders(),
            "hash": self.hash_builders(),
            "list": self.list_builders(),
            "set": self.set_builders(),
            "zset": self.zset_builders(),
        }

    def string_builders(self):
        k, v = self.key, self.value
        return [
            (10, lambda: [b"SET", k(), v(), *self.set_options()]),
            (8, lambda: [b"GET", k()]),
            (2, lambda: [b"SETNX", k(), v()]),
            (2, lambda: [b"SETEX", k(), self.seconds(), v()]),
            (2, lambda: [b"PSETEX", k(), self.millis(), v()]),
            (3, lambda: [b"MGET", *self.keys(family="string")]),
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
        ]

    def key_builders(self):
        k = lambda: self.key("any")  # noqa: E731
        return [
            (3, lambda: [b"DEL", *self.keys()]),
            (1, lambda: [b"UNLINK", *self.keys()]),
            (3, lambda: [b"EXISTS", *self.keys()]),
            (4, lambda: [b"TYPE", k()]),
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
            (3, lambda: [b"RENAME", k(), k()]),
            (2, lambda: [b"RENAMENX", k(), k()]),
            (3, lambda: [b"COPY", k(), k(), *self.copy_options()]),
            (2, lambda: [b"DBSIZE"]),
            (2, lambda: [b"KEYS", self.pick(PATTERNS)]),
            (2, lambda: [b"SCAN-ALL", *self.scan_options()]),
            (1, lambda: [b"RANDOMKEY"]),
            (1, lambda: [b"ECHO", self.value()]),
            (1, lambda: [b"PING", *([self.value()] if self.chance(0.5) else [])]),
            (1, lambda: [self.pick([b"GETT", b"SETX", b"incrr", b"HGETT", b"ZADDD"]),
                         *self.keys(0, 3)]),
        ]

    # -- hashes ---------------------------------------------------------------

    def field_values(self, low=1, high=4):
        out = []
        for _ in range(self.rng.randint(low, high)):
            out += [self.member(), self.value()]
        return out

    def hash_builders(self):
        k = lambda: self.key("hash")  # noqa: E731
        f = self.member
        return [
            (10, lambda: [b"HSET", k(), *self.field_values()]),
            (2, lambda: [b"HMSET", k(), *self.field_values()]),
            (3, lambda: [b"HSETNX", k(), f(), self.value()]),
            (6, lambda: [b"HGET", k(), f()]),
            (3, lambda: [b"HMGET", k(), *self.members(1, 5)]),
            (4, lambda: [b"HDEL", k(), *self.members(1, 3)]),
            (2, lambda: [b"HLEN", k()]),
            (3, lambda: [b"HEXISTS", k(), f()]),
            (5, lambda: [b"HINCRBY", k(), f(), self.integer()]),
            (4, lambda: [b"HINCRBYFLOAT", k(), f(), self.pick(FLOATS).encode()]),
            (2, lambda: [b"HKEYS", k()]),
            (2, lambda: [b"HVALS", k()]),
            (3, lambda: [b"HGETALL", k()]),
            (2, lambda: [b"HSTRLEN", k(), f()]),
            (2, lambda: [b"HSCAN-ALL", k(), *self.coll_scan_options()]),
            (0.3, lambda: [b"HSCAN", k(), self.pick([b"abc", b"1x", b" 1"])]),
            (3, self.hrandfield),
            (0.3, lambda: [b"HSET", k(), *self.bulk_field_values()]),
        ]

    def bulk_field_values(self):
        """Enough fields for Redis to leave its small (listpack) encoding."""
        out = []
        for i in range(self.rng.randint(100, 200)):
            out += [b"f%d" % self.rng.randint(0, 300), str(i).encode()]
        return out

    def hrandfield(self):
        args = [b"HRANDFIELD", self.key("hash")]
        if self.chance(0.75):
            args.append(self.random_count())
            if self.chance(0.5):
                args.append(self.pick([b"WITHVALUES", b"withvalues", b"WITHSCORES"])
                            if self.chance(0.97) else b"FOO")
        return args

    # -- lists ----------------------------------------------------------------

    def list_builders(self):
        k = lambda: self.key("list")  # noqa: E731
        e = self.element
        elements = lambda: [e() for _ in range(self.rng.randint(1, 5))]  # noqa: E731
        return [
            (7, lambda: [b"LPUSH", k(), *elements()]),
            (7, lambda: [b"RPUSH", k(), *elements()]),
            (2, lambda: [b"LPUSHX", k(), *elements()]),
            (2, lambda: [b"RPUSHX", k(), *elements()]),
            (4, lambda: [b"LPOP", k(), *([self.count()] if self.chance(0.5) else [])]),
            (4, lambda: [b"RPOP", k(), *([self.count()] if self.chance(0.5) else [])]),
            (5, lambda: [b"LRANGE", k(), *self.index_pair()]),
            (3, lambda: [b"LINDEX", k(), self.small_index()]),
            (3, lambda: [b"LSET", k(), self.small_index(), e()]),
            (3, lambda: [b"LLEN", k()]),
            (3, lambda: [b"LREM", k(), self.pick([b"0", b"1", b"2", b"-1", b"-2", b"5",
                                                  b"-100", b"abc",
                                                  str(LLONG_MIN).encode()]), e()]),
            (2, lambda: [b"LTRIM", k(), *self.index_pair()]),
            (3, lambda: [b"LINSERT", k(), self.end((b"BEFORE", b"AFTER")), e(), e()]),
            (4, self.lpos),
            (3, lambda: [b"LMOVE", k(), k(), self.end(), self.end()]),
            (2, lambda: [b"RPOPLPUSH", k(), k()]),
            (3, lambda: self.mpop(b"LMPOP", (b"LEFT", b"RIGHT"), "list")),
            (1, lambda: [self.pick([b"BLPOP", b"BRPOP"]), *self.keys(1, 3, "list"),
                         self.timeout()]),
            (0.5, lambda: [b"BLMOVE", k(), k(), self.end(), self.end(), self.timeout()]),
            (0.4, lambda: [b"BRPOPLPUSH", k(), k(), self.timeout()]),
            (0.6, lambda: [b"BLMPOP", self.timeout(),
                           *self.mpop(b"", (b"LEFT", b"RIGHT"), "list")[1:]]),
            (0.3, lambda: [b"RPUSH", k(), *[self.pick(MEMBERS[:6]) for _ in range(
                self.rng.randint(100, 200))]]),
        ]

    def lpos(self):
        args = [b"LPOS", self.key("list"), self.element()]
        options = []
        if self.chance(0.4):
            # Not -2^63: Redis 7.0 negates it (undefined behaviour).
            options.append([b"RANK", self.pick([b"1", b"2", b"-1", b"-2", b"3", b"1", b"-1",
                                                b"0", b"abc",
                                                str(LLONG_MAX).encode(),
                                                str(LLONG_MIN + 1).encode()])])
        if self.chance(0.4):
            options.append([b"COUNT", self.pick([b"0", b"1", b"2", b"5", b"0", b"2", b"-1",
                                                 b"abc"])])
        if self.chance(0.3):
            options.append([b"MAXLEN", self.pick([b"0", b"1", b"3", b"10", b"0", b"5", b"-1",
                                                  b"abc"])])
        if self.chance(0.03):
            options.append(self.pick([[b"FOO"], [b"RANK"], [b"COUNT"]]))
        return self.emit(args, options, shuffle=1.0)

    def mpop(self, name, ends, family):
        keys = self.keys(1, 3, family)
        args = [name, self.numkeys(keys), *keys, self.end(ends)]
        if self.chance(0.5):
            args += [self.maybe_lower(b"COUNT"), self.count()]
        if self.chance(0.03):
            args.append(self.pick([b"COUNT", b"FOO", b"LEFT"]))
        return args

    # -- sets -----------------------------------------------------------------

    def set_builders(self):
        k = lambda: self.key("set")  # noqa: E731
        m = self.member
        ks = lambda: self.keys(1, 3, "set")  # noqa: E731
        return [
            (10, lambda: [b"SADD", k(), *self.members(1, 5)]),
            (4, lambda: [b"SREM", k(), *self.members(1, 3)]),
            (3, lambda: [b"SMEMBERS", k()]),
            (3, lambda: [b"SISMEMBER", k(), m()]),
            (2, lambda: [b"SMISMEMBER", k(), *self.members(1, 4)]),
            (3, lambda: [b"SCARD", k()]),
            (3, lambda: [b"SMOVE", k(), k(), m()]),
            (2, lambda: [b"SINTER", *ks()]),
            (2, lambda: [b"SUNION", *ks()]),
            (2, lambda: [b"SDIFF", *ks()]),
            (2, self.sintercard),
            (2, lambda: [b"SINTERSTORE", self.store_key("set"), *ks()]),
            (2, lambda: [b"SUNIONSTORE", self.store_key("set"), *ks()]),
            (2, lambda: [b"SDIFFSTORE", self.store_key("set"), *ks()]),
            (2, lambda: [b"SPOP", k(), *([self.count()] if self.chance(0.6) else [])]),
            (2, lambda: [b"SRANDMEMBER", k(),
                         *([self.random_count()] if self.chance(0.75) else [])]),
            (2, lambda: [b"SSCAN-ALL", k(), *self.coll_scan_options()]),
            (0.2, lambda: [b"SSCAN", k(), self.pick([b"abc", b"1x"])]),
            (0.3, lambda: [b"SADD", k(), *[str(self.rng.randint(-50, 600)).encode()
                                           for _ in range(self.rng.randint(100, 200))]]),
            (0.2, lambda: [b"SADD", k(), *[b"m%d" % self.rng.randint(0, 300)
                                           for _ in range(self.rng.randint(100, 200))]]),
        ]

    def sintercard(self):
        keys = self.keys(1, 3, "set")
        return self.emit([b"SINTERCARD", self.numkeys(keys), *keys], self.card_limit())

    def card_limit(self):
        """The LIMIT option of SINTERCARD and ZINTERCARD (or none)."""
        if self.chance(0.4):
            return [[self.maybe_lower(b"LIMIT"),
                     self.pick([b"0", b"1", b"2", b"5", b"-1", b"abc"])]]
        return []

    # -- sorted sets ----------------------------------------------------------

    def zset_builders(self):
        k = lambda: self.key("zset")  # noqa: E731
        m = self.member
        return [
            (12, self.zadd),
            (3, self.zadd_lex),
            (3, lambda: [b"ZINCRBY", k(), self.score(), m()]),
            (3, lambda: [b"ZREM", k(), *self.members(1, 3)]),
            (3, lambda: [b"ZSCORE", k(), m()]),
            (2, lambda: [b"ZMSCORE", k(), *self.members(1, 4)]),
            (2, lambda: [b"ZCARD", k()]),
            (2, lambda: [b"ZCOUNT", k(), *self.score_pair()]),
            (7, self.zrange),
            (3, lambda: self.zrangebyscore(b"ZRANGEBYSCORE")),
            (2, lambda: self.zrangebyscore(b"ZREVRANGEBYSCORE")),
            (2, lambda: [b"ZREVRANGE", k(), *self.index_pair(),
                         *([b"WITHSCORES"] if self.chance(0.5) else [])]),
            (2, lambda: [b"ZRANK", k(), m()]),
            (2, lambda: [b"ZREVRANK", k(), m()]),
            (1.5, lambda: [b"ZREMRANGEBYRANK", k(), *self.index_pair()]),
            (1.5, lambda: [b"ZREMRANGEBYSCORE", k(), *self.score_pair()]),
            (1, lambda: [b"ZREMRANGEBYLEX", self.lex_key(), *self.lex_pair()]),
            (1.5, lambda: [b"ZLEXCOUNT", self.lex_key(), *self.lex_pair()]),
            (1.5, lambda: self.zrangebylex(b"ZRANGEBYLEX")),
            (1.5, lambda: self.zrangebylex(b"ZREVRANGEBYLEX")),
            (2, lambda: [b"ZPOPMIN", k(), *([self.count()] if self.chance(0.5) else [])]),
            (2, lambda: [b"ZPOPMAX", k(), *([self.count()] if self.chance(0.5) else [])]),
            (2, lambda: self.mpop(b"ZMPOP", (b"MIN", b"MAX"), "zset")),
            (0.5, lambda: [self.pick([b"BZPOPMIN", b"BZPOPMAX"]), *self.keys(1, 3, "zset"),
                           self.timeout()]),
            (0.5, lambda: [b"BZMPOP", self.timeout(),
                           *self.mpop(b"", (b"MIN", b"MAX"), "zset")[1:]]),
            (2, lambda: self.zsetop(b"ZUNIONSTORE", store=True)),
            (2, lambda: self.zsetop(b"ZINTERSTORE", store=True)),
            (1, lambda: self.zsetop(b"ZDIFFSTORE", store=True)),
            (1, lambda: self.zsetop(b"ZUNION")),
            (1, lambda: self.zsetop(b"ZINTER")),
            (1, lambda: self.zsetop(b"ZDIFF")),
            (1.5, self.zintercard),
            (1.5, self.zrangestore),
            (2, self.zrandmember),
            (2, lambda: [b"ZSCAN-ALL", k(), *self.coll_scan_options()]),
            (0.2, lambda: [b"ZSCAN", k(), self.pick([b"abc", b"1x"])]),
            (0.3, lambda: [b"ZADD", k(), *self.bulk_scores()]),
        ]

    def lex_key(self):
        return LEX_KEY if self.chance(0.6) else self.key("zset")

    def zset_source(self):
        """Inputs of sorted-set operations: sorted sets and plain sets."""
        if self.chance(CROSS_KEY_CHANCE):
            return self.pick(ALL_KEYS)
        return self.pick(ZSET_KEYS + ZSET_KEYS + SET_KEYS)

    def bulk_scores(self):
        out = []
        for _ in range(self.rng.randint(100, 200)):
            out += [str(self.rng.randint(-20, 20)).encode(), b"m%d" % self.rng.randint(0, 300)]
        return out

    def zadd(self):
        options = [o for o in (b"NX", b"XX", b"GT", b"LT", b"CH", b"INCR")
                   if self.chance(0.12)]
        self.rng.shuffle(options)
        options = [self.maybe_lower(o) for o in options]
        count = 1 if b"INCR" in options and self.chance(0.85) else self.rng.randint(1, 4)
        args = [b"ZADD", self.key("zset"), *options]
        for _ in range(count):
            args += [self.score(), self.member()]
        return args

    def zadd_lex(self):
        """ZADD with score 0 only, on the lex key (lex ranges need equal scores)."""
        options = [o for o in (b"NX", b"XX", b"CH") if self.chance(0.1)]
        args = [b"ZADD", LEX_KEY, *options]
        for _ in range(self.rng.randint(1, 4)):
            args += [b"0", self.member()]
        return args

    def zrange(self):
        key = self.key("zset")
        roll = self.rng.random()
        options = []
        by = roll >= 0.45
        bylex = roll >= 0.8
        rev = self.chance(0.35)
        if not by:
            start, stop = self.index_pair()
        elif not bylex:
            start, stop = self.score_pair(rev)
            options.append([self.maybe_lower(b"BYSCORE")])
        else:
            key = self.lex_key()
            start, stop = self.lex_pair(rev)
            options.append([self.maybe_lower(b"BYLEX")])
        if rev:
            options.append([self.maybe_lower(b"REV")])
        if (by and self.chance(0.4)) or self.chance(0.03):
            options.append(self.limit())
        if self.chance(0.04 if bylex else 0.4):
            options.append([self.maybe_lower(b"WITHSCORES")])
        return self.emit([b"ZRANGE", key, start, stop], options, shuffle=0.2)

    def zrangebyscore(self, name):
        args = [name, self.key("zset"), *self.score_pair(rev=name.startswith(b"ZREV"))]
        options = []
        if self.chance(0.4):
            options.append([self.maybe_lower(b"WITHSCORES")])
        if self.chance(0.4):
            options.append(self.limit())
        return self.emit(args, options, shuffle=1.0)

    def zrangebylex(self, name):
        args = [name, self.lex_key(), *self.lex_pair(rev=name.startswith(b"ZREV"))]
        if self.chance(0.4):
            args += self.limit()
        if self.chance(0.03):
            args.append(b"WITHSCORES")
        return args

    def zsetop(self, name, store=False):
        keys = [self.zset_source() for _ in range(self.rng.randint(1, 3))]
        args = [name]
        if store:
            args.append(self.store_key("zset"))
        args += [self.numkeys(keys), *keys]
        options = []
        if name not in (b"ZDIFF", b"ZDIFFSTORE") or self.chance(0.05):
            if self.chance(0.35):
                n = len(keys) if self.chance(0.92) else self.rng.choice([len(keys) + 1,
                                                                       max(len(keys) - 1, 0)])
                options.append([self.maybe_lower(b"WEIGHTS"),
                                *[(self.pick(WEIGHTS) if self.chance(0.95)
                                   else self.pick(BAD_WEIGHTS)).encode() for _ in range(n)]])
            if self.chance(0.35):
                options.append([self.maybe_lower(b"AGGREGATE"),
                                self.maybe_lower(self.pick([b"SUM", b"MIN", b"MAX", b"SUM",
                                                            b"AVG"]))])
        if not store and self.chance(0.5):
            options.append([self.maybe_lower(b"WITHSCORES")])
        if self.chance(0.03):
            options.append([self.pick([b"FOO", b"WEIGHTS", b"AGGREGATE", b"LIMIT"])])
        return self.emit(args, options, shuffle=1.0)

    def zintercard(self):
        keys = [self.zset_source() for _ in range(self.rng.randint(1, 3))]
        return self.emit([b"ZINTERCARD", self.numkeys(keys), *keys], self.card_limit())

    def zrangestore(self):
        args = [b"ZRANGESTORE", self.store_key("zset")]
        roll = self.rng.random()
        options = []
        rev = self.chance(0.3)
        if roll < 0.45:
            args += [self.key("zset"), *self.index_pair()]
        elif roll < 0.8:
            args += [self.key("zset"), *self.score_pair(rev)]
            options.append([b"BYSCORE"])
        else:
            args += [self.lex_key(), *self.lex_pair(rev)]
            options.append([b"BYLEX"])
        if rev:
            options.append([b"REV"])
        if options and self.chance(0.4):
            options.append(self.limit())
        if self.chance(0.03):
            options.append([b"WITHSCORES"])
        return self.emit(args, options)

    def zrandmember(self):
        args = [b"ZRANDMEMBER", self.key("zset")]
        if self.chance(0.75):
            args.append(self.random_count())
            if self.chance(0.5):
                args.append(self.pick([b"WITHSCORES", b"withscores", b"WITHVALUES"])
                            if self.chance(0.97) else b"FOO")
        return args

    # -- drawing ----------------------------------------------------------------

    def populate(self):
        """A command that fills a collection (focus family first)."""
        family = self.focus if self.focus not in (None, "string") and self.chance(0.7) else \
            self.pick(["hash", "list", "set", "zset"])
        key, n = self.key(family), self.rng.randint(3, 8)
        if family == "hash":
            return family, [b"HSET", key, *self.field_values(n, n)]
        if family == "list":
            return family, [b"RPUSH", key, *[self.element() for _ in range(n)]]
        if family == "set":
            return family, [b"SADD", key, *self.members(n, n)]
        if key == LEX_KEY:
            return family, [b"ZADD", key, *[x for m in self.members(n, n) for x in (b"0", m)]]
        return family, [b"ZADD", key, *[x for m in self.members(n, n)
                                        for x in (self.pick(SCORES + ODD_SCORES[:3]).encode(), m)]]

    def command(self):
        if self.warm_up:
            self.warm_up -= 1
            return self.populate()
        family = self.rng.choices(FAMILIES, self.family_weights)[0]
        builders, weights = self.tables[family]
        args = self.rng.choices(builders, weights)[0]()
        name = args[0].upper()
        if not name.endswith(b"-ALL") and name not in NO_MANGLE and self.chance(0.04):
            args = self.mangle_arity(args, drop_only=name in DROP_ONLY)
        return family, args

    def mangle_arity(self, args, drop_only=False):
        """Drop or add arguments to provoke arity errors (or other variants)."""
        if len(args) > 1 and (drop_only or self.chance(0.6)):
            return args[:self.rng.randrange(1, len(args))]
        if drop_only:
            return args
        return args + [self.value() for _ in range(self.rng.randint(1, 3))]
