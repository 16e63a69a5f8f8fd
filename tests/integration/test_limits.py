"""Each configurable limit at its edge: maxclients, proto-max-bulk-len,
client-query-buffer-limit, client-output-buffer-limit (hard and soft) and
timeout.  "At the edge" means the largest thing allowed passes and the
smallest thing over it is refused."""

import socket
import time

import pytest

from harness import error_of, parse_info, report
from resp_client import RespError

MAX_CLIENTS_REACHED = RespError("ERR max number of clients reached")


def info_stats(client):
    return parse_info(client.execute("INFO", "stats"))["stats"]


def used_memory(client):
    return int(parse_info(client.execute("INFO", "memory"))["memory"]["used_memory"])


def bulk_reply_len(n):
    """Bytes of the RESP reply to GET of an n-byte value."""
    return len(b"$%d\r\n" % n) + n + 2


def wait_for_free_slot(srv, timeout=3.0):
    """A closed connection is released by the server a moment later."""
    deadline = time.monotonic() + timeout
    while True:
        client = srv.raw()
        reply = client.call("PING")
        if reply == b"PONG":
            return client
        client.close()
        assert reply == MAX_CLIENTS_REACHED and time.monotonic() < deadline, reply
        time.sleep(0.05)


# -- maxclients -------------------------------------------------------------------


def test_maxclients_lowered_at_run_time(start_server):
    srv = start_server()
    admin = wait_for_free_slot(srv)
    others = []
    try:
        assert admin.execute("CONFIG", "SET", "maxclients", "3") == b"OK"
        others = [wait_for_free_slot(srv) for _ in range(2)]  # 3 clients: at the limit
        with srv.raw() as over:  # the 4th
            assert over.read_reply() == MAX_CLIENTS_REACHED
            assert over.is_closed()
        assert admin.execute("PING") == b"PONG"  # those already in are kept
        rejected = int(info_stats(admin)["rejected_connections"])
        assert rejected >= 1
        assert admin.execute("CONFIG", "SET", "maxclients", "4") == b"OK"
        others.append(wait_for_free_slot(srv))  # now the 4th fits
    finally:
        for client in others + [admin]:
            client.close()


# -- proto-max-bulk-len -----------------------------------------------------------


def test_proto_max_bulk_len_set_at_run_time(start_server):
    srv = start_server()
    limit = 1024 * 1024
    with srv.raw() as admin:
        assert admin.execute("CONFIG", "SET", "proto-max-bulk-len", "1mb") == b"OK"
        assert admin.execute("CONFIG", "GET", "proto-max-bulk-len") == [b"proto-max-bulk-len", b"1048576"]
    with srv.raw() as client:
        assert client.execute("SET", "edge", b"y" * limit) == b"OK"
        client.send(b"*3\r\n$3\r\nSET\r\n$4\r\nedge\r\n$%d\r\n" % (limit + 1))
        assert client.read_reply() == RespError("ERR Protocol error: invalid bulk length")
        assert client.is_closed()


# -- client-query-buffer-limit ----------------------------------------------------


@pytest.mark.basalt_only  # Redis lets a single big argument past this limit
def test_query_buffer_limit_edge(start_server):
    limit = 1024 * 1024
    srv = start_server(client_query_buffer_limit=limit, proto_max_bulk_len="4mb")
    header = b"*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$%d\r\n" % (2 * limit)
    # Exactly `limit` bytes of an unfinished request are kept...
    with srv.raw() as client:
        client.send(header + b"a" * (limit - len(header)))
        assert not client.is_closed(timeout=0.5)
        # ...and the connection is closed once one more byte arrives.
        client.send(b"a")
        reply = client.read_reply()
        assert reply == RespError("ERR Protocol error: query buffer limit exceeded"), reply
        assert client.is_closed()
    with srv.raw() as client:
        assert int(info_stats(client)["client_query_buffer_limit_disconnections"]) == 1
        # A request that completes within the limit is served.
        value = b"b" * (limit - 100)
        assert client.execute("SET", "q", value) == b"OK"
        assert client.execute("STRLEN", "q") == len(value)


# -- client-output-buffer-limit ---------------------------------------------------


def test_output_buffer_limit_config_get_set(start_server):
    srv = start_server()
    with srv.raw() as c:
        assert c.execute("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 512kb 10") == b"OK"
        value = c.execute("CONFIG", "GET", "client-output-buffer-limit")[1]
        assert value == b"normal 1048576 524288 10 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
        # Naming one class leaves the others as they were.
        assert c.execute("CONFIG", "SET", "client-output-buffer-limit", "replica 1 2 3") == b"OK"
        value = c.execute("CONFIG", "GET", "client-output-buffer-limit")[1]
        assert value == b"normal 1048576 524288 10 slave 1 2 3 pubsub 33554432 8388608 60"
        for bad, why in [("normal 1 2", "Wrong number of arguments"),
                         ("master 1 2 3", "Invalid client class"),
                         ("normal 1x 2 3", "Error in hard, soft or soft_seconds")]:
            message = error_of(c, "CONFIG", "SET", "client-output-buffer-limit", bad)
            assert "client-output-buffer-limit" in message and why in message, message
        assert c.execute("CONFIG", "GET", "client-output-buffer-limit")[1] == value


@pytest.mark.basalt_only  # Redis does not count its 16 KiB reply buffer
def test_output_hard_limit_edge_on_a_single_reply(start_server):
    hard = 100_000
    srv = start_server(client_output_buffer_limit=f"normal {hard} 0 0")
    with srv.raw() as c:
        fits = hard  # the value whose reply is exactly `hard` bytes
        while bulk_reply_len(fits) > hard:
            fits -= 1
        assert bulk_reply_len(fits) == hard
        c.execute("SET", "fits", b"f" * fits)
        c.execute("SET", "over", b"o" * (fits + 1))
        assert c.execute("GET", "fits") == b"f" * fits
        c.send_command("GET", "over")  # one byte over: closed, nothing written
        assert c.is_closed()
    with srv.raw() as c:
        assert int(info_stats(c)["client_output_buffer_limit_disconnections"]) == 1


@pytest.mark.basalt_only
def test_output_hard_limit_caps_a_reply_while_it_is_built(start_server):
    # LRANGE of a 4 MB list with a 256 KiB limit: the reply stops growing at
    # the limit and the client is closed; others carry on.
    srv = start_server(client_output_buffer_limit="normal 256kb 0 0")
    with srv.raw() as c:
        element = b"e" * 1000
        for _ in range(8):
            c.execute("RPUSH", "big", *([element] * 500))
        assert c.execute("LLEN", "big") == 4000
        assert len(c.execute("LRANGE", "big", 0, 199)) == 200  # 200 KB: under the limit
        c.send_command("LRANGE", "big", 0, -1)
        assert c.is_closed()
    with srv.raw() as c:
        assert c.execute("LLEN", "big") == 4000


@pytest.mark.basalt_only
def test_a_client_that_never_reads_is_disconnected_at_the_hard_limit(start_server):
    hard = 512 * 1024
    srv = start_server(client_output_buffer_limit=f"normal {hard} 0 0")
    with srv.raw() as c:
        value = b"x" * (64 * 1024)
        c.execute("SET", "big", value)
        before = used_memory(c)
    sock = socket.create_connection(("127.0.0.1", srv.port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    try:
        # 2000 GETs = 131 MB of replies, never read.
        sock.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 2000)
        deadline = time.monotonic() + 10
        closed = False
        peak = before
        with srv.raw() as c:
            while time.monotonic() < deadline and not closed:
                peak = max(peak, used_memory(c))
                closed = int(info_stats(c)["client_output_buffer_limit_disconnections"]) == 1
                time.sleep(0.01)
        assert closed
    finally:
        sock.close()
    with srv.raw() as c:
        # The replies never piled up beyond the limit (plus allocator slack).
        report(f"output limit {hard} B: a client sent 2000 GETs of 64 KiB and read nothing; "
               f"used_memory peaked {peak - before:+d} B over the start before it was closed")
        assert peak - before < 8 * 1024 * 1024
        assert c.execute("GET", "big") == value


@pytest.mark.basalt_only
def test_output_soft_limit_needs_its_seconds(start_server):
    srv = start_server(client_output_buffer_limit="normal 0 100kb 2")
    with srv.raw() as c:
        c.execute("SET", "v", b"v" * (64 * 1024))
    # A client over the soft limit that catches up in time stays connected.
    with srv.raw() as reader:
        reader.send(b"*2\r\n$3\r\nGET\r\n$1\r\nv\r\n" * 4)  # 256 KiB pending
        time.sleep(1.0)
        assert reader.read_replies(4) == [b"v" * (64 * 1024)] * 4
        assert reader.execute("PING") == b"PONG"
    # One that stays over it is closed after soft-seconds, not before.
    sock = socket.create_connection(("127.0.0.1", srv.port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    try:
        start = time.monotonic()
        sock.sendall(b"*2\r\n$3\r\nGET\r\n$1\r\nv\r\n" * 200)
        time.sleep(1.2)
        with srv.raw() as c:
            assert int(info_stats(c)["client_output_buffer_limit_disconnections"]) == 0
        while time.monotonic() - start < 6:
            with srv.raw() as c:
                if int(info_stats(c)["client_output_buffer_limit_disconnections"]) == 1:
                    break
            time.sleep(0.1)
        elapsed = time.monotonic() - start
        assert 2.0 <= elapsed < 4.5, elapsed
    finally:
        sock.close()


# -- timeout ----------------------------------------------------------------------


def test_timeout_edge(start_server):
    srv = start_server(timeout=2)
    with srv.raw() as idle, srv.raw() as busy:
        idle.execute("PING")
        start = time.monotonic()
        closed_at = None
        while time.monotonic() - start < 5 and closed_at is None:
            assert busy.execute("PING") == b"PONG"  # used every 0.2 s: never idle
            if idle.is_closed(timeout=0.2):
                closed_at = time.monotonic() - start
        # The worker checks once a second: closed after 2 s idle, within ~1 s more.
        assert closed_at is not None and 2.0 <= closed_at < 3.6, closed_at
        assert busy.execute("PING") == b"PONG"
    with srv.raw() as c:
        assert c.execute("CONFIG", "SET", "timeout", "0") == b"OK"
        time.sleep(2.5)
        assert c.execute("PING") == b"PONG"  # 0 = never


def test_timeout_spares_blocked_clients(start_server):
    # Before the fix, BLPOP ... 0 was closed after `timeout` seconds.
    srv = start_server(timeout=1)
    with srv.raw() as blocked:
        blocked.send_command("BLPOP", "queue", 0)
        time.sleep(2.6)
        with srv.raw() as pusher:
            assert pusher.execute("RPUSH", "queue", "job") == 1
        assert blocked.read_reply() == [b"queue", b"job"]


def test_timeout_spares_a_client_reading_a_long_reply(start_server):
    # Writing to a client counts as interaction, as in Redis; before the
    # fix only reads did, so a slow reader of a big reply was cut off.
    size = 12 << 20  # well over what the kernel's socket buffers hold (~4 MiB)
    srv = start_server(timeout=1)
    with srv.raw() as c:
        c.execute("SET", "big", b"z" * size)
    sock = socket.create_connection(("127.0.0.1", srv.port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 256 * 1024)
    try:
        sock.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n")
        expected = b"$%d\r\n" % size + b"z" * size + b"\r\n"
        got = bytearray()
        start = time.monotonic()
        sock.settimeout(5)
        while len(got) < len(expected):  # at most ~2.5 MB/s: about 5 s in all
            chunk = sock.recv(256 * 1024)
            assert chunk, f"closed after {time.monotonic() - start:.1f}s and {len(got)} bytes"
            got += chunk
            time.sleep(0.1)
        assert time.monotonic() - start > 3  # slower than the timeout
        assert bytes(got) == expected
    finally:
        sock.close()
