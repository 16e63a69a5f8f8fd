"""Charts of a bench/run result with gnuplot (Debian's gnuplot-nox): one
PNG of throughput and one of p50/p99 latency per (value size, pipeline)
pair, Basalt and Redis side by side for every command."""
import os
import shutil
import subprocess
import tempfile

COLORS = {"basalt": "#b5462e", "redis": "#3b6ea8"}


def _run_gnuplot(script):
    if not shutil.which("gnuplot"):
        raise SystemExit("gnuplot not found: install gnuplot-nox (scripts/install-deps.sh test)")
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def _histogram(data_path, png, title, ylabel, columns, logscale=False):
    """columns: (column number in the data file, legend, colour) per bar."""
    plots = ", ".join(f"'{data_path}' using {col}:xtic(1) title '{name}' lc rgb '{color}'"
                      for col, name, color in columns)
    return f"""
set terminal pngcairo size 1000,480 font ',10' noenhanced
set output '{png}'
set title '{title}'
set ylabel '{ylabel}'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -35
set grid ytics
set key top right
{"set logscale y" if logscale else "set yrange [0:*]"}
plot {plots}
"""


def plot_results(rows, out_dir):
    """rows as bench/run produces them. Returns the paths written."""
    os.makedirs(out_dir, exist_ok=True)
    written = []
    groups = {}
    for row in rows:
        groups.setdefault((row["size"], row["pipeline"]), []).append(row)
    with tempfile.TemporaryDirectory() as tmp:
        for (size, pipeline), group in sorted(groups.items()):
            data = os.path.join(tmp, f"{size}-{pipeline}.dat")
            with open(data, "w") as f:
                f.write("test basalt_rps redis_rps basalt_p50 redis_p50 basalt_p99 redis_p99\n")
                for row in group:
                    b, r = row["basalt"], row["redis"]
                    f.write(f"{row['test'].upper()} {b['rps']:.0f} {r['rps']:.0f} {b['p50']} {r['p50']} "
                            f"{b['p99']} {r['p99']}\n")
            tag = f"{size}B-P{pipeline}"
            rps_png = os.path.join(out_dir, f"throughput-{tag}.png")
            lat_png = os.path.join(out_dir, f"latency-{tag}.png")
            script = "set key autotitle columnhead\n"
            script += _histogram(data, rps_png, f"requests/s, {size}-byte values, pipeline {pipeline} (50 clients)",
                                 "requests per second",
                                 [(2, "Basalt", COLORS["basalt"]), (3, "Redis", COLORS["redis"])])
            script += _histogram(data, lat_png, f"latency, {size}-byte values, pipeline {pipeline} (50 clients)",
                                 "milliseconds (log scale)",
                                 [(4, "Basalt p50", COLORS["basalt"]), (6, "Basalt p99", "#e3a08f"),
                                  (5, "Redis p50", COLORS["redis"]), (7, "Redis p99", "#9cb8d9")],
                                 logscale=True)
            _run_gnuplot(script)
            written += [rps_png, lat_png]
    return written
