"""Access control: NOAUTH for every command but the few allowed before AUTH,
rename-command for admin commands, the start-up warning for an exposed
bind address, and CONFIG REWRITE writing only its own file.  Dump-path
rules for KPROFILE MEMORY DUMP are in test_memory.py."""

import os
import stat

import pytest

from harness import error_of, run_until_exit

NOAUTH = "NOAUTH Authentication required."
# Allowed before AUTH.  Redis also refuses PING; Basalt answers it so that
# health checks work without the password.  QUIT and RESET carry no data.
ALLOWED_BEFORE_AUTH = {"auth", "hello", "ping", "quit", "reset"}


def dummy_args(arity):
    """Arguments that satisfy a command's arity (so NOAUTH, not an arity error, decides)."""
    needed = arity - 1 if arity > 0 else -arity - 1
    return ["0"] * needed


@pytest.mark.basalt_only
def test_every_command_but_auth_hello_ping_needs_auth(start_server):
    srv = start_server(requirepass="s3cret", enable_debug_command=True)
    with srv.raw() as admin:
        assert admin.execute("AUTH", "s3cret") == b"OK"
        infos = admin.execute("COMMAND", "INFO")
    assert len(infos) > 100
    checked = 0
    with srv.raw() as anon:
        for info in infos:
            name, arity = info[0].decode(), info[1]
            if name in ALLOWED_BEFORE_AUTH:
                continue
            args = dummy_args(arity)[:9]  # before AUTH a request has at most 10 arguments
            if arity > 10:
                continue
            reply = anon.call(name, *args)
            assert getattr(reply, "message", None) == NOAUTH, (name, args, reply)
            checked += 1
        assert anon.execute("PING") == b"PONG"
        assert error_of(anon, "AUTH", "wrong") .startswith("WRONGPASS")
        assert anon.execute("HELLO", "2", "AUTH", "default", "s3cret")[0] == b"server"
        assert anon.execute("DBSIZE") == 0
        assert anon.execute("RESET") == b"RESET"  # RESET logs the client out again
        assert error_of(anon, "DBSIZE") == NOAUTH
    assert checked > 100


@pytest.mark.basalt_only
def test_requirepass_change_applies_to_new_connections(start_server):
    srv = start_server(requirepass="old")
    with srv.raw() as c:
        assert c.execute("AUTH", "old") == b"OK"
        assert c.execute("CONFIG", "SET", "requirepass", "new") == b"OK"
        assert c.execute("DBSIZE") == 0  # still authenticated
    with srv.raw() as c:
        assert error_of(c, "DBSIZE") == NOAUTH
        assert error_of(c, "AUTH", "old").startswith("WRONGPASS")
        assert c.execute("AUTH", "new") == b"OK"


# -- rename-command ----------------------------------------------------------------

RENAMES = """
rename-command CONFIG my-config
rename-command FLUSHALL ""
rename-command "shutdown" ''
rename-command memory|purge ""
rename-command debug no-debug-here
"""


@pytest.mark.basalt_only
def test_rename_command(start_server):
    plain = start_server()
    with plain.raw() as c:
        plain_count = c.execute("COMMAND", "COUNT")
    srv = start_server(conf_text=RENAMES)
    with srv.raw() as c:
        assert error_of(c, "CONFIG", "GET", "port").startswith("ERR unknown command 'CONFIG'")
        assert c.execute("MY-CONFIG", "GET", "timeout") == [b"timeout", b"0"]
        assert error_of(c, "FLUSHALL").startswith("ERR unknown command 'FLUSHALL'")
        assert error_of(c, "SHUTDOWN").startswith("ERR unknown command 'SHUTDOWN'")
        assert error_of(c, "DEBUG", "SLEEP", "0").startswith("ERR unknown command 'DEBUG'")
        # One subcommand disabled, its siblings untouched.
        assert error_of(c, "MEMORY", "PURGE") == "ERR unknown subcommand 'PURGE'. Try MEMORY HELP."
        assert c.execute("MEMORY", "USAGE", "nokey") is None
        # As Redis: COMMAND INFO finds the command by its new name and shows
        # its original one; the old name and disabled commands are gone.
        info = c.execute("COMMAND", "INFO", "my-config", "config", "flushall")
        assert info[0][0] == b"config" and info[1] is None and info[2] is None
        names = c.execute("COMMAND", "LIST")
        assert b"flushall" not in names and b"shutdown" not in names and b"config" in names
        assert c.execute("COMMAND", "COUNT") == plain_count - 2
        # CONFIG REWRITE keeps the rename-command lines.
        assert c.execute("MY-CONFIG", "SET", "timeout", "9") == b"OK"
        assert c.execute("MY-CONFIG", "REWRITE") == b"OK"
    text = srv.conf_path.read_text()
    assert "rename-command FLUSHALL \"\"" in text and "timeout 9" in text


@pytest.mark.parametrize("line, message", [
    ("rename-command NOSUCH foo", "No such command in rename-command"),
    ("rename-command get set", "Target command name already exists"),
    ("rename-command get", "needs a command name and a new name"),
    ("rename-command config|nosuch x", "can only be disabled"),
], ids=["unknown", "taken", "one-word", "rename-subcommand"])
@pytest.mark.basalt_only
def test_bad_rename_command_is_fatal(new_server, line, message):
    status, output = run_until_exit(new_server(conf_text=line + "\n"))
    assert status != 0
    assert message in output, output


@pytest.mark.basalt_only
def test_rename_command_only_from_the_config_file(new_server):
    srv = new_server(rename_command="flushall")
    status, output = run_until_exit(srv)
    assert status != 0 and "rename-command is read only from the config file" in output


# -- bind -------------------------------------------------------------------------

EXPOSED_WARNING = "not a loopback address"


@pytest.mark.basalt_only
@pytest.mark.parametrize("bind, requirepass, warns", [
    ("0.0.0.0", "", True),
    ("0.0.0.0", "s3cret", False),
    ("127.0.0.1", "", False),
    ("localhost", "", False),
], ids=["any-no-password", "any-with-password", "loopback", "localhost"])
def test_bind_warning(start_server, bind, requirepass, warns):
    srv = start_server(bind=bind, requirepass=requirepass)
    assert srv.ping_answers()
    assert (EXPOSED_WARNING in srv.stderr_text()) == warns, srv.stderr_text()


# -- CONFIG REWRITE writes only the file the server started with ------------------


@pytest.mark.basalt_only
def test_config_rewrite_through_a_symlinked_config_file(start_server, tmp_path):
    real = tmp_path / "real.conf"
    real.write_text("timeout 5\n")
    link = tmp_path / "link.conf"
    link.symlink_to(real)
    srv = start_server()
    srv.stop()
    srv.conf_path = link  # started as `basalt-server link.conf`
    srv.start()
    with srv.raw() as c:
        assert c.execute("CONFIG", "SET", "timeout", "7") == b"OK"
        assert c.execute("CONFIG", "REWRITE") == b"OK"
    assert link.is_symlink()  # the file it names was rewritten, the link kept
    assert "timeout 7" in real.read_text()


@pytest.mark.basalt_only
def test_config_rewrite_refuses_a_file_swapped_for_a_symlink(start_server, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    srv = start_server(conf_text="timeout 5\n")
    srv.conf_path.unlink()
    srv.conf_path.symlink_to(victim)
    with srv.raw() as c:
        assert c.execute("CONFIG", "SET", "timeout", "7") == b"OK"
        assert "no longer a regular file" in error_of(c, "CONFIG", "REWRITE")
    assert victim.read_text() == "precious\n"
    assert srv.conf_path.is_symlink()


@pytest.mark.basalt_only
def test_config_rewrite_does_not_follow_a_planted_temporary_file(start_server, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    srv = start_server(conf_text="timeout 5\n")
    planted = srv.conf_path.parent / f"{srv.conf_path.name}.tmp.{srv.proc.pid}"
    planted.symlink_to(victim)
    with srv.raw() as c:
        assert c.execute("CONFIG", "SET", "timeout", "7") == b"OK"
        assert "Rewriting config file" in error_of(c, "CONFIG", "REWRITE")
    assert victim.read_text() == "precious\n"
    assert srv.conf_path.read_text() == "timeout 5\n"


@pytest.mark.basalt_only
def test_config_rewrite_keeps_the_file_mode(start_server):
    srv = start_server(conf_text="requirepass s3cret\n")
    os.chmod(srv.conf_path, 0o600)
    with srv.raw() as c:
        assert c.execute("AUTH", "s3cret") == b"OK"
        assert c.execute("CONFIG", "SET", "timeout", "3") == b"OK"
        assert c.execute("CONFIG", "REWRITE") == b"OK"
    assert stat.S_IMODE(os.stat(srv.conf_path).st_mode) == 0o600
    assert "timeout 3" in srv.conf_path.read_text()
