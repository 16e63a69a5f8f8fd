"""Connection, server and admin commands; persistence; startup errors."""

import re
import signal
import time

import pytest

from harness import TARGET, NOT_INTEGER, error_of, join_args, parse_info, run_until_exit, wrong_arity
from resp_client import RespError, RespMap


def flat_pairs(items):
    """[k1, v1, k2, v2, ...] -> {k1: v1, ...}"""
    return dict(zip(items[0::2], items[1::2]))


def config_get(client, pattern):
    return flat_pairs(client.execute_command("CONFIG", "GET", pattern))


def info(client, *sections):
    return parse_info(client.execute_command("INFO", *sections))


def client_list(client):
    """CLIENT LIST -> list of {field: value} (str), one per connection."""
    text = client.execute_command("CLIENT", "LIST").decode()
    return [dict(field.split("=", 1) for field in line.split(" ") if "=" in field)
            for line in text.splitlines() if line]


def local_addr(raw):
    host, port = raw.sock.getsockname()[:2]
    return f"{host}:{port}"


# -- PING / ECHO / QUIT / RESET --------------------------------------------


def test_ping(r, resp):
    assert r.ping() == b"PONG"
    assert resp.call("PING") == b"PONG"
    assert r.execute_command("PING", "hello world") == b"hello world"
    assert r.execute_command("PING", b"\x00bin") == b"\x00bin"
    assert error_of(r, "PING", "a", "b") == wrong_arity("ping")


def test_ping_wire_format(resp):
    resp.send_command("PING")
    assert resp.read_raw_reply() == b"+PONG\r\n"
    resp.send_command("PING", "hi")
    assert resp.read_raw_reply() == b"$2\r\nhi\r\n"


def test_echo(r):
    assert r.echo("hello") == b"hello"
    assert r.echo(b"") == b""
    assert r.echo(b"a\x00b\r\n") == b"a\x00b\r\n"
    assert error_of(r, "ECHO") == wrong_arity("echo")
    assert error_of(r, "ECHO", "a", "b") == wrong_arity("echo")


def test_quit_replies_ok_and_closes(server):
    with server.raw() as client:
        client.send_command("QUIT")
        assert client.read_raw_reply() == b"+OK\r\n"
        assert client.is_closed()


def test_reset(server):
    with server.raw() as client:
        client.execute("CLIENT", "SETNAME", "before-reset")
        client.hello(3)
        client.send_command("RESET")
        assert client.read_raw_reply() == b"+RESET\r\n"
        assert client.execute("CLIENT", "GETNAME") is None
        client.send_command("GET", "missing")
        assert client.read_raw_reply() == b"$-1\r\n", "RESET goes back to RESP2"


# -- HELLO --------------------------------------------------------------------


def check_hello_fields(reply, proto):
    assert {b"server", b"version", b"proto", b"id", b"mode", b"role",
            b"modules"} <= set(reply)
    assert reply[b"proto"] == proto
    assert isinstance(reply[b"id"], int) and reply[b"id"] > 0
    assert reply[b"mode"] == b"standalone"
    assert reply[b"role"] == b"master"
    assert reply[b"modules"] == []
    assert re.fullmatch(rb"\d+\.\d+\.\d+.*", reply[b"version"])


def test_hello_2(r):
    reply = flat_pairs(r.execute_command("HELLO", 2))
    check_hello_fields(reply, 2)
    assert reply[b"id"] == r.execute_command("CLIENT", "ID")


def test_hello_3_returns_a_map(resp):
    reply = resp.execute("HELLO", "3")
    assert isinstance(reply, RespMap)
    check_hello_fields(reply, 3)


def test_hello_without_arguments_keeps_protocol(resp):
    check_hello_fields(flat_pairs(resp.execute("HELLO")), 2)
    resp.hello(3)
    check_hello_fields(resp.execute("HELLO"), 3)


def test_hello_setname(resp):
    resp.execute("HELLO", "3", "SETNAME", "via-hello")
    assert resp.execute("CLIENT", "GETNAME") == b"via-hello"


@pytest.mark.parametrize("args, message", [
    (["4"], "NOPROTO unsupported protocol version"),
    (["1"], "NOPROTO unsupported protocol version"),
    (["abc"], "ERR Protocol version is not an integer or out of range"),
    (["3", "AUTH"], "ERR Syntax error in HELLO option 'AUTH'"),
    (["3", "foo"], "ERR Syntax error in HELLO option 'foo'"),
], ids=join_args)
def test_hello_errors(resp, args, message):
    assert error_of(resp, "HELLO", *args) == message
    resp.send_command("GET", "missing")
    assert resp.read_raw_reply() == b"$-1\r\n", "a failed HELLO keeps RESP2"


# -- AUTH -------------------------------------------------------------------------

NOAUTH = "NOAUTH Authentication required."
WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled."


def test_auth_without_requirepass(r):
    assert error_of(r, "AUTH", "x") == (
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?")


def test_requirepass(start_server):
    srv = start_server(requirepass="s3cret")
    with srv.raw() as client:
        assert error_of(client, "GET", "a") == NOAUTH
        if TARGET == "redis":
            assert error_of(client, "PING") == NOAUTH
        else:  # Basalt answers PING before AUTH, for health checks
            assert client.execute("PING") == b"PONG"
        assert error_of(client, "AUTH", "wrong") == WRONGPASS
        assert error_of(client, "AUTH", "default", "wrong") == WRONGPASS
        assert error_of(client, "AUTH", "a", "b", "c") == "ERR syntax error"
        assert error_of(client, "GET", "a") == NOAUTH
        assert client.execute("AUTH", "s3cret") == b"OK"
        assert client.execute("SET", "a", "1") == b"OK"
    with srv.raw() as client:
        assert client.execute("AUTH", "default", "s3cret") == b"OK"
        assert client.execute("GET", "a") == b"1"
    assert srv.client(password="s3cret").get("a") == b"1"


def test_hello_auth(start_server):
    srv = start_server(requirepass="s3cret")
    with srv.raw() as client:
        assert error_of(client, "HELLO", "3").startswith("NOAUTH HELLO must be called with the "
                                                         "client already authenticated")
        assert error_of(client, "HELLO", "3", "AUTH", "default", "bad") == WRONGPASS
        reply = client.execute("HELLO", "3", "AUTH", "default", "s3cret")
        assert reply[b"proto"] == 3
        client.send_command("GET", "missing")
        assert client.read_raw_reply() == b"_\r\n"


# -- SELECT -----------------------------------------------------------------------


def test_select_0(r):
    assert r.execute_command("SELECT", 0) == b"OK"
    assert error_of(r, "SELECT", "abc") == NOT_INTEGER


@pytest.mark.basalt_only
@pytest.mark.parametrize("index", ["1", "15", "16", "-1"])
def test_select_other_db_is_an_error(r, index):
    assert error_of(r, "SELECT", index).startswith("ERR DB index is out of range")
    r.set("k", "v")
    assert r.get("k") == b"v", "the connection stays on db 0"


# -- CLIENT -----------------------------------------------------------------------


def test_client_id_is_unique_and_increasing(server, r):
    first = r.execute_command("CLIENT", "ID")
    with server.raw() as a, server.raw() as b:
        ids = [a.execute("CLIENT", "ID"), b.execute("CLIENT", "ID")]
    assert isinstance(first, int) and first > 0
    assert first < ids[0] < ids[1]


def test_client_setname_getname(r):
    assert r.execute_command("CLIENT", "GETNAME") is None
    assert r.execute_command("CLIENT", "SETNAME", "worker-1") == b"OK"
    assert r.execute_command("CLIENT", "GETNAME") == b"worker-1"
    assert r.execute_command("CLIENT", "SETNAME", "") == b"OK"
    assert r.execute_command("CLIENT", "GETNAME") is None


@pytest.mark.parametrize("name", ["a b", "a\nb", "tab\there"])
def test_client_setname_rejects_spaces(r, name):
    assert error_of(r, "CLIENT", "SETNAME", name) == (
        "ERR Client names cannot contain spaces, newlines or special characters.")


def test_client_list_and_info(server, r):
    r.execute_command("CLIENT", "SETNAME", "lister")
    my_id = r.execute_command("CLIENT", "ID")
    with server.raw() as other:
        other_id = other.execute("CLIENT", "ID")
        entries = {int(e["id"]): e for e in client_list(r)}
        assert {my_id, other_id} <= set(entries)
        assert entries[my_id]["name"] == "lister"
        assert entries[other_id]["addr"] == local_addr(other)
        assert entries[my_id]["addr"].startswith("127.0.0.1:")
        assert entries[my_id]["cmd"] == "client|list"
    me = r.execute_command("CLIENT", "INFO").decode()
    assert me.endswith("\n") and me.count("\n") == 1
    assert me.startswith(f"id={my_id} addr=127.0.0.1:")
    assert " name=lister " in me


def test_client_kill_by_id(server, r):
    with server.raw() as victim:
        victim_id = victim.execute("CLIENT", "ID")
        assert r.execute_command("CLIENT", "KILL", "ID", victim_id) == 1
        assert victim.is_closed()
    assert r.execute_command("CLIENT", "KILL", "ID", victim_id) == 0


def test_client_kill_by_addr(server, r):
    with server.raw() as victim:
        victim.execute("PING")
        assert r.execute_command("CLIENT", "KILL", "ADDR", local_addr(victim)) == 1
        assert victim.is_closed()
    with server.raw() as victim:
        victim.execute("PING")
        assert r.execute_command("CLIENT", "KILL", local_addr(victim)) == b"OK"
        assert victim.is_closed()


def test_client_kill_errors(r):
    assert r.execute_command("CLIENT", "KILL", "ADDR", "1.2.3.4:5") == 0
    assert error_of(r, "CLIENT", "KILL", "1.2.3.4:5") == "ERR No such client"
    assert error_of(r, "CLIENT", "KILL", "ID", "abc") == "ERR client-id should be greater than 0"
    assert error_of(r, "CLIENT", "KILL") == wrong_arity("client|kill")
    assert error_of(r, "CLIENT", "Foo") == "ERR unknown subcommand 'Foo'. Try CLIENT HELP."


@pytest.mark.basalt_only
def test_client_setinfo(r):
    """Redis 7.2 command; Redis 7.0.15 lacks it."""
    assert r.execute_command("CLIENT", "SETINFO", "lib-name", "redis-py") == b"OK"
    assert r.execute_command("CLIENT", "SETINFO", "lib-ver", "4.3.4") == b"OK"
    me = r.execute_command("CLIENT", "INFO").decode()
    assert " lib-name=redis-py " in me and " lib-ver=4.3.4" in me
    assert error_of(r, "CLIENT", "SETINFO", "lib-foo", "x").startswith("ERR")


# -- INFO ----------------------------------------------------------------------------

DEFAULT_SECTIONS = {"server", "clients", "memory", "persistence", "stats", "keyspace"}


def test_info_default_sections(r):
    sections = info(r)
    assert DEFAULT_SECTIONS <= set(sections)
    assert "commandstats" not in sections
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", sections["server"]["redis_version"])
    assert int(sections["server"]["tcp_port"]) > 0
    assert int(sections["clients"]["connected_clients"]) >= 1
    assert int(sections["memory"]["used_memory"]) > 0
    assert "total_commands_processed" in sections["stats"]


@pytest.mark.parametrize("section", sorted(DEFAULT_SECTIONS | {"commandstats"}))
def test_info_single_section(r, section):
    sections = info(r, section.upper())
    assert list(sections) == [section]


def test_info_everything_and_all(r):
    r.set("k", "v")
    for arg in ("everything", "all"):
        sections = info(r, arg)
        assert DEFAULT_SECTIONS | {"commandstats"} <= set(sections)
        assert sections["commandstats"]["cmdstat_set"].startswith("calls=")


def test_info_keyspace(r):
    assert info(r, "keyspace")["keyspace"] == {}
    r.mset({"a": 1, "b": 2, "c": 3})
    r.expire("a", 100)
    line = info(r, "keyspace")["keyspace"]["db0"]
    assert re.match(r"keys=3,expires=1(,|$)", line), line


def test_info_commandstats_counts_calls(r):
    r.execute_command("CONFIG", "RESETSTAT")
    for _ in range(3):
        r.get("x")
    stats = info(r, "commandstats")["commandstats"]
    assert stats["cmdstat_get"].startswith("calls=3,")


@pytest.mark.basalt_only
def test_info_basalt_fields(r):
    sections = info(r, "everything")
    assert "basalt_version" in sections["server"]
    assert "rocksdb" in sections
    assert info(r, "rocksdb").keys() == {"rocksdb"}


# -- TIME / LASTSAVE -------------------------------------------------------------------


def test_time(r):
    seconds, micros = r.execute_command("TIME")
    assert abs(int(seconds) - time.time()) < 5
    assert 0 <= int(micros) < 1_000_000


def test_lastsave(r):
    value = r.execute_command("LASTSAVE")
    assert isinstance(value, int) and 0 < value <= time.time() + 5


# -- SLOWLOG -----------------------------------------------------------------------------


def test_slowlog(start_server):
    srv = start_server(slowlog_log_slower_than=0, slowlog_max_len=5)
    client = srv.client()
    client.execute_command("SLOWLOG", "RESET")
    client.execute_command("CLIENT", "SETNAME", "slowpoke")
    client.set("foo", "bar")
    assert client.execute_command("SLOWLOG", "LEN") >= 2
    entries = client.execute_command("SLOWLOG", "GET", 10)
    by_command = {(entry[3][0].lower(), *entry[3][1:]): entry for entry in entries}
    entry = by_command[(b"set", b"foo", b"bar")]
    entry_id, timestamp, duration, args, addr, name = entry
    assert isinstance(entry_id, int) and isinstance(duration, int) and duration >= 0
    assert abs(timestamp - time.time()) < 10
    assert addr.startswith(b"127.0.0.1:")
    assert name == b"slowpoke"
    assert entries[0][0] > entries[-1][0], "newest entry first"

    for i in range(10):
        client.set(f"k{i}", i)
    assert client.execute_command("SLOWLOG", "LEN") == 5, "slowlog-max-len caps it"
    assert len(client.execute_command("SLOWLOG", "GET", 2)) == 2

    assert client.execute_command("SLOWLOG", "RESET") == b"OK"
    remaining = client.execute_command("SLOWLOG", "GET")
    # Redis logs the RESET itself once it has run.
    assert all(entry[3][0].lower() == b"slowlog" for entry in remaining)
    assert error_of(client, "SLOWLOG", "foo") == "ERR unknown subcommand 'foo'. Try SLOWLOG HELP."
    client.close()


# -- CONFIG ---------------------------------------------------------------------------------


def test_config_get(server, r):
    ports = config_get(r, "*port*")
    assert ports[b"port"] == str(server.port).encode()
    assert all(b"port" in key for key in ports)
    assert config_get(r, "port") == {b"port": str(server.port).encode()}
    assert config_get(r, "no-such-option") == {}
    both = flat_pairs(r.execute_command("CONFIG", "GET", "port", "bind"))
    assert both[b"bind"] == b"127.0.0.1"
    assert b"port" in both
    assert error_of(r, "CONFIG", "GET") == wrong_arity("config|get")


def test_config_get_dir(server, r):
    assert config_get(r, "dir")[b"dir"] == str(server.dir).encode()


@pytest.mark.parametrize("key, value", [
    ("timeout", "17"),
    ("maxclients", "500"),
    ("slowlog-log-slower-than", "12345"),
    ("slowlog-max-len", "77"),
    ("loglevel", "warning"),
])
def test_config_set(start_server, key, value):
    client = start_server().client()
    assert client.execute_command("CONFIG", "SET", key, value) == b"OK"
    assert config_get(client, key) == {key.encode(): value.encode()}
    client.close()


def test_config_set_requirepass(start_server):
    srv = start_server()
    client = srv.client()
    assert client.execute_command("CONFIG", "SET", "requirepass", "pw") == b"OK"
    with srv.raw() as other:
        assert error_of(other, "GET", "a") == NOAUTH
        assert other.execute("AUTH", "pw") == b"OK"
    client.execute_command("CONFIG", "SET", "requirepass", "")
    client.close()


@pytest.mark.parametrize("args, message", [
    (["foo", "bar"], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"),
    (["timeout", "abc"], "ERR CONFIG SET failed (possibly related to argument 'timeout') - "
                         "argument couldn't be parsed into an integer"),
    (["timeout"], wrong_arity("config|set")),
], ids=join_args)
def test_config_set_errors(r, args, message):
    before = config_get(r, args[0])
    assert error_of(r, "CONFIG", "SET", *args) == message
    assert config_get(r, args[0]) == before


def test_config_set_out_of_range(r):
    """The upper bound is the server's choice (Redis: 4294967295)."""
    message = error_of(r, "CONFIG", "SET", "maxclients", "-5")
    assert re.fullmatch(r"ERR CONFIG SET failed \(possibly related to argument 'maxclients'\) - "
                        r"argument must be between 1 and \d+ inclusive", message), message


@pytest.mark.parametrize("key, value", [("dir", "/tmp"), ("loglevel", "loud"),
                                        ("slowlog-max-len", "many"), ("port", "abc")])
def test_config_set_rejected_values(r, key, value):
    """Immutable keys and bad enum values: the reason text is server-specific."""
    before = config_get(r, key)
    assert error_of(r, "CONFIG", "SET", key, value).startswith(
        f"ERR CONFIG SET failed (possibly related to argument '{key}')")
    assert config_get(r, key) == before


@pytest.mark.basalt_only
def test_workers_config(start_server):
    srv = start_server(workers=3)
    client = srv.client()
    assert config_get(client, "workers") == {b"workers": b"3"}
    clients = [srv.client() for _ in range(12)]
    for i, other in enumerate(clients):
        other.set(f"w{i}", i)
    assert [client.get(f"w{i}") for i in range(12)] == [str(i).encode() for i in range(12)]
    for other in clients:
        other.close()
    client.close()


def test_config_file_is_read(start_server):
    srv = start_server(conf_text="# comment line\n\ntimeout 5\nmaxclients 100\n")
    client = srv.client()
    assert config_get(client, "timeout") == {b"timeout": b"5"}
    assert config_get(client, "maxclients") == {b"maxclients": b"100"}
    client.close()


def test_config_rewrite(start_server):
    srv = start_server(conf_text="# written by the test suite\ntimeout 5\nmaxclients 100\n")
    client = srv.client()
    client.execute_command("CONFIG", "SET", "timeout", "17")
    assert client.execute_command("CONFIG", "REWRITE") == b"OK"
    lines = srv.conf_path.read_text().splitlines()
    assert "timeout 17" in lines
    assert "timeout 5" not in lines
    assert "maxclients 100" in lines
    client.close()
    srv.restart()
    assert config_get(srv.client(), "timeout") == {b"timeout": b"17"}


def test_config_rewrite_without_config_file(r):
    assert error_of(r, "CONFIG", "REWRITE") == "ERR The server is running without a config file"


def test_config_resetstat(r):
    for _ in range(5):
        r.get("x")
    assert r.execute_command("CONFIG", "RESETSTAT") == b"OK"
    sections = info(r, "everything")
    assert "cmdstat_get" not in sections["commandstats"]
    assert int(sections["stats"]["total_commands_processed"]) <= 2


def test_config_unknown_subcommand(r):
    assert error_of(r, "CONFIG", "Foo") == "ERR unknown subcommand 'Foo'. Try CONFIG HELP."


# -- COMMAND -------------------------------------------------------------------------------


def test_command_count(r):
    count = r.execute_command("COMMAND", "COUNT")
    assert isinstance(count, int) and count >= 40
    assert len(r.execute_command("COMMAND")) == count


def test_command_info_get(r):
    (entry,) = r.execute_command("COMMAND", "INFO", "get")
    assert len(entry) == 10
    name, arity, flags, first, last, step, categories, tips, key_specs, subcommands = entry
    assert (name, arity, first, last, step) == (b"get", 2, 1, 1, 1)
    assert {b"readonly", b"fast"} <= set(flags)
    assert {b"@read", b"@string", b"@fast"} <= set(categories)
    assert isinstance(tips, list) and subcommands == []
    spec = flat_pairs(key_specs[0])
    assert b"RO" in spec[b"flags"]
    assert flat_pairs(spec[b"begin_search"])[b"type"] == b"index"


def test_command_info_several(r):
    entries = r.execute_command("COMMAND", "INFO", "set", "nosuchcommand", "MGET")
    assert entries[1] is None
    assert entries[0][:2] == [b"set", -3] and b"write" in entries[0][2]
    assert entries[2][:6] == [b"mget", -2, entries[2][2], 1, -1, 1]


def test_command_docs_get(r):
    docs = flat_pairs(r.execute_command("COMMAND", "DOCS", "get"))
    get = flat_pairs(docs[b"get"])
    assert get[b"summary"]  # wording differs between Redis versions
    assert get[b"group"] == b"string"
    assert get[b"since"] == b"1.0.0"
    if TARGET == "redis":  # Basalt's docs carry no argument specs yet
        (argument,) = get[b"arguments"]
        assert flat_pairs(argument)[b"name"] == b"key"
        assert flat_pairs(argument)[b"type"] == b"key"
    assert r.execute_command("COMMAND", "DOCS", "nosuchcommand") == []


def test_command_docs_resp3(r3):
    docs = r3.execute("COMMAND", "DOCS", "get")
    assert isinstance(docs, RespMap) and isinstance(docs[b"get"], RespMap)
    assert docs[b"get"][b"group"] == b"string"


# -- DEBUG --------------------------------------------------------------------------------


def test_debug_sleep_needs_enable_debug_command(r, start_server):
    assert error_of(r, "DEBUG", "SLEEP", "0").startswith("ERR")
    client = start_server(enable_debug_command="yes").client()
    assert client.execute_command("DEBUG", "SLEEP", "0") == b"OK"
    started = time.monotonic()
    assert client.execute_command("DEBUG", "SLEEP", "0.2") == b"OK"
    assert time.monotonic() - started >= 0.19
    client.close()


# -- errors for unknown commands and arity --------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["foo", "a", "b"], "ERR unknown command 'foo', with args beginning with: 'a' 'b' "),
    (["foo"], "ERR unknown command 'foo', with args beginning with: "),
    (["FooBar", "x"], "ERR unknown command 'FooBar', with args beginning with: 'x' "),
    (["get"], wrong_arity("get")),
    (["GET", "a", "b"], wrong_arity("get")),
    (["Set", "k"], wrong_arity("set")),
], ids=join_args)
def test_command_errors(r, args, message):
    assert error_of(r, *args) == message


def test_connection_survives_errors(r):
    for _ in range(3):
        error_of(r, "nosuchcommand")
        error_of(r, "GET")
    assert r.ping() == b"PONG"


# -- limits -------------------------------------------------------------------------------


MAX_CLIENTS_REACHED = RespError("ERR max number of clients reached")


def connect_with_retry(srv, timeout=3.0):
    """Connect once a slot is free: a just-closed connection (such as the
    harness's readiness probe) may take a moment to be released."""
    deadline = time.monotonic() + timeout
    while True:
        client = srv.raw()
        reply = client.call("PING")
        if reply == b"PONG":
            return client
        client.close()
        assert reply == MAX_CLIENTS_REACHED and time.monotonic() < deadline, reply
        time.sleep(0.05)


def test_maxclients(start_server):
    srv = start_server(maxclients=3)
    clients = [connect_with_retry(srv) for _ in range(3)]
    try:
        with srv.raw() as extra:
            assert extra.read_reply() == MAX_CLIENTS_REACHED
            assert extra.is_closed()
        clients.pop().close()
        clients.append(connect_with_retry(srv))
    finally:
        for client in clients:
            client.close()


def test_idle_timeout(start_server):
    srv = start_server(timeout=1)
    with srv.raw() as idle, srv.raw() as busy:
        idle.execute("PING")
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            busy.execute("PING")
            time.sleep(0.2)
        assert idle.is_closed(timeout=1)
        assert busy.execute("PING") == b"PONG"


# -- SHUTDOWN -------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["SHUTDOWN"], ["SHUTDOWN", "NOSAVE"]], ids=join_args)
def test_shutdown(start_server, args):
    srv = start_server()
    with srv.raw() as client:
        client.send_command(*args)
        assert client.is_closed()
    assert srv.wait_exit() == 0


def test_sigint_exits_zero(start_server):
    srv = start_server()
    srv.proc.send_signal(signal.SIGINT)
    assert srv.wait_exit() == 0


def test_shutdown_syntax_error(r):
    assert error_of(r, "SHUTDOWN", "FOO") == "ERR syntax error"


# -- persistence ---------------------------------------------------------------------------


@pytest.mark.basalt_only
def test_data_survives_sigterm_restart(start_server):
    srv = start_server()
    client = srv.client()
    client.set("k", "v")
    client.set("ttl", "v", ex=1000)
    client.set(b"bin\x00key", b"\x00\xff")
    client.close()
    srv.restart()
    client = srv.client()
    assert client.get("k") == b"v"
    assert client.get(b"bin\x00key") == b"\x00\xff"
    assert 990 <= client.ttl("ttl") <= 1000
    assert client.dbsize() == 3
    client.close()


@pytest.mark.basalt_only
def test_acknowledged_writes_survive_kill9(start_server):
    srv = start_server()
    client = srv.client()
    client.set("k", "v")
    for i in range(500):
        client.incr("counter")
    client.mset({f"m{i}": i for i in range(200)})
    client.delete("m0")
    client.close()
    srv.kill9()
    srv.start()
    client = srv.client()
    assert client.get("k") == b"v"
    assert client.get("counter") == b"500"
    assert client.get("m199") == b"199"
    assert client.exists("m0") == 0
    assert client.dbsize() == 201
    client.close()


@pytest.mark.basalt_only
def test_flushall_survives_restart(start_server):
    srv = start_server()
    client = srv.client()
    client.mset({"a": 1, "b": 2})
    client.flushall()
    client.set("c", 3)
    client.close()
    srv.restart()
    assert sorted(srv.client().keys("*")) == [b"c"]


# -- startup errors ------------------------------------------------------------------------


@pytest.mark.basalt_only
def test_unknown_key_in_config_file_is_fatal(new_server):
    srv = new_server(conf_text="# comment\ntimeout 5\nno-such-option 1\n")
    status, output = run_until_exit(srv)
    assert status != 0
    assert srv.conf_path.name in output, output
    assert re.search(r"\b3\b", output), "the line number (3) is reported"
    assert "no-such-option" in output


@pytest.mark.basalt_only
@pytest.mark.parametrize("key, value", [("port", "notaport"), ("workers", "-3"),
                                        ("no-such-option", "1")])
def test_bad_command_line_value_is_fatal(new_server, key, value):
    srv = new_server(**{key: value})
    status, output = run_until_exit(srv)
    assert status != 0
    assert key in output, output
