"""Fixtures for the Basalt integration suite.

* ``server``        one server per test module (``.port``, ``.dir``,
                    ``.restart()``, ``.kill9()``, ``.stop()``)
* ``r``             redis-py client (bytes replies), FLUSHALL before each test
* ``r3``            raw RESP3 client after ``HELLO 3``, FLUSHALL before each test
* ``resp``          raw RESP2 client (send bytes, read replies)
* ``start_server``  factory for a private server with extra config:
                    ``start_server(requirepass="s3cret", conf_text="...")``
* ``new_server``    same, but not started (for startup-error tests)

Run against real Redis with ``BASALT_TEST_TARGET=redis``; tests marked
``basalt_only`` are then skipped.
"""

import pytest

from harness import BASALT_BIN, SUMMARY_LINES, TARGET, ServerProcess


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "basalt_only: Basalt-specific behaviour, skipped against redis-server")


def pytest_sessionstart(session):
    if TARGET == "basalt" and not BASALT_BIN.is_file():
        pytest.exit(f"{BASALT_BIN} not found: build it first, or run the suite against "
                    f"Debian's redis-server with BASALT_TEST_TARGET=redis", returncode=4)


def pytest_collection_modifyitems(config, items):
    if TARGET != "redis":
        return
    skip = pytest.mark.skip(reason="Basalt-only behaviour (target is redis-server)")
    for item in items:
        if "basalt_only" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_sep("-", f"integration target: {TARGET}")
    for line in SUMMARY_LINES:
        terminalreporter.write_line(line)


def _normalise_config(config):
    # Python keyword arguments spell "-" as "_"; dotted RocksDB keys keep
    # their underscores (rocksdb.write_options.sync).
    return {key if "." in key else key.replace("_", "-"): value for key, value in config.items()}


def _shut_down(servers):
    errors = []
    for srv in servers:
        try:
            srv.stop()
        except AssertionError as exc:
            errors.append(str(exc))
        finally:
            srv.cleanup()
    if errors:
        pytest.fail("\n\n".join(errors))


@pytest.fixture(scope="module")
def server():
    srv = ServerProcess()
    try:
        srv.start()
    except Exception:
        srv.cleanup()
        raise
    yield srv
    _shut_down([srv])


@pytest.fixture
def start_server():
    """Factory: ``start_server(conf_text=None, **config)`` -> running ServerProcess.

    Config keys may use underscores (``slowlog_log_slower_than=0``).  Every
    server started is stopped with SIGTERM at teardown and must exit 0.
    """
    servers = []

    def start(conf_text=None, **config):
        srv = ServerProcess(config=_normalise_config(config), conf_text=conf_text)
        try:
            srv.start()
        except Exception:
            srv.cleanup()  # the startup error already says what went wrong
            raise
        servers.append(srv)
        return srv

    yield start
    _shut_down(servers)


@pytest.fixture
def new_server():
    """Factory for a ServerProcess that is *not* started (startup-error tests)."""
    servers = []

    def make(conf_text=None, **config):
        srv = ServerProcess(config=_normalise_config(config), conf_text=conf_text)
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.cleanup()


@pytest.fixture
def r(server):
    client = server.client()
    client.flushall()
    yield client
    client.close()


@pytest.fixture
def resp(server):
    with server.raw() as client:
        yield client


@pytest.fixture
def r3(server):
    with server.raw() as client:
        client.hello(3)
        client.execute("FLUSHALL")
        yield client
