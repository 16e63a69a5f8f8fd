"""Wire protocol: inline commands, pipelining, fragmentation, RESP3, errors."""

import subprocess
import threading
import time

import pytest

from resp_client import RespError, RespMap, encode_command

PROTOCOL_ERROR = "-ERR Protocol error"


def assert_server_healthy(server):
    """A fresh connection still gets correct answers."""
    with server.raw() as client:
        assert client.execute("PING") == b"PONG"
        assert client.execute("SET", "health", "ok") == b"OK"
        assert client.execute("GET", "health") == b"ok"


def send_slowly(client, data, chunk=1, pause=0.0005):
    for i in range(0, len(data), chunk):
        client.send(data[i:i + chunk])
        time.sleep(pause)


# -- inline commands -------------------------------------------------------------


def test_inline_ping(resp):
    resp.send(b"PING\r\n")
    assert resp.read_raw_reply() == b"+PONG\r\n"


def test_inline_set_get(resp):
    resp.send(b"SET a b\r\nGET a\r\n")
    assert resp.read_raw_reply() == b"+OK\r\n"
    assert resp.read_raw_reply() == b"$1\r\nb\r\n"


@pytest.mark.parametrize("line, key, value", [
    (b'SET "a b" "c d"\r\n', b"a b", b"c d"),
    (b"SET 'single quoted' 'x y'\r\n", b"single quoted", b"x y"),
    (b'SET "esc" "line\\nbreak\\x41"\r\n', b"esc", b"line\nbreakA"),
    (b'SET empty ""\r\n', b"empty", b""),
    (b"SET   spaced    out  \r\n", b"spaced", b"out"),
    (b"SET lf-only v\n", b"lf-only", b"v"),
])
def test_inline_quoting(resp, line, key, value):
    resp.send(line)
    assert resp.read_reply() == b"OK"
    assert resp.execute("GET", key) == value


def test_inline_empty_lines_are_ignored(resp):
    resp.send(b"\r\n\r\nPING\r\n")
    assert resp.read_raw_reply() == b"+PONG\r\n"


def test_inline_unbalanced_quotes(server):
    with server.raw() as client:
        client.send(b'SET "a b\r\n')
        assert client.read_raw_reply() == (
            b"-ERR Protocol error: unbalanced quotes in request\r\n")
        assert client.is_closed()
    assert_server_healthy(server)


def test_inline_and_multibulk_mixed(resp):
    resp.send(b"SET k 1\r\n" + encode_command("INCR", "k") + b"GET k\r\n")
    assert resp.read_replies(3) == [b"OK", 2, b"2"]


# -- pipelining and fragmentation ------------------------------------------------


def test_pipeline_10000_commands_in_one_send(resp):
    commands, expected = [], []
    for i in range(10_000):
        kind = i % 4
        if kind == 0:
            commands.append(encode_command("SET", f"k{i % 100}", f"v{i}"))
            expected.append(b"OK")
        elif kind == 1:
            commands.append(encode_command("GET", f"k{(i - 1) % 100}"))
            expected.append(f"v{i - 1}".encode())
        elif kind == 2:
            commands.append(encode_command("INCR", "counter"))
            expected.append(i // 4 + 1)
        else:
            commands.append(b"PING\r\n")
            expected.append(b"PONG")
    payload = b"".join(commands)
    # Send from a thread so a full socket buffer cannot deadlock the test.
    sender = threading.Thread(target=resp.send, args=(payload,))
    sender.start()
    replies = resp.read_replies(len(expected))
    sender.join(30)
    assert replies == expected


def test_pipeline_with_errors_keeps_order(resp):
    resp.send(encode_command("SET", "a", "1") + encode_command("NOSUCH") +
              encode_command("GET") + encode_command("INCR", "a") +
              encode_command("SET", "s", "x") + encode_command("INCR", "s") +
              encode_command("GET", "a"))
    replies = resp.read_replies(7)
    assert replies[0] == b"OK"
    assert replies[1] == RespError("ERR unknown command 'NOSUCH', with args beginning with: ")
    assert replies[2] == RespError("ERR wrong number of arguments for 'get' command")
    assert replies[3:5] == [2, b"OK"]
    assert replies[5] == RespError("ERR value is not an integer or out of range")
    assert replies[6] == b"2"


def test_command_split_byte_by_byte(resp):
    send_slowly(resp, encode_command("SET", "split", "hello world"))
    assert resp.read_reply() == b"OK"
    send_slowly(resp, b"GET split\r\n")
    assert resp.read_reply() == b"hello world"


def test_large_value_split_in_chunks(resp):
    value = bytes(range(256)) * 1024
    send_slowly(resp, encode_command("SET", "big", value), chunk=4093, pause=0)
    assert resp.read_reply() == b"OK"
    assert resp.execute("GET", "big") == value


def test_pipeline_split_at_every_boundary(resp):
    payload = encode_command("SET", "x", "1") + encode_command("INCRBY", "x", "41") + \
        encode_command("GET", "x")
    for cut in range(1, len(payload)):
        resp.send(payload[:cut])
        time.sleep(0.0005)
        resp.send(payload[cut:])
        assert resp.read_replies(3) == [b"OK", 42, b"42"]


# -- RESP3 -----------------------------------------------------------------------


def test_resp3_hello_is_a_map(server):
    with server.raw() as client:
        client.send_command("HELLO", "3")
        raw = client.read_raw_reply()
        assert raw.startswith(b"%")


def test_resp3_null(r3):
    r3.send_command("GET", "missing")
    assert r3.read_raw_reply() == b"_\r\n"
    r3.execute("SET", "a", "1")
    r3.send_command("MGET", "a", "missing")
    assert r3.read_raw_reply() == b"*2\r\n$1\r\n1\r\n_\r\n"


def test_resp2_null(resp):
    resp.send_command("GET", "missing")
    assert resp.read_raw_reply() == b"$-1\r\n"
    resp.send_command("MGET", "missing")
    assert resp.read_raw_reply() == b"*1\r\n$-1\r\n"


def test_resp3_config_get_is_a_map(r3, server):
    r3.send_command("CONFIG", "GET", "port")
    port = str(server.port).encode()
    assert r3.read_raw_reply() == b"%1\r\n$4\r\nport\r\n" + b"$%d\r\n%s\r\n" % (len(port), port)


def test_resp3_scalar_types(r3):
    r3.send_command("INCR", "n")
    assert r3.read_raw_reply() == b":1\r\n"
    r3.send_command("SET", "s", "v")
    assert r3.read_raw_reply() == b"+OK\r\n"
    r3.send_command("INCRBYFLOAT", "f", "1.5")
    assert r3.read_raw_reply() == b"$3\r\n1.5\r\n"
    r3.send_command("GET", "s")
    assert r3.read_raw_reply() == b"$1\r\nv\r\n"
    assert isinstance(r3.execute("HELLO"), RespMap)


def test_resp3_error_format(r3):
    r3.send_command("GET")
    assert r3.read_raw_reply() == b"-ERR wrong number of arguments for 'get' command\r\n"


# -- broken protocol -------------------------------------------------------------


BROKEN_REQUESTS = [
    (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*9223372036854775808\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*2147483648\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\r\n$-5\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$abc\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$-1\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$600000000\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\nPING\r\n", b"-ERR Protocol error: expected '$', got 'P'\r\n"),
]


@pytest.mark.parametrize("payload, message", BROKEN_REQUESTS,
                         ids=[repr(p)[2:-1].replace("\\r\\n", "|") for p, _ in BROKEN_REQUESTS])
def test_broken_protocol_closes_connection(server, payload, message):
    with server.raw() as client:
        client.send(payload)
        assert client.read_raw_reply() == message
        assert client.is_closed()
    assert_server_healthy(server)


@pytest.mark.basalt_only
@pytest.mark.parametrize("payload", [
    b"*1\r\n$4\r\nPINGxx",
    b"*1\r\n$4\r\nPING\r\r\n",
    b"*2\r\n$3\r\nGET\r\n$1\r\nkXY*1\r\n$4\r\nPING\r\n",
], ids=["junk-instead-of-crlf", "cr-cr-lf", "junk-then-next-command"])
def test_missing_crlf_after_bulk_data(server, payload):
    """Redis skips the two bytes after a bulk payload unchecked; Basalt rejects them."""
    with server.raw() as client:
        client.send(payload)
        reply = client.read_raw_reply()
        assert reply.startswith(PROTOCOL_ERROR.encode()), reply
        assert client.is_closed()
    assert_server_healthy(server)


def test_bulk_over_proto_max_bulk_len(start_server):
    limit = 1024 * 1024  # the smallest value Redis 7 accepts
    srv = start_server(proto_max_bulk_len=limit)
    with srv.raw() as client:
        value = b"x" * limit
        assert client.execute("SET", "at-limit", value) == b"OK"
        assert client.execute("STRLEN", "at-limit") == limit
        client.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n" % (limit + 1))
        assert client.read_raw_reply() == b"-ERR Protocol error: invalid bulk length\r\n"
        assert client.is_closed()
    assert_server_healthy(srv)


def test_client_disconnecting_mid_command(server):
    for payload in (b"*3\r\n$3\r\nSET\r\n$1\r\nk", b"*2\r\n$3\r\nGET\r\n$100\r\nabc", b"PIN"):
        client = server.raw()
        client.send(payload)
        client.close()
    assert_server_healthy(server)


def test_many_connections(server):
    clients = [server.raw() for _ in range(100)]
    try:
        for i, client in enumerate(clients):
            client.send_command("SET", f"conn{i}", i)
        for client in clients:
            assert client.read_reply() == b"OK"
        for i, client in enumerate(clients):
            assert client.execute("GET", f"conn{i}") == str(i).encode()
    finally:
        for client in clients:
            client.close()


# -- redis-cli ---------------------------------------------------------------------


def redis_cli(server, *args, stdin=None):
    result = subprocess.run(["redis-cli", "-p", str(server.port), *args], input=stdin,
                            capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_redis_cli(server, r):
    assert redis_cli(server, "set", "a", "b") == b"OK\n"
    assert redis_cli(server, "get", "a") == b"b\n"
    assert redis_cli(server, "--no-raw", "get", "missing") == b"(nil)\n"
    assert redis_cli(server, "incr", "n") == b"1\n"
    assert r.get("a") == b"b"


def test_redis_cli_piped_commands(server, r):
    out = redis_cli(server, stdin=b"set x 1\nincrby x 9\nget x\n")
    assert out.split() == [b"OK", b"10", b"10"]


def test_redis_cli_resp3(server):
    assert redis_cli(server, "-3", "get", "missing") == b"\n"
    assert redis_cli(server, "-3", "--no-raw", "get", "missing") == b"(nil)\n"
