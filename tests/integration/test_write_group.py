"""Plain SET/MSET of one pipeline are written to RocksDB as one WriteBatch
(the write group, src/storage/db_group.c). These tests pin what must not
change because of it: replies in request order (also for errors in the
middle), later commands of the pipeline reading the grouped writes, other
clients' read-modify-writes ordered with the group, and no deadlock between
workers that group overlapping keys."""

import random
import threading

import pytest

from resp_client import RespError, encode_command


def pipeline(resp, *commands):
    resp.send(b"".join(encode_command(*c) for c in commands))
    return resp.read_replies(len(commands))


def test_group_reads_its_own_writes(resp):
    replies = pipeline(
        resp,
        ("SET", "a", "1"), ("SET", "b", "2"), ("GET", "a"),          # read inside a run of SETs
        ("SET", "a", "10"), ("INCR", "a"), ("SET", "c", "x"),
        ("MSET", "d", "4", "e", "5"), ("MGET", "a", "b", "c", "d", "e"),
        ("SET", "a", "5"), ("DEL", "a"), ("EXISTS", "a"), ("SET", "a", "6"), ("GET", "a"),
    )
    assert replies == [b"OK", b"OK", b"1", b"OK", 11, b"OK", b"OK", [b"11", b"2", b"x", b"4", b"5"],
                       b"OK", 1, 0, b"OK", b"6"]


def test_errors_in_the_middle_of_a_group_keep_order(resp):
    replies = pipeline(
        resp,
        ("SET", "s1", "a"), ("SET", "s2"), ("SET", "s3", "c"),                 # arity error mid-run
        ("SET", "s4", "d", "BOGUS"), ("SET", "s5", "e"),                       # syntax error
        ("MSET", "m1", "1", "m2"), ("MSET", "m3", "3"),                        # MSET arity error
        ("NOSUCH", "x"), ("SET", "s1", "z"),
        ("SET", "s6", "f", "NX"), ("SET", "s6", "g", "NX"), ("SET", "s6", "h", "XX", "GET"),
        ("MGET", "s1", "s2", "s3", "s4", "s5", "s6", "m1", "m3"),
    )
    assert replies[0] == b"OK"
    assert replies[1] == RespError("ERR wrong number of arguments for 'set' command")
    assert replies[2] == b"OK"
    assert replies[3] == RespError("ERR syntax error")
    assert replies[4] == b"OK"
    assert replies[5] == RespError("ERR wrong number of arguments for 'mset' command")
    assert replies[6] == b"OK"
    assert isinstance(replies[7], RespError) and replies[7].message.startswith("ERR unknown command")
    assert replies[8:12] == [b"OK", b"OK", None, b"f"]
    assert replies[12] == [b"z", None, b"c", None, b"e", b"h", None, b"3"]


def test_protocol_error_after_grouped_sets_comes_last(resp):
    resp.send(encode_command("SET", "p1", "1") + encode_command("SET", "p2", "2") + b"*1\r\n$x\r\n")
    replies = resp.read_replies(3)
    assert replies[:2] == [b"OK", b"OK"]
    assert isinstance(replies[2], RespError) and "Protocol error" in replies[2].message
    assert resp.is_closed()


def test_group_larger_than_its_limits(server, resp):
    # More distinct keys than a group holds (64 lock stripes) and more bytes
    # than it queues (1 MiB): the group commits early and goes on.
    big = b"v" * 200_000
    commands = [("SET", f"k{i}", f"v{i}") for i in range(500)]
    commands += [("SET", f"big{i}", big) for i in range(8)]
    commands.append(("MSET", *[x for i in range(100) for x in (f"m{i}", str(i))]))
    assert pipeline(resp, *commands) == [b"OK"] * len(commands)
    check = server.client()
    assert check.mget([f"k{i}" for i in range(500)]) == [f"v{i}".encode() for i in range(500)]
    assert check.get("big7") == big
    assert check.get("m99") == b"99"


@pytest.mark.basalt_only
def test_a_pipeline_of_sets_is_one_rocksdb_write(server, resp):
    def writes():
        with server.raw() as c:
            text = c.execute("INFO", "persistence").decode()
        return int(text.split("rocksdb_writes:")[1].split()[0])

    before = writes()
    assert pipeline(resp, *[("SET", f"g{i}", "x") for i in range(50)]) == [b"OK"] * 50
    # One read of the socket normally holds the whole pipeline; allow a few
    # splits, but not one write per command.
    assert writes() - before <= 5


@pytest.mark.basalt_only  # two workers
def test_grouped_sets_are_ordered_with_other_clients_incr(start_server):
    server = start_server(workers=2)
    # Client A pipelines "SET key 0" runs while client B increments the same
    # keys one at a time: every INCR either sees a SET's 0 or a later value,
    # and after a final SET round plus N INCRs each key equals N exactly.
    keys = [f"ctr{i}" for i in range(40)]
    stop = threading.Event()
    errors = []

    def setter():
        with server.raw() as a:
            while not stop.is_set():
                reps = pipeline(a, *[("SET", k, "0") for k in keys])
                if reps != [b"OK"] * len(keys):
                    errors.append(reps)

    def incrementer():
        with server.raw() as b:
            rnd = random.Random(1)
            for _ in range(300):
                ks = rnd.sample(keys, 8)
                reps = pipeline(b, *[("INCR", k) for k in ks])
                if not all(isinstance(x, int) and x >= 1 for x in reps):
                    errors.append(reps)

    threads = [threading.Thread(target=setter), threading.Thread(target=incrementer),
               threading.Thread(target=incrementer)]
    for t in threads:
        t.start()
    for t in threads[1:]:
        t.join(60)
    stop.set()
    threads[0].join(60)
    assert not any(t.is_alive() for t in threads), "deadlock"
    assert not errors
    with server.raw() as c:
        assert pipeline(c, *[("SET", k, "0") for k in keys]) == [b"OK"] * len(keys)
        pipeline(c, *[("INCR", k) for k in keys for _ in range(3)])
        assert pipeline(c, ("MGET", *keys))[0] == [b"3"] * len(keys)


@pytest.mark.basalt_only  # two workers
def test_overlapping_groups_on_two_connections_do_not_deadlock(start_server):
    server = start_server(workers=2)
    # Two pipelining clients (one per worker: connections go round-robin)
    # write the same keys in opposite orders, with MSETs across them.
    keys = [f"o{i}" for i in range(200)]

    def writer(order, seed):
        rnd = random.Random(seed)
        with server.raw() as c:
            for _ in range(40):
                cmds = [("SET", k, str(seed)) for k in order]
                cmds.append(("MSET", *[x for k in rnd.sample(keys, 20) for x in (k, "m")]))
                assert pipeline(c, *cmds) == [b"OK"] * len(cmds)

    threads = [threading.Thread(target=writer, args=(keys, 1)),
               threading.Thread(target=writer, args=(keys[::-1], 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "deadlock"
    assert server.client().ping()
