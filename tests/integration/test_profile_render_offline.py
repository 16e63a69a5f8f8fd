"""The pprof and SVG profile writers, read back by real consumers, offline.

The unit binary ``test_profile_render`` (built beside the server, in
``<build>/tests/``) writes a small synthetic profile and a 10,000-stack one
in both formats when ``PROFILE_RENDER_OUT`` names a directory.  Here
``go tool pprof`` (Debian golang-go) reads the profiles back, Python's XML
parser reads the SVGs, and headless Chromium renders them to PNG, which is
decoded in pure Python and compared with the boxes the SVG declares.

No server is started and nothing touches the network: pprof gets a private
HOME/GOCACHE/PPROF_TMPDIR, ``GOPROXY=off`` and ``-symbolize=none``.
"""

import os
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

from harness import BASALT_BIN, report

pytestmark = pytest.mark.basalt_only

UNIT_BIN = BASALT_BIN.parent / "tests" / "test_profile_render"
SVG_NS = "{http://www.w3.org/2000/svg}"
CXX_NAME = "std::vector<std::pair<int, char>>::reserve<&operator new>"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """(directory with the written files, the binary's stdout)."""
    if not UNIT_BIN.is_file():
        pytest.skip(f"{UNIT_BIN} is not built (make all builds it)")
    out = tmp_path_factory.mktemp("profile_render")
    env = dict(os.environ, PROFILE_RENDER_OUT=str(out))
    proc = subprocess.run([str(UNIT_BIN)], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for line in proc.stdout.splitlines():
        if line.startswith("profile_render: 10000"):
            report(line)
    for name in ("profile.pb.gz", "flame.svg", "big.pb.gz", "big.svg"):
        assert (out / name).is_file(), name
    return out, proc.stdout


@pytest.fixture(scope="module")
def scratch_home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


def _need(tool, package):
    path = shutil.which(tool)
    if not path:
        pytest.skip(f"{tool} is not installed (Debian package {package}; `scripts/install-deps.sh test` installs it)")
    return path


def pprof(home, *args):
    go = _need("go", "golang-go")
    env = dict(os.environ, HOME=str(home), PPROF_TMPDIR=str(home), GOCACHE=str(home / "gocache"),
               GOPROXY="off", GOTOOLCHAIN="local", GOFLAGS="")
    proc = subprocess.run([go, "tool", "pprof", "-symbolize=none", *args], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def top_rows(text):
    """{function name: (flat, cum)} from `pprof -top -unit=B` output."""
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\s*(\d+)B?\s+[\d.]+%\s+[\d.]+%\s+(\d+)B?\s+[\d.]+%\s+(.+)$", line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return rows


def total_of(text):
    m = re.search(r"of (\d+)B? total", text)
    assert m, text
    return int(m.group(1))


# ---- pprof -------------------------------------------------------------

def test_pprof_top_shows_names_and_inuse_totals(rendered, scratch_home):
    out, _ = rendered
    text = pprof(scratch_home, "-top", "-sample_index=inuse_space", "-unit=B", str(out / "profile.pb.gz"))
    assert "Type: inuse_space" in text
    assert "File: basalt-server" in text
    assert "in use: 4500 bytes in 6 objects" in text  # the comments
    assert total_of(text) == 4500
    rows = top_rows(text)
    assert rows["debug_heap_hold"] == (3000, 3000)
    assert rows[CXX_NAME + " (inline)"] == (1000, 1000)
    assert rows["rocksdb::Arena::AllocateAligned"] == (0, 1000)
    assert rows["cmd_debug"] == (0, 4000)
    assert rows["main"] == (0, 4000)
    assert rows["??"] == (500, 500)
    assert rows["start_thread"] == (0, 500)


@pytest.mark.parametrize("index,total", [("inuse_objects", 6), ("alloc_space", 6000), ("alloc_objects", 7)])
def test_pprof_other_sample_types(rendered, scratch_home, index, total):
    out, _ = rendered
    text = pprof(scratch_home, "-top", f"-sample_index={index}", "-unit=B", str(out / "profile.pb.gz"))
    assert f"Type: {index}" in text
    assert total_of(text) == total


def test_pprof_raw_sample_types_period_time_and_mappings(rendered, scratch_home):
    out, _ = rendered
    text = pprof(scratch_home, "-raw", str(out / "profile.pb.gz"))
    assert "alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes[dflt]" in text
    assert "PeriodType: space bytes" in text
    assert "Period: 524288" in text
    assert "Time: 2026-11-24 06:12:40.52 +0000 UTC" in text
    assert "Comment: sample interval: 524288 bytes; values are unsampled estimates" in text
    # Samples keep their values as written (pprof does not rescale them).
    assert re.search(r"^\s+6\s+5000\s+3\s+3000: \d+ \d+ \d+ $", text, re.M), text
    # The inlined frame and its caller share one location, callee first.
    assert re.search(re.escape(CXX_NAME) + r" /usr/include/c\+\+/12/bits/vector.tcc:66 s=0\n\s+"
                     r"rocksdb::Arena::AllocateAligned memory/arena.cc:42 s=0", text), text
    assert ("/usr/local/bin/basalt-server 0123456789abcdef0123 [FN][FL][LN][IN]") in text
    assert "0x555555554000/0x555555700000/0x1000" in text


def test_pprof_reads_the_ten_thousand_stack_profile(rendered, scratch_home):
    out, stdout = rendered
    m = re.search(r"big totals inuse_bytes=(\d+) inuse_objects=(\d+)", stdout)
    assert m, stdout
    text = pprof(scratch_home, "-top", "-sample_index=inuse_space", "-unit=B", str(out / "big.pb.gz"))
    assert total_of(text) == int(m.group(1))
    text = pprof(scratch_home, "-top", "-sample_index=inuse_objects", str(out / "big.pb.gz"))
    assert total_of(text) == int(m.group(2))
    raw = pprof(scratch_home, "-raw", str(out / "big.pb.gz"))
    assert len(re.findall(r"^\s+\d+\s+\d+\s+\d+\s+\d+: ", raw, re.M)) == 10000


# ---- svg: XML ----------------------------------------------------------

def boxes(svg_path):
    """[(hover title, x, y, width, fill)] for every box of the flame graph."""
    root = ET.parse(svg_path).getroot()
    assert root.tag == SVG_NS + "svg"
    found = []
    for g in root.iter(SVG_NS + "g"):
        title, rect = g.find(SVG_NS + "title"), g.find(SVG_NS + "rect")
        assert title is not None and rect is not None
        found.append((title.text, float(rect.get("x")), float(rect.get("y")), float(rect.get("width")),
                      rect.get("fill")))
    return root, found


def box(found, name):
    matches = [b for b in found if b[0].split("\n")[0] == name]
    assert len(matches) == 1, (name, [b[0] for b in found])
    return matches[0]


def test_svg_parses_and_declares_proportional_boxes(rendered):
    out, _ = rendered
    root, found = boxes(out / "flame.svg")
    assert root.get("width") == "1200"
    doc_title = root.find(SVG_NS + "title").text
    assert doc_title == "Heap profile: basalt-server 0.1.0 pid 4242"
    texts = " ".join(t.text or "" for t in root.iter(SVG_NS + "text"))
    assert "4.4 KiB in use in 6 objects" in texts
    assert "sample interval 512.0 KiB" in texts
    assert "2026-11-24 06:12:40 UTC" in texts
    all_box = box(found, "all")
    assert all_box[3] == pytest.approx(1180, abs=0.01)
    hold = box(found, "debug_heap_hold")
    assert hold[3] / all_box[3] == pytest.approx(3000 / 4500, abs=1e-3)
    assert "3000 bytes (2.9 KiB), 66.67%" in hold[0]
    # The C++ name comes back unescaped from the parser, whole, in the hover text.
    inlined = box(found, CXX_NAME + " (inlined)")
    assert inlined[3] / all_box[3] == pytest.approx(1000 / 4500, abs=1e-3)
    # Root at the bottom: callees above their callers.
    assert box(found, "main")[2] < all_box[2]
    assert hold[2] < box(found, "cmd_debug")[2]


def test_svg_big_profile_parses(rendered):
    out, _ = rendered
    root, found = boxes(out / "big.svg")
    assert len(found) > 500
    all_box = box(found, "all")
    assert all_box[3] == pytest.approx(1180, abs=0.01)
    for title, x, _, w, _ in found:
        assert w >= 0.5 and x >= 10 - 1e-6 and x + w <= 1190 + 0.01, title


# ---- svg: what a browser shows ----------------------------------------

def read_png(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB/RGBA PNG."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def screenshot(svg, png, home):
    chromium = _need("chromium", "chromium")
    env = dict(os.environ, HOME=str(home))
    # --no-sandbox: Chromium refuses to run as root (CI) with its sandbox.
    proc = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--force-device-scale-factor=1", f"--user-data-dir={home / 'chromium'}",
                           f"--screenshot={png}", "--window-size=1200,800", svg.as_uri()],
                          env=env, capture_output=True, text=True, timeout=180)
    assert png.is_file(), proc.stdout + proc.stderr
    return read_png(png)


def parse_fill(fill):
    return tuple(int(v) for v in re.match(r"rgb\((\d+),(\d+),(\d+)\)", fill).groups())


@pytest.mark.parametrize("name", ["flame", "big"])
def test_chromium_renders_the_boxes_the_svg_declares(rendered, scratch_home, name):
    out, _ = rendered
    width, height, rows = screenshot(out / f"{name}.svg", out / f"{name}.png", scratch_home)
    assert (width, height) == (1200, 800)
    colours = {px for row in rows for px in row}
    assert len(colours) > 20, f"screenshot looks blank: {len(colours)} colours"
    # Text was drawn: dark pixels in the heading band.
    dark = sum(1 for row in rows[10:50] for r, g, b in row if r + g + b < 200)
    assert dark > 300, f"only {dark} dark pixels in the heading"
    # Each wide box shows its own fill where the SVG puts it (a point near
    # its right edge and top, away from the label).
    _, found = boxes(out / f"{name}.svg")
    checked = 0
    for title, x, y, w, fill in found:
        if w < 40 or y + 2 >= height:
            continue
        px, py = int(x + w - 4), int(y + 2)
        assert rows[py][px] == parse_fill(fill), (title.split("\n")[0], (px, py), rows[py][px], fill)
        checked += 1
    assert checked >= 5
