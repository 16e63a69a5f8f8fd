"""Crash-recovery workload shared by test_crash_recovery.py and scripts/soak-crash.

Writers (threads, one connection each) run a deterministic sequence of write
commands over keys only they touch: SET, INCR, HSET, RPUSH, ZADD, SADD. Each
writer sends one command at a time and counts the replies it received. The
server is then killed with SIGKILL at a random moment and restarted on the
same data directory.

The rule checked after the restart, per writer: its keys hold exactly the
state produced by the first k commands of its sequence, where k is the number
of acknowledged commands, or one more when a command was in flight (sent,
reply not received) at the kill. An acknowledged write missing, a write
applied out of order or twice, a wrong type or a garbled value all break
that rule. RocksDB's WAL replay restores a prefix of the write order, and
every command is one WriteBatch, so nothing weaker is allowed.

Writers of earlier rounds keep their final state, so each restart also
re-checks everything written before it, and all keys of the database must
belong to some writer (nothing appears from nowhere).
"""

import random
import threading
import time

from resp_client import ConnectionClosed, RespClient, RespError

FAMILIES = 6


def command_of(writer, n):
    """The n-th command of a writer, as a tuple of str."""
    family = n % FAMILIES
    w = writer
    if family == 0:  # overwrite a small set of string keys: later values win
        return ("SET", f"{w}:s:{n % 7}", f"v{n}-" + "x" * (n % 50))
    if family == 1:
        return ("INCR", f"{w}:c")
    if family == 2:  # fields are overwritten every 10 rounds
        return ("HSET", f"{w}:h", f"f{n % 60}", f"v{n}")
    if family == 3:
        return ("RPUSH", f"{w}:l", f"i{n}")
    if family == 4:  # scores change when a member comes round again
        return ("ZADD", f"{w}:z", str(n), f"m{n % 90}")
    return ("SADD", f"{w}:t", f"m{n}")


def apply(state, cmd):
    """Applies one command to a model: key -> (type, value)."""
    op, key = cmd[0], cmd[1]
    if op == "SET":
        state[key] = ("string", cmd[2].encode())
    elif op == "INCR":
        kind, value = state.get(key, ("string", b"0"))
        state[key] = ("string", str(int(value) + 1).encode())
    elif op == "HSET":
        state.setdefault(key, ("hash", {}))[1][cmd[2].encode()] = cmd[3].encode()
    elif op == "RPUSH":
        state.setdefault(key, ("list", []))[1].append(cmd[2].encode())
    elif op == "ZADD":
        state.setdefault(key, ("zset", {}))[1][cmd[3].encode()] = float(cmd[2])
    elif op == "SADD":
        state.setdefault(key, ("set", set()))[1].add(cmd[2].encode())


def model_after(writer, count):
    state = {}
    for n in range(count):
        apply(state, command_of(writer, n))
    return state


def writer_keys(writer):
    return {command_of(writer, n)[1] for n in range(7 * FAMILIES)}


def read_key(client, key):
    """The server's (type, value) for a key, or None when it is absent."""
    kind = client.execute("TYPE", key)
    kind = kind.decode() if isinstance(kind, bytes) else str(kind)
    if kind == "none":
        return None
    if kind == "string":
        return ("string", client.execute("GET", key))
    if kind == "hash":
        flat = client.execute("HGETALL", key)
        return ("hash", dict(zip(flat[0::2], flat[1::2])))
    if kind == "list":
        return ("list", list(client.execute("LRANGE", key, 0, -1)))
    if kind == "zset":
        flat = client.execute("ZRANGE", key, 0, -1, "WITHSCORES")
        return ("zset", {m: float(s) for m, s in zip(flat[0::2], flat[1::2])})
    if kind == "set":
        return ("set", set(client.execute("SMEMBERS", key)))
    raise AssertionError(f"key {key!r} has unexpected type {kind!r}")


class Writer(threading.Thread):
    def __init__(self, port, name, start_at):
        super().__init__(daemon=True)
        self.port, self.name = port, name
        self.acked = start_at  # commands acknowledged (earlier rounds included)
        self.in_flight = False
        self.error = None

    def run(self):
        try:
            client = RespClient(self.port, timeout=5.0)
        except OSError:
            return
        try:
            while True:
                cmd = command_of(self.name, self.acked)
                self.in_flight = True
                reply = client.call(*cmd)
                if isinstance(reply, RespError):
                    self.error = f"{cmd} -> {reply.message}"
                    return
                self.acked += 1
                self.in_flight = False
        except (ConnectionClosed, OSError):
            pass  # the kill; in_flight says whether a command was sent
        finally:
            try:
                client.sock.close()
            except OSError:
                pass


def check_writer(client, name, acked, in_flight):
    """Asserts the writer's keys hold the state after acked (or acked+1)
    commands. Returns the count that matched."""
    actual = {}
    for key in sorted(writer_keys(name)):
        got = read_key(client, key)
        if got is not None:
            actual[key] = got
    candidates = [acked, acked + 1] if in_flight else [acked]
    for count in candidates:
        if actual == model_after(name, count):
            return count
    expected = model_after(name, acked)
    diff = {k: (expected.get(k), actual.get(k)) for k in set(expected) | set(actual)
            if expected.get(k) != actual.get(k)}
    raise AssertionError(f"writer {name}: state after restart is not the state after "
                         f"{candidates} commands; differing keys (expected, actual): {diff}")


class CrashRounds:
    """Rounds of write / SIGKILL / restart / verify against one server."""

    def __init__(self, server, writers=4, seed=None):
        self.server = server
        self.rng = random.Random(seed)
        self.writers = writers
        self.known = {}  # writer name -> (acked, in_flight) after its round
        self.round = 0
        self.kill_delays = []

    def run_round(self, min_delay=0.05, max_delay=0.4):
        self.round += 1
        writers = [Writer(self.server.port, f"r{self.round}w{i}", 0) for i in range(self.writers)]
        for w in writers:
            w.start()
        delay = self.rng.uniform(min_delay, max_delay)
        self.kill_delays.append(delay)
        time.sleep(delay)
        self.server.kill9()
        for w in writers:
            w.join(10)
            assert not w.is_alive(), f"writer {w.name} did not stop after the kill"
            assert w.error is None, f"writer {w.name} got an error reply: {w.error}"
        self.server.start()
        client = RespClient(self.server.port, timeout=10.0)
        try:
            for w in writers:
                matched = check_writer(client, w.name, w.acked, w.in_flight)
                # From now on the writer's state is exactly what was recovered.
                self.known[w.name] = (matched, False)
            self.check_earlier_rounds(client, {w.name for w in writers})
            self.check_no_stray_keys(client)
            # The server still takes writes after recovery.
            assert client.execute("SET", f"round{self.round}:probe", "ok") == b"OK"
            client.execute("DEL", f"round{self.round}:probe")
        finally:
            client.sock.close()
        return sum(w.acked for w in writers)

    def check_earlier_rounds(self, client, skip):
        for name, (count, _) in self.known.items():
            if name not in skip:
                check_writer(client, name, count, False)

    def check_no_stray_keys(self, client):
        allowed = set()
        for name in self.known:
            allowed |= writer_keys(name)
        keys = {k.decode() for k in client.execute("KEYS", "*")}
        stray = keys - allowed
        assert not stray, f"keys nobody wrote appeared after recovery: {sorted(stray)[:10]}"
