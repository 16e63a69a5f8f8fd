"""Start, stop and talk to a server process under test.

The target is chosen with the environment variable ``BASALT_TEST_TARGET``:

* ``basalt`` (default): ``build/basalt-server`` (override the path with
  ``BASALT_SERVER``, as the Makefile's ``integration`` target does);
* ``redis``: Debian's ``redis-server``, to check that the Redis-compatible
  expectations of this suite are right.

Set ``BASALT_KEEP_DIRS=1`` to keep the temporary data directories and logs.
"""

import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis
from redis.connection import PythonParser

from resp_client import RespClient, RespError

TARGET = os.environ.get("BASALT_TEST_TARGET", "basalt").strip().lower()
if TARGET not in ("basalt", "redis"):
    raise SystemExit(f"BASALT_TEST_TARGET must be 'basalt' or 'redis', not {TARGET!r}")

REPO_ROOT = Path(__file__).resolve().parents[2]
BASALT_BIN = Path(os.environ.get("BASALT_SERVER") or os.environ.get("BASALT_SERVER_BIN")
                  or REPO_ROOT / "build" / "basalt-server")
REDIS_BIN = shutil.which("redis-server") or "/usr/bin/redis-server"
KEEP_DIRS = os.environ.get("BASALT_KEEP_DIRS") == "1"

START_TIMEOUT = 10.0
STOP_TIMEOUT = 15.0

SUMMARY_LINES = []


def report(line):
    """Add a line to the summary printed at the end of the pytest run."""
    SUMMARY_LINES.append(line)


# Ports are picked below the kernel's ephemeral range (32768+ on Linux) so
# that they cannot collide with the local ports of client connections.
_PORT_RANGE = (20000, 32000)


def free_port():
    """A loopback TCP port that is free right now."""
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(*_PORT_RANGE)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port found")


def config_args(config):
    """``{"slowlog-log-slower-than": 0}`` -> ``["--slowlog-log-slower-than", "0"]``."""
    args = []
    for key, value in config.items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        args += [f"--{key}", str(value)]
    return args


class ServerError(RuntimeError):
    pass


class ServerProcess:
    """One server process with its own temporary data directory.

    ``config`` holds extra ``--key value`` overrides; ``conf_text`` is written
    to a config file (``self.conf_path``) passed as the first argument;
    ``self.env`` holds extra environment variables for the process.
    """

    def __init__(self, config=None, conf_text=None, target=TARGET):
        self.target = target
        self.config = dict(config or {})
        self.root = Path(tempfile.mkdtemp(prefix=f"{target}-it-"))
        self.dir = self.root / "data"
        self.dir.mkdir()
        self.conf_path = None
        if conf_text is not None:
            self.conf_path = self.root / "basalt.conf"
            self.conf_path.write_text(conf_text)
        self.stdout_path = self.root / "stdout.log"
        self.stderr_path = self.root / "stderr.log"
        self.port = free_port()
        self.proc = None
        self.env = {}

    # -- command line ---------------------------------------------------

    def command_line(self):
        exe = str(BASALT_BIN if self.target == "basalt" else REDIS_BIN)
        args = [exe]
        if self.conf_path is not None:
            args.append(str(self.conf_path))
        args += ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir)]
        if self.target == "redis":
            args += ["--save", "", "--appendonly", "no"]
        return args + config_args(self.config)

    # -- life cycle -----------------------------------------------------

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def spawn(self, extra_args=()):
        """Start the process without waiting for it to be ready."""
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
            self.proc = subprocess.Popen(
                self.command_line() + list(extra_args),
                stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=self.root,
                env={**os.environ, **self.env} if self.env else None,
            )
        return self.proc

    def start(self, timeout=START_TIMEOUT):
        self.spawn()
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(
                    f"{self.target} server exited with status {self.proc.returncode} "
                    f"during startup\n{self.describe()}")
            if self.ping_answers():
                return
            time.sleep(0.05)
        self.proc.kill()
        self.proc.wait()
        raise ServerError(f"{self.target} server did not answer PING within {timeout}s\n"
                          f"{self.describe()}")

    def ping_answers(self):
        """True once the server answers PING (an error such as NOAUTH counts)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"*1\r\n$4\r\nPING\r\n")
                return sock.recv(64)[:1] in (b"+", b"-")
        except OSError:
            return False

    def wait_exit(self, timeout=STOP_TIMEOUT):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise ServerError(f"{self.target} server did not exit within {timeout}s\n"
                              f"{self.describe()}")

    def stop(self, check=True):
        """SIGTERM the server and wait; with ``check``, require exit status 0."""
        if self.proc is None or self.proc.poll() is not None:
            status = None if self.proc is None else self.proc.returncode
        else:
            self.proc.send_signal(signal.SIGTERM)
            status = self.wait_exit()
        if check and status not in (0, None):
            raise AssertionError(f"{self.target} server exited with status {status} "
                                 f"after SIGTERM (expected 0)\n{self.describe()}")
        return status

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def restart(self):
        """Stop with SIGTERM (checking status 0) and start again, same port and dir."""
        self.stop()
        return self.start()

    def cleanup(self):
        if self.running:
            self.proc.kill()
            self.proc.wait()
        if not KEEP_DIRS:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- diagnostics and clients ----------------------------------------

    def stderr_text(self):
        return _read_text(self.stderr_path)

    def output_text(self):
        """stderr and stdout together (redis-server logs to stdout)."""
        return self.stderr_text() + _read_text(self.stdout_path)

    def describe(self):
        return (f"command: {' '.join(self.command_line())}\n"
                f"--- stderr ---\n{_tail(self.stderr_text())}\n"
                f"--- stdout ---\n{_tail(_read_text(self.stdout_path))}")

    def client(self, **kwargs):
        return make_client(self.port, **kwargs)

    def raw(self, timeout=10.0):
        return RespClient(self.port, timeout=timeout)

    def __repr__(self):
        return f"<ServerProcess {self.target} port={self.port} dir={self.dir}>"


def run_until_exit(server, timeout=START_TIMEOUT):
    """Start ``server`` expecting it to fail; return (status, stderr+stdout).

    Fails as soon as the server answers PING, since it was meant to refuse.
    """
    server.spawn()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            return server.proc.returncode, server.output_text()
        if server.ping_answers():
            server.stop(check=False)
            raise AssertionError(f"server started although it should have refused\n"
                                 f"{server.describe()}")
        time.sleep(0.05)
    server.kill9()
    raise AssertionError(f"server neither started nor exited\n{server.describe()}")


def _read_text(path):
    try:
        return Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return ""


def _tail(text, limit=4000):
    return text if len(text) <= limit else "...\n" + text[-limit:]


# -- redis-py helpers ---------------------------------------------------


class FullErrorParser(PythonParser):
    """redis-py strips the ``ERR `` prefix from error messages; keep the full
    text so tests can assert the exact reply a client sees on the wire."""

    def parse_error(self, response):
        exc = super().parse_error(response)
        exc.args = (response,)
        return exc


def make_client(port, **kwargs):
    """A redis-py client that returns replies as they are on the wire.

    Response callbacks are removed, so ``SET`` gives ``b"OK"`` rather than
    ``True`` and ``SETNX`` gives ``1``: the suite checks the server, not
    redis-py's conversions.  Error texts keep their ``ERR`` prefix.
    """
    kwargs.setdefault("socket_timeout", 15)
    pool = redis.ConnectionPool(host="127.0.0.1", port=port,
                                parser_class=FullErrorParser, **kwargs)
    client = redis.Redis(connection_pool=pool)
    client.response_callbacks.clear()
    return client


NOT_INTEGER = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"


def wrong_arity(command):
    """Redis 7 arity error; ``command`` is lower case, ``container|sub`` for subcommands."""
    return f"ERR wrong number of arguments for '{command}' command"


def now_ms():
    return int(time.time() * 1000)


def error_of(client, *args):
    """Run a command that must fail; return the full error text.

    Works with a redis-py client and with a ``RespClient``.
    """
    if isinstance(client, RespClient):
        reply = client.call(*args)
        assert isinstance(reply, RespError), f"{args!r} returned {reply!r}, expected an error"
        return reply.message
    try:
        reply = client.execute_command(*args)
    except redis.ResponseError as exc:
        return str(exc)
    raise AssertionError(f"{args!r} returned {reply!r}, expected an error")


def join_args(value):
    """pytest ids: show argument lists as a command line."""
    return " ".join(map(str, value)) if isinstance(value, list) else None


def parse_info(text):
    """Parse an INFO reply into {section: {field: value}} (values as str)."""
    if isinstance(text, bytes):
        text = text.decode()
    sections, current = {}, None
    for line in text.splitlines():
        if line.startswith("# "):
            current = sections.setdefault(line[2:].strip().lower(), {})
        elif line and current is not None:
            key, _, value = line.partition(":")
            current[key] = value
    return sections
