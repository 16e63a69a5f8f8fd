"""Shared pieces of the benchmark scripts: starting servers on free ports
with fresh directories, running redis-benchmark, medians."""
import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASALT = os.environ.get("BASALT_SERVER", os.path.join(ROOT, "build", "basalt-server"))
# Extra server options for every Basalt a script starts, e.g. BASALT_ARGS="--workers 1".
BASALT_ARGS = os.environ.get("BASALT_ARGS", "").split()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, proc, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on port {port} not ready")


class Server:
    def __init__(self, name, argv_fn, env=None):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix=f"bench-{name}-")
        self.port = free_port()
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen(argv_fn(self.port, self.dir), stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=self.dir, env=env)
        wait_ready(self.port, self.proc)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def basalt_argv(port, d):
    return [BASALT, "--port", str(port), "--bind", "127.0.0.1", "--dir", os.path.join(d, "data")] + BASALT_ARGS


def redis_argv(port, d):
    return ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", d]


# Loads that redis-benchmark has no -t name for: the command it sends.
CUSTOM_LOADS = {
    "zrange": ["ZRANGE", "myzset", "0", "9", "WITHSCORES"],
}


def run_load(port, test, size, pipeline, requests, keyspace):
    cmd = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", "50", "-n", str(requests), "-d", str(size),
           "-r", str(keyspace), "-P", str(pipeline), "--csv"]
    cmd += CUSTOM_LOADS[test] if test in CUSTOM_LOADS else ["-t", test]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"redis-benchmark failed: {out.stderr}")
    rows = list(csv.reader(io.StringIO(out.stdout)))
    header, data = rows[0], rows[1]
    rec = dict(zip(header, data))
    return float(rec["rps"]), float(rec["p50_latency_ms"]), float(rec["p99_latency_ms"])


