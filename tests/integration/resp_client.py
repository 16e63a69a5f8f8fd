"""A tiny raw-socket RESP2/RESP3 client for protocol-level tests.

redis-py 4.3 cannot speak RESP3 and hides the wire format, so protocol tests
use this instead.  It sends arbitrary bytes, encodes commands as multibulk
requests and parses replies of every RESP2 and RESP3 type.  Error replies
are *returned* as ``RespError`` objects (``call``) or raised (``execute``).
``read_raw_reply`` returns the exact bytes of one reply for wire-level
assertions such as "a missing key in RESP3 is ``_\\r\\n``".
"""

import socket
import time


class RespError(Exception):
    """An error reply (``-ERR ...`` or RESP3 blob error ``!``)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __eq__(self, other):
        return isinstance(other, RespError) and other.message == self.message

    def __hash__(self):
        return hash(self.message)

    def __repr__(self):
        return f"RespError({self.message!r})"


class SimpleString(bytes):
    """A ``+`` reply; compares equal to the plain bytes."""


class Verbatim(bytes):
    """A RESP3 verbatim string (``=``); the bytes exclude the format prefix."""

    format = b"txt"


class RespMap(dict):
    """A RESP3 map (``%``)."""


class RespSet(list):
    """A RESP3 set (``~``), kept as a list to allow unhashable members."""


class RespPush(list):
    """A RESP3 push message (``>``)."""


class ConnectionClosed(Exception):
    """The server closed the connection while a reply was expected."""


def encode_command(*args):
    """Encode arguments as a RESP multibulk request."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, str):
            arg = arg.encode()
        elif isinstance(arg, (int, float)):
            arg = str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


class RespClient:
    def __init__(self, port, host="127.0.0.1", timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self._buf = bytearray()
        self._pos = 0

    # -- sending --------------------------------------------------------

    def send(self, data):
        """Send raw bytes exactly as given."""
        self.sock.sendall(data)

    def send_command(self, *args):
        self.send(encode_command(*args))

    def call(self, *args):
        """Send one command and return its reply (errors are returned)."""
        self.send_command(*args)
        return self.read_reply()

    def execute(self, *args):
        """Send one command and return its reply, raising on an error reply."""
        reply = self.call(*args)
        if isinstance(reply, RespError):
            raise reply
        return reply

    def hello(self, protover=3):
        return self.execute("HELLO", protover)

    # -- receiving ------------------------------------------------------

    def read_reply(self):
        """Read and parse one reply."""
        return self._read_one()[0]

    def read_raw_reply(self):
        """Read one reply and return its exact wire bytes."""
        return self._read_one()[1]

    def read_replies(self, count):
        return [self.read_reply() for _ in range(count)]

    def is_closed(self, timeout=5.0):
        """True if the server closes the connection within ``timeout``.

        Any bytes that arrive first (e.g. a final error reply that was not
        read) are discarded.
        """
        deadline = time.monotonic() + timeout
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.sock.settimeout(remaining)
                if not self.sock.recv(65536):
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
        finally:
            self.sock.settimeout(self.timeout)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- parser ---------------------------------------------------------

    def _fill(self):
        try:
            chunk = self.sock.recv(1 << 16)
        except ConnectionResetError as exc:
            raise ConnectionClosed("connection reset by server") from exc
        if not chunk:
            raise ConnectionClosed("server closed the connection")
        self._buf += chunk

    def _line(self):
        while True:
            end = self._buf.find(b"\r\n", self._pos)
            if end >= 0:
                line = bytes(self._buf[self._pos:end])
                self._pos = end + 2
                return line
            self._fill()

    def _exact(self, n):
        while len(self._buf) < self._pos + n + 2:
            self._fill()
        data = bytes(self._buf[self._pos:self._pos + n])
        if self._buf[self._pos + n:self._pos + n + 2] != b"\r\n":
            raise ValueError("bulk payload not terminated by CRLF")
        self._pos += n + 2
        return data

    def _read_one(self):
        start = self._pos
        value = self._parse()
        raw = bytes(self._buf[start:self._pos])
        # Drop consumed bytes once a whole top-level reply is parsed.
        del self._buf[:self._pos]
        self._pos = 0
        return value, raw

    def _parse(self):
        line = self._line()
        if not line:
            raise ValueError("empty reply line")
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return SimpleString(rest)
        if kind == b"-":
            return RespError(rest.decode(errors="replace"))
        if kind in (b":", b"("):
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind == b"!":
            return RespError(self._exact(int(rest)).decode(errors="replace"))
        if kind == b"=":
            data = self._exact(int(rest))
            value = Verbatim(data[4:])
            value.format = data[:3]
            return value
        if kind == b"_":
            return None
        if kind == b"#":
            return rest == b"t"
        if kind == b",":
            return float(rest)
        if kind in (b"*", b"~", b">"):
            n = int(rest)
            if n < 0:
                return None
            items = [self._parse() for _ in range(n)]
            return {b"*": list, b"~": RespSet, b">": RespPush}[kind](items)
        if kind == b"%":
            result = RespMap()
            for _ in range(int(rest)):
                key = _hashable(self._parse())
                result[key] = self._parse()
            return result
        if kind == b"|":
            for _ in range(2 * int(rest)):  # attributes are ignored
                self._parse()
            return self._parse()
        raise ValueError(f"unknown RESP type byte in line {line!r}")


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    return value
