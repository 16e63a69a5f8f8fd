"""Randomized differential test: Basalt against Debian's redis-server.

Seeded random sequences of commands of every family -- strings, generic
keys, hashes, lists (blocking ones included), sets and sorted sets, valid
and invalid, with keys shared between the families so that WRONGTYPE comes
up for every pair of types -- are sent to both servers and the replies
compared.  The generator is in differential_gen.py.  A quarter of the
sequences speak RESP3 (HELLO 3), the others RESP2.

Replies are compared byte for byte, except where Redis's answer is not
fully determined or Basalt documents a difference (docs/commands.md):

* time: the TTL family is compared with a tolerance;
* order: KEYS, full SCAN iterations, HKEYS, HVALS, HGETALL, SMEMBERS,
  SINTER, SUNION and SDIFF are compared as multisets (Basalt answers in
  byte order, Redis in hash order); the reply types must still match;
* cursors: HSCAN, SSCAN, ZSCAN and SCAN are run to the end (pseudo
  commands ``*SCAN-ALL``) and only the union of the iteration is compared;
  Basalt must not return an element twice;
* negative zero: Redis 7.0 answers a score of -0 as "-0" when the sorted
  set has its skiplist encoding (more than 128 members, or a member over
  64 bytes) and as "0" when it is a listpack; Basalt stores -0 as 0.
  A "-0" score (bulk string or RESP3 double) is read as "0" in the replies
  of the sorted-set commands (members are never named "-0");
* randomness: SPOP, SRANDMEMBER, HRANDFIELD and ZRANDMEMBER are checked
  for reply type, size, distinctness and membership (against Redis's
  content just before), and RANDOMKEY by nil-ness.  After an SPOP, Redis's
  set is made equal to Basalt's (the members each popped differ);
* lex ranges (ZRANGEBYLEX, ZREVRANGEBYLEX, ZLEXCOUNT, ZREMRANGEBYLEX,
  ZRANGE/ZRANGESTORE ... BYLEX) are only sent when the sorted set does not
  mix scores (Redis leaves that case undefined); they are counted as
  skipped otherwise;
* the generator avoids what is documented as different: ZRANK WITHSCORE
  (Redis 7.2), random-command counts below -16777216, scan cursors that
  Basalt never issued, blocking commands that would block for long
  (timeouts are 0.01 s or invalid, never 0).

Before DBSIZE a full SCAN makes Redis reclaim keys that expired but are
still counted.  After each sequence the whole data set is compared, type
aware: each key's type, its TTL (loosely) and its content (string value,
hash as a dict, list as a list, set as a set, sorted set as its
member/score list in score order).  Inspection (that comparison, the
contents checked by the random commands, the lex-range check) goes
through a second RESP2 connection to each server.

A failing sequence is shrunk (commands dropped while the failure stays)
and reported with the shrunk reproduction.

Environment knobs:
  BASALT_DIFF_SEED       base seed (default 20240601); each sequence i uses
                         the seed "<base>:<i>"
  BASALT_DIFF_SEQUENCES  number of sequences (default 1000)
  BASALT_DIFF_LENGTH     commands per sequence (default 100)
  BASALT_DIFF_BUDGET     time budget in seconds (default 45)
  BASALT_DIFF_SHRINK     1 (default) to shrink failing sequences, 0 not to
"""

import os
import random
import socket
import time
from collections import Counter, namedtuple

import pytest

from differential_gen import ALL_KEYS, FAMILIES, CommandGenerator
from harness import TARGET, ServerError, ServerProcess, report
from resp_client import ConnectionClosed, RespError, SimpleString

pytestmark = pytest.mark.skipif(
    TARGET == "redis", reason="differential test compares Basalt with redis-server")

SEED = os.environ.get("BASALT_DIFF_SEED", "20240601")
SEQUENCES = int(os.environ.get("BASALT_DIFF_SEQUENCES", "1000"))
LENGTH = int(os.environ.get("BASALT_DIFF_LENGTH", "100"))
BUDGET = float(os.environ.get("BASALT_DIFF_BUDGET", "45"))
SHRINK = os.environ.get("BASALT_DIFF_SHRINK", "1") != "0"
MAX_REPORTED = 12  # kinds of mismatch reported in detail
SHRINK_SECONDS = 1.5  # per kind of mismatch

TTL_COMMANDS = {b"TTL": 2, b"PTTL": 2000, b"EXPIRETIME": 2, b"PEXPIRETIME": 2000}
# Replies whose element order Redis leaves unspecified (Basalt: byte order).
UNORDERED = {b"KEYS", b"HKEYS", b"HVALS", b"SMEMBERS", b"SINTER", b"SUNION", b"SDIFF"}
UNORDERED_PAIRS = {b"HGETALL"}
LEX_COMMANDS = {b"ZRANGEBYLEX", b"ZREVRANGEBYLEX", b"ZLEXCOUNT", b"ZREMRANGEBYLEX"}
RANDOM_READS = {b"SRANDMEMBER", b"HRANDFIELD", b"ZRANDMEMBER"}
COLLECTION_SCANS = {b"HSCAN-ALL": (b"HSCAN", True), b"SSCAN-ALL": (b"SSCAN", False),
                    b"ZSCAN-ALL": (b"ZSCAN", True)}
# Redis's "-0" score (skiplist encoding only), as a bulk string and as a
# RESP3 double, read as "0".
NEGATIVE_ZERO = ((b"$2\r\n-0\r\n", b"$1\r\n0\r\n"), (b",-0\r\n", b",0\r\n"))

# main: the connections the commands go to (RESP2 or RESP3);
# aux: RESP2 connections to the same servers, for inspection.
Conns = namedtuple("Conns", "basalt redis basalt_aux redis_aux")


class Mismatch(Exception):
    """A difference; `signature` groups the failures of one kind."""

    def __init__(self, message, signature=None):
        super().__init__(message)
        self.signature = signature or message.split("\n", 1)[0]


class Fatal(Exception):
    """The connections can no longer be trusted (no reply, closed, garbage)."""


class Skipped(Exception):
    """The command was not sent (its result would be undefined in Redis)."""


# -- talking to both servers ---------------------------------------------------


CONNECTION_ERRORS = (socket.timeout, ConnectionClosed, OSError, ValueError)


def exchange(conns, args):
    """Send `args` to both servers (so they work in parallel); return
    ((basalt reply, raw bytes), (redis reply, raw bytes))."""
    try:
        conns.basalt.send_command(*args)
        conns.redis.send_command(*args)
        got = conns.basalt._read_one()  # pylint: disable=protected-access
        expected = conns.redis._read_one()  # pylint: disable=protected-access
    except CONNECTION_ERRORS as exc:
        raise Fatal(f"{fmt(args)}: no usable reply ({exc!r})") from exc
    return got, expected


def call(conn, *args):
    try:
        return conn.call(*args)
    except CONNECTION_ERRORS as exc:
        raise Fatal(f"{fmt(args)}: no usable reply ({exc!r})") from exc


def shorten(value, limit=700):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def reply_kind(reply):
    """What a reply is, for grouping failures: an error's text, else its type."""
    if isinstance(reply, RespError):
        return reply.message[:60]
    return type(reply).__name__


def mismatch(args, got, expected, note=""):
    signature = (f"{args[0].decode(errors='replace').upper()}: basalt {reply_kind(got)}, "
                 f"redis {reply_kind(expected)}" + (f" ({note.split(':')[0]})" if note else ""))
    note = f" ({note})" if note else ""
    return Mismatch(f"{fmt(args)}{note}\n    basalt: {shorten(got)}\n"
                    f"    redis:  {shorten(expected)}", signature)


def sort_key(item):
    if item is None:
        return (0, b"")
    if isinstance(item, bytes):
        return (1, bytes(item))
    return (2, repr(item).encode())


def shaped(reply, how="exact"):
    """(reply type, normalized reply) for order-insensitive comparisons."""
    kind = type(reply).__name__
    if isinstance(reply, list) and how == "sorted":
        return kind, sorted(reply, key=sort_key)
    if isinstance(reply, list) and how == "pairs":
        return kind, sorted(zip(reply[::2], reply[1::2]), key=lambda p: sort_key(p[0]))
    return kind, reply  # RESP3 maps compare as dicts


def zero(score):
    """Redis's "-0" score (skiplist encoding only) read as Basalt's "0"."""
    return b"0" if score == b"-0" else score


def without_negative_zero(raw):
    for old, new in NEGATIVE_ZERO:
        raw = raw.replace(old, new)
    return raw


def loose_ttl_equal(name, a, b):
    if not (isinstance(a, int) and isinstance(b, int)):
        return a == b
    if a < 0 or b < 0:
        return a == b
    return abs(a - b) <= TTL_COMMANDS[name]


# -- full scans -------------------------------------------------------------------


def scan_all(client, options):
    cursor, keys = b"0", []
    for _ in range(100_000):
        reply = call(client, b"SCAN", cursor, *options)
        if not isinstance(reply, list):
            return reply
        cursor, batch = reply
        keys += batch
        if cursor == b"0":
            return sorted(keys)
    raise Mismatch(f"SCAN {options!r} did not return to cursor 0")


def collection_scan_all(client, command, key, options, pairs):
    """All elements of a full HSCAN/SSCAN/ZSCAN iteration, in reply order
    (pairs for HSCAN and ZSCAN), or the error reply."""
    cursor, items = b"0", []
    for _ in range(100_000):
        reply = call(client, command, key, cursor, *options)
        if not isinstance(reply, list):
            return reply
        cursor, batch = reply
        items += batch
        if cursor == b"0":
            if not pairs:
                return items
            return [(m, zero(v) if command == b"ZSCAN" else v)
                    for m, v in zip(items[::2], items[1::2])]
    raise Mismatch(f"{command.decode()} {fmt([key])} {fmt(options)} did not return to cursor 0")


def compare_scan(args, conns):
    got = scan_all(conns.basalt, args[1:])
    expected = scan_all(conns.redis, args[1:])
    if isinstance(got, list) and len(set(got)) != len(got):
        raise mismatch(args, got, expected, "Basalt returned a key twice")
    if isinstance(expected, list):
        expected = sorted(set(expected))
    if got != expected:
        raise mismatch(args, got, expected)


def compare_collection_scan(args, conns):
    command, pairs = COLLECTION_SCANS[args[0].upper()]
    key, options = args[1], args[2:]
    got = collection_scan_all(conns.basalt, command, key, options, pairs)
    expected = collection_scan_all(conns.redis, command, key, options, pairs)
    if isinstance(got, list):
        names = [p[0] for p in got] if pairs else got
        if len(set(names)) != len(names):
            raise mismatch(args, got, expected, "Basalt returned an element twice")
        got = sorted(got, key=repr)
    if isinstance(expected, list):
        # Redis may return an element twice (rehashing); the union counts.
        expected = sorted(set(expected), key=repr)
    if got != expected:
        raise mismatch(args, got, expected)


# -- random commands -----------------------------------------------------------------


def snapshot(conn, key):
    """(type, content) of `key` through a RESP2 connection: a set of
    members, or a dict field -> value / member -> score (as bulk strings)."""
    kind = call(conn, b"TYPE", key)
    if kind == b"set":
        return kind, set(call(conn, b"SMEMBERS", key))
    if kind == b"hash":
        reply = call(conn, b"HGETALL", key)
        return kind, dict(zip(reply[::2], reply[1::2]))
    if kind == b"zset":
        reply = call(conn, b"ZRANGE", key, b"0", b"-1", b"WITHSCORES")
        return kind, dict(zip(reply[::2], map(zero, reply[1::2])))
    return kind, None


def parse_int(arg):
    try:
        return int(arg)
    except ValueError:
        return None


def same_score(stored, replied):
    """A score from the snapshot (bulk string) against one in a reply (bulk
    string in RESP2, double in RESP3)."""
    if isinstance(replied, float):
        return float(stored) == replied
    return stored == zero(replied)


def check_random_reply(args, content, reply):
    """None if `reply` fits a random command on `content`, else why not."""
    name = args[0].upper()
    with_pairs = (len(args) >= 4 and
                  args[3].upper() == {b"HRANDFIELD": b"WITHVALUES",
                                      b"ZRANDMEMBER": b"WITHSCORES"}.get(name))
    count = parse_int(args[2]) if len(args) >= 3 else None
    items = [reply] if isinstance(reply, bytes) else list(reply)
    if with_pairs:
        if items and all(isinstance(i, list) for i in items):  # RESP3 pairs
            if any(len(i) != 2 for i in items):
                return "pairs that are not pairs"
            items = [x for pair in items for x in pair]
        if len(items) % 2:
            return "odd number of elements for pairs"
        names = items[::2]
        for member, value in zip(items[::2], items[1::2]):
            if content is None or member not in content:
                return f"{member!r} is not in the collection"
            if not (same_score(content[member], value) if name == b"ZRANDMEMBER"
                    else content[member] == value):
                return f"{member!r} comes with {value!r}, not {content[member]!r}"
    else:
        names = items
        for member in names:
            if content is None or member not in content:
                return f"{member!r} is not in the collection"
    if count is not None:
        size = len(content or ())
        expected = 0 if size == 0 else min(count, size) if count >= 0 else -count
        if len(names) != expected:
            return f"{len(names)} elements where {expected} were expected"
    if (name == b"SPOP" or (count is not None and count >= 0)) and len(set(names)) != len(names):
        return "repeated elements where they must be distinct"
    return None


def compare_random(args, conns):
    name = args[0].upper()
    if name == b"RANDOMKEY":
        (got, _), (expected, _) = exchange(conns, args)
        if (got is None) != (expected is None) or isinstance(got, RespError):
            raise mismatch(args, got, expected)
        return
    key = args[1] if len(args) > 1 else None
    _, content = snapshot(conns.redis_aux, key) if key is not None else (None, None)
    (got, _), (expected, _) = exchange(conns, args)
    plain = (isinstance(got, RespError) or isinstance(expected, RespError)
             or got is None or expected is None or isinstance(got, int))
    if plain or type(got) is not type(expected):
        if got != expected or type(got) is not type(expected):
            raise mismatch(args, got, expected)
        return
    if isinstance(got, list) and len(got) != len(expected):
        raise mismatch(args, got, expected, "different sizes")
    for who, reply in (("basalt", got), ("redis", expected)):
        problem = check_random_reply(args, content, reply)
        if problem:
            raise mismatch(args, got, expected, f"{who}: {problem}")
    if name == b"SPOP":
        resync_spop(conns.redis_aux, key, got, expected)


def resync_spop(redis_aux, key, got, expected):
    """Make Redis's set what Basalt's is after their different pops."""
    popped_basalt = set([got] if isinstance(got, bytes) else got)
    popped_redis = set([expected] if isinstance(expected, bytes) else expected)
    put_back = popped_redis - popped_basalt
    remove = popped_basalt - popped_redis
    if put_back:
        call(redis_aux, b"SADD", key, *sorted(put_back))
    if remove:
        call(redis_aux, b"SREM", key, *sorted(remove))


# -- lex ranges ------------------------------------------------------------------


def lex_key_of(args):
    name = args[0].upper()
    upper = [a.upper() for a in args]
    if name in LEX_COMMANDS and len(args) > 1:
        return args[1]
    if name == b"ZRANGE" and b"BYLEX" in upper[4:]:
        return args[1]
    if name == b"ZRANGESTORE" and b"BYLEX" in upper[5:]:
        return args[2]
    return None


def mixes_scores(conn, key):
    reply = call(conn, b"ZRANGE", key, b"0", b"-1", b"WITHSCORES")
    return isinstance(reply, list) and len(set(map(zero, reply[1::2]))) > 1


# -- one command -------------------------------------------------------------------


def compare(args, conns):
    name = args[0].upper()
    if name == b"SCAN-ALL":
        return compare_scan(args, conns)
    if name in COLLECTION_SCANS:
        return compare_collection_scan(args, conns)
    if name in RANDOM_READS or name in (b"SPOP", b"RANDOMKEY"):
        return compare_random(args, conns)
    lex_key = lex_key_of(args)
    if lex_key is not None and mixes_scores(conns.redis_aux, lex_key):
        raise Skipped()
    if name == b"DBSIZE":
        # Redis counts keys that expired (e.g. SET ... EXAT <past>) until it
        # reclaims them; a full SCAN first makes it drop them, so DBSIZE is
        # then compared with Redis's count of live keys.
        for conn in (conns.basalt_aux, conns.redis_aux):
            scan_all(conn, [])
    (got, got_raw), (expected, expected_raw) = exchange(conns, args)
    if name in TTL_COMMANDS:
        same = loose_ttl_equal(name, got, expected)
    elif name in UNORDERED:
        same = shaped(got, "sorted") == shaped(expected, "sorted")
    elif name in UNORDERED_PAIRS:
        same = shaped(got, "pairs") == shaped(expected, "pairs")
    elif name.startswith((b"Z", b"BZ")):
        same = without_negative_zero(got_raw) == without_negative_zero(expected_raw)
    else:
        same = got_raw == expected_raw
    if not same:
        raise mismatch(args, got, expected)
    return None


# -- the whole data set --------------------------------------------------------------


CONTENT_COMMANDS = {
    b"string": lambda k: [b"GET", k],
    b"hash": lambda k: [b"HGETALL", k],
    b"list": lambda k: [b"LRANGE", k, b"0", b"-1"],
    b"set": lambda k: [b"SMEMBERS", k],
    b"zset": lambda k: [b"ZRANGE", k, b"0", b"-1", b"WITHSCORES"],
}


def pipeline(conn, commands):
    try:
        for args in commands:
            conn.send_command(*args)
        return [conn.read_reply() for _ in commands]
    except CONNECTION_ERRORS as exc:
        raise Fatal(f"data set dump: no usable reply ({exc!r})") from exc


def dump(conn, keys):
    """{key: (type, pttl, content)} through a RESP2 connection, the content
    normalized by type."""
    replies = pipeline(conn, [c for k in keys for c in ([b"TYPE", k], [b"PTTL", k])])
    types, ttls = replies[::2], replies[1::2]
    commands = [CONTENT_COMMANDS.get(bytes(t), lambda k: [b"TYPE", k])(k)
                for k, t in zip(keys, types)]
    contents = pipeline(conn, commands)
    out = {}
    for key, kind, ttl, content in zip(keys, types, ttls, contents):
        if kind == b"hash" and isinstance(content, list):
            content = dict(zip(content[::2], content[1::2]))
        elif kind == b"set" and isinstance(content, list):
            content = sorted(content)
        elif kind == b"zset" and isinstance(content, list):
            content = list(zip(content[::2], map(zero, content[1::2])))
        out[key] = (bytes(kind) if isinstance(kind, SimpleString) else kind, ttl, content)
    return out


def compare_dataset(conns):
    keys = scan_all(conns.redis_aux, [])
    if not isinstance(keys, list):
        raise Mismatch(f"SCAN failed on redis: {keys!r}")
    basalt_keys = scan_all(conns.basalt_aux, [])
    if basalt_keys != keys:
        raise mismatch([b"<keys>"], basalt_keys, keys, "end of sequence")
    compare([b"DBSIZE"], conns)
    got, expected = dump(conns.basalt_aux, keys), dump(conns.redis_aux, keys)
    for key in keys:
        (g_type, g_ttl, g_content), (e_type, e_ttl, e_content) = got[key], expected[key]
        if g_type != e_type:
            raise mismatch([b"TYPE", key], g_type, e_type, "end of sequence")
        if not loose_ttl_equal(b"PTTL", g_ttl, e_ttl):
            raise mismatch([b"PTTL", key], g_ttl, e_ttl, "end of sequence")
        if g_content != e_content:
            raise mismatch([b"<content of>", key], g_content, e_content,
                           f"end of sequence, {e_type.decode(errors='replace')}")


# -- formatting ------------------------------------------------------------------------


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


def fmt_long(args, limit=12):
    """fmt() for a reproduction: long argument lists are abbreviated too."""
    if len(args) <= limit:
        return fmt(args)
    return f"{fmt(args[:limit])} ... ({len(args) - limit} more arguments)"


# -- sequences ---------------------------------------------------------------------------


def reset(conns, protocol):
    """Empty both data sets and switch the main connections to `protocol`.

    Every key the generator uses is in its pool, so DEL of the pool empties
    the data set (RANDOMKEY checks it, FLUSHALL is the fallback).  Not
    FLUSHALL each time: in Basalt every FLUSHALL leaves range tombstones in
    the memtable, and reads get slower with each one (after 1000 FLUSHALLs
    an HGET takes ~1 ms), so the run would slow down as it goes."""
    for conn in (conns.basalt_aux, conns.redis_aux):
        if not isinstance(call(conn, b"DEL", *ALL_KEYS), int):
            raise Fatal("DEL of the key pool failed")
        if call(conn, b"RANDOMKEY") is not None and call(conn, b"FLUSHALL") != b"OK":
            raise Fatal("FLUSHALL failed")
    for conn in (conns.basalt, conns.redis):
        if isinstance(call(conn, b"HELLO", str(protocol).encode()), RespError):
            raise Fatal(f"HELLO {protocol} failed")


def replay(commands, conns, protocol, stats=None):
    """Run `commands` from an empty data set, then compare the data set.

    Returns (index of the failing command or len(commands) for the data set,
    Mismatch), or None when everything matches."""
    reset(conns, protocol)
    position = 0
    try:
        for position, (family, args) in enumerate(commands):
            if stats is not None:
                stats["commands"][args[0].upper()] += 1
                stats["families"][family] += 1
            try:
                compare(args, conns)
            except Skipped:
                if stats is not None:
                    stats["skipped"] += 1
        position = len(commands)
        compare_dataset(conns)
    except Mismatch as exc:
        return position, exc
    return None


def same_failure(a, b):
    """Failures of the same command (the first word of the message)."""
    return str(a).split(" ", 1)[0] == str(b).split(" ", 1)[0]


def shrink(commands, conns, protocol, deadline):
    """Drop commands while the sequence still fails the same way: chunks
    of halving size, down to single commands (the failing one stays)."""
    result = replay(commands, conns, protocol)
    if result is None:
        return commands, None
    position, exc = result
    keep_last = position < len(commands)
    commands = commands[:position + 1]
    chunk = max(1, len(commands) // 2)
    while time.monotonic() < deadline:
        start = len(commands) - keep_last - chunk
        while start > -chunk and time.monotonic() < deadline:
            lo = max(0, start)
            candidate = commands[:lo] + commands[start + chunk:]
            attempt = replay(candidate, conns, protocol)
            if attempt is not None and same_failure(attempt[1], exc):
                commands, exc = candidate[:attempt[0] + 1], attempt[1]
            start -= chunk
        if chunk == 1:
            break
        chunk = max(1, chunk // 2)
    return commands, exc


def run_sequence(index, conns, stats):
    rng = random.Random(f"{SEED}:{index}")
    generator = CommandGenerator(rng)
    commands = [generator.command() for _ in range(LENGTH)]
    protocol = generator.protocol
    stats["resp3"] += protocol == 3
    result = replay(commands, conns, protocol, stats)
    if result is None:
        return None
    position, exc = result
    if exc.signature in stats["kinds"]:
        stats["kinds"][exc.signature] += 1
        return None
    stats["kinds"][exc.signature] = 1
    where = f"command {position + 1}" if position < len(commands) else "data set comparison"
    trail = "\n".join(f"    {fmt_long(a)}" for _, a in commands[max(0, position - 14):position + 1])
    text = (f"sequence {index} (seed {SEED}:{index}, RESP{protocol}, focus {generator.focus}), "
            f"{where}:\n  {exc}\n  last commands:\n{trail}")
    if SHRINK:
        small, small_exc = shrink(commands, conns, protocol,
                                  time.monotonic() + SHRINK_SECONDS)
        if small_exc is not None:
            steps = "\n".join(f"    {fmt_long(a)}" for _, a in small)
            text += (f"\n  shrunk to {len(small)} commands (RESP{protocol}, empty data set):\n"
                     f"{steps}\n  -> {small_exc}")
    return exc.signature, text


# -- the test --------------------------------------------------------------------------


def start_with_retry(target, attempts=5):
    """Start a server; retry, since build/basalt-server may be being rebuilt.

    Redis runs with hz 100: it times blocked clients out on its cron, so at
    the default hz 10 every BLPOP ... 0.01 on an empty key would take 100 ms.
    """
    config = {"hz": 100} if target == "redis" else {}
    for attempt in range(attempts):
        srv = ServerProcess(target=target, config=config)
        try:
            return srv.start()
        except (ServerError, OSError):
            srv.cleanup()
            if attempt == attempts - 1:
                raise
            time.sleep(2)
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def server_pair():
    servers = []
    try:
        for target in ("basalt", "redis"):
            servers.append(start_with_retry(target))
        yield servers
        for srv in servers:
            srv.stop()
    finally:
        for srv in servers:
            srv.cleanup()


def test_differential_against_redis(server_pair):
    basalt_srv, redis_srv = server_pair
    stats = {"commands": Counter(), "families": Counter(), "skipped": 0, "resp3": 0,
             "kinds": Counter(), "failing": 0}
    failures, sequences, fatal = {}, 0, None
    started = time.monotonic()
    with basalt_srv.raw() as basalt, redis_srv.raw() as redis_ref, \
            basalt_srv.raw() as basalt_aux, redis_srv.raw() as redis_aux:
        conns = Conns(basalt, redis_ref, basalt_aux, redis_aux)
        for conn in (basalt_aux, redis_aux):
            assert conn.execute(b"FLUSHALL") == b"OK"
        for index in range(SEQUENCES):
            if time.monotonic() - started > BUDGET:
                break
            failing = sum(stats["kinds"].values())
            try:
                failure = run_sequence(index, conns, stats)
            except Fatal as exc:
                fatal = f"sequence {index} (seed {SEED}:{index}): {exc}"
                break
            sequences += 1
            stats["failing"] += sum(stats["kinds"].values()) > failing
            if failure and len(failures) < MAX_REPORTED:
                failures[failure[0]] = failure[1]
    elapsed = time.monotonic() - started
    counts = stats["commands"]
    families = ", ".join(f"{f} {stats['families'][f]}" for f in FAMILIES)
    kinds = stats["kinds"]
    summary = (f"differential: {sequences} sequences ({stats['resp3']} in RESP3), "
               f"{sum(counts.values())} commands ({len(counts)} kinds; {families}; "
               f"{stats['skipped']} lex commands skipped on mixed scores) in {elapsed:.1f}s, "
               f"seed {SEED}, {stats['failing']} failing sequences, "
               f"{len(kinds)} kinds of mismatch")
    report(summary)
    print(summary)
    if fatal or kinds:
        table = "\n".join(f"  {n:5} x {kind}" for kind, n in kinds.most_common())
        details = "\n\n".join(failures.values())
        more = (f"\n\n({len(kinds) - len(failures)} more kinds not shown in detail)"
                if len(kinds) > len(failures) else "")
        pytest.fail(f"{summary}\n" + (f"FATAL: {fatal}\n" if fatal else "")
                    + f"failing sequences by kind of first mismatch:\n{table}\n\n"
                    f"first sequence of each kind:\n\n{details}{more}")
    assert sequences >= min(SEQUENCES, 50), "time budget too small to be meaningful"
