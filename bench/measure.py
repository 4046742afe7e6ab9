"""The national benchmark's harness (called by bench/run): runs risicobeeld and the two peers in
turn on the same drops, several times, and measures each run's wall time, CPU time (user + system)
and peak memory (max RSS, from wait4); checks that each peer's tables equal risicobeeld's; measures
point-in-polygon throughput; and writes the figures into bench/RESULTS.md between its markers.
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = pathlib.Path(__file__).parent


def markers(scale):
    return f"<!-- bench/run --scale {scale}: start -->", f"<!-- bench/run --scale {scale}: end -->"


def run_measured(argv, memory_limit_gib):
    """Runs argv; returns (ok, wall s, cpu s, peak GiB, note). Stops a run that goes over the
    memory limit, so that one tool cannot push the machine into swap for the others."""
    started = time.monotonic()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stopped = threading.Event()

    def watch():
        status = pathlib.Path(f"/proc/{process.pid}/status")
        while process.poll() is None:
            try:
                rss = next(int(line.split()[1]) for line in status.read_text().splitlines()
                           if line.startswith("VmRSS:"))
            except (OSError, StopIteration, ValueError):
                rss = 0
            if rss > memory_limit_gib * 1024 * 1024:
                stopped.set()
                process.kill()
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    cpu = usage.ru_utime + usage.ru_stime
    peak = usage.ru_maxrss / 1024 / 1024
    if stopped.is_set():
        return False, wall, cpu, peak, f"stopped above {memory_limit_gib} GiB"
    if process.returncode != 0:
        tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
        return False, wall, cpu, peak, f"exit {process.returncode}: {' / '.join(tail)}"
    return True, wall, cpu, peak, ""


def vocabulary(args):
    """The published vocabulary (`risicobeeld vocabulary`), which the peers read."""
    path = pathlib.Path(args.drops) / "vocabulary.json"
    path.write_text(subprocess.run([args.risicobeeld, "vocabulary"], check=True,
                                   capture_output=True, text=True).stdout)
    return str(path)


def tools(args, drop, out):
    python = args.python
    words = vocabulary(args)
    return {
        "risicobeeld": [args.risicobeeld, "run", "--input", str(drop), "--out", str(out), "--force"],
        "duckdb": [python, str(HERE / "peers/duckdb_peer.py"), "--input", str(drop), "--out", str(out),
                   "--vocabulary", words],
        "polars": [python, str(HERE / "peers/polars_peer.py"), "--input", str(drop), "--out", str(out),
                   "--vocabulary", words],
    }


def result_dir(tool, out):
    return out / "current" if tool == "risicobeeld" else out


def bench_drop(args, fmt, work):
    drop = args.drops / f"{fmt}-{args.scale}"
    print(f"\n== {fmt} drop {drop} (scale {args.scale}), {args.repeat} run(s) each", flush=True)
    rows, last_out = {}, {}
    for repeat in range(args.repeat):
        for tool, argv in tools(args, drop, work / "x").items():
            out = work / f"{fmt}-{tool}-{repeat}"
            argv = [a if a != str(work / "x") else str(out) for a in argv]
            ok, wall, cpu, peak, note = run_measured(argv, args.memory_limit_gib)
            print(f"{tool:12} run {repeat + 1}: {'ok' if ok else 'FAILED'} wall {wall:7.1f} s  "
                  f"cpu {cpu:7.1f} s  peak {peak:5.2f} GiB {note}", flush=True)
            rows.setdefault(tool, []).append((ok, wall, cpu, peak, note))
            if ok:
                if tool in last_out:
                    shutil.rmtree(last_out[tool], ignore_errors=True)
                last_out[tool] = out
            else:
                shutil.rmtree(out, ignore_errors=True)
    checks = {}
    ours = last_out.get("risicobeeld")
    for peer in ("duckdb", "polars"):
        if ours is None or peer not in last_out:
            checks[peer] = "not checked (a run failed)"
            continue
        done = subprocess.run([args.python, str(HERE / "peers/compare.py"), str(result_dir("risicobeeld", ours)),
                               str(last_out[peer])], capture_output=True, text=True)
        checks[peer] = "equal" if done.returncode == 0 else "DIFFERENT: " + done.stdout.strip().replace("\n", "; ")
        print(f"{peer} vs risicobeeld: {checks[peer]}", flush=True)
    for out in last_out.values():
        shutil.rmtree(out, ignore_errors=True)
    return drop, rows, checks


def summary(rows):
    good = [r for r in rows if r[0]]
    if not good:
        return None
    return (statistics.median(r[1] for r in good), statistics.median(r[2] for r in good),
            max(r[3] for r in good), len(good))


def input_rows(drop):
    import pyarrow.parquet
    total = 0
    for sub in ("verblijfsobjecten", "rni", "kvk", "signalen"):
        for f in (drop / sub).glob("*.csv"):
            with f.open("rb") as handle:
                total += sum(1 for _ in handle) - 1
        for f in (drop / sub).glob("*.parquet"):
            total += pyarrow.parquet.ParquetFile(f).metadata.num_rows
    return total or None


def pip(args, drop):
    lines = subprocess.run([args.bench_pip, "--input", str(drop), "--points", str(args.pip_points)],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    ours = [json.loads(line) for line in lines]
    peers = subprocess.run([args.python, str(HERE / "peers/pip.py"), "--input", str(drop), "--points",
                            str(args.pip_points)], capture_output=True, text=True, check=True).stdout.splitlines()
    return ours + [json.loads(line) for line in peers]


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in pathlib.Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal")) / 1024 / 1024
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    import duckdb, polars, shapely
    return (f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, {platform.system()} "
            f"{platform.release()}; {rustc}, release build; Python {platform.python_version()}, "
            f"DuckDB {duckdb.__version__} with spatial, Polars {polars.__version__}, shapely {shapely.__version__}")


def markdown(args, results, pip_rows):
    start, end = markers(args.scale)
    lines = [start, "",
             f"Measured {datetime.date.today().isoformat()} by `bench/run --scale {args.scale} --repeat {args.repeat}` "
             f"on: {machine()}.", "",
             "Wall and CPU time are medians over the runs, peak memory the largest; the ratio is "
             "risicobeeld / peer (below 1.0: risicobeeld is faster). risicobeeld's run is the whole "
             "job: reading and validating every row, placing, the SQL models, the `openbaar/` copy "
             "with its disclosure audit, and publishing. The peers compute the three tables only.", ""]
    for fmt, (drop, rows, checks) in results.items():
        n = input_rows(drop)
        lines += [f"**{ {'csv': 'CSV', 'parquet': 'Parquet'}.get(fmt, fmt)} drop, scale {args.scale}**" + (f" ({n:,} input rows)" if n else ""), "",
                  "| tool | runs ok | wall | CPU | peak memory | wall ratio | same tables as risicobeeld |",
                  "|---|---|---|---|---|---|---|"]
        ours = summary(rows["risicobeeld"])
        for tool in ("risicobeeld", "duckdb", "polars"):
            s = summary(rows[tool])
            notes = "; ".join(sorted({r[4] for r in rows[tool] if r[4]}))
            if s is None:
                lines.append(f"| {tool} | 0 of {len(rows[tool])} | — | — | — | — | {notes} |")
                continue
            ratio = "—" if tool == "risicobeeld" or ours is None else f"{ours[0] / s[0]:.2f}"
            check = "—" if tool == "risicobeeld" else checks[tool]
            lines.append(f"| {tool} | {s[3]} of {len(rows[tool])} | {s[0]:.1f} s | {s[1]:.1f} s | "
                         f"{s[2]:.2f} GiB | {ratio} | {check}{'; ' + notes if notes else ''} |")
        lines.append("")
    if pip_rows:
        lines += ["**Point-in-polygon** (buurt polygons of the drop, uniform random points in their extent)", "",
                  "| tool | threads | points | points per second |", "|---|---|---|---|"]
        for r in pip_rows:
            lines.append(f"| {r['tool']} | {r['threads']} | {r['points']:,} | {r['points_per_second']:,.0f} |")
        lines.append("")
    lines.append(end)
    return "\n".join(lines)


def write_results(text, scale):
    start, end = markers(scale)
    path = HERE / "RESULTS.md"
    current = path.read_text()
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1]
        path.write_text(before + text + after)
    else:
        path.write_text(current.rstrip() + "\n\n" + text + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="csv,parquet")
    parser.add_argument("--drops", type=pathlib.Path, required=True)
    parser.add_argument("--risicobeeld", required=True)
    parser.add_argument("--bench-pip", required=True)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--pip-points", type=int, default=5_000_000)
    parser.add_argument("--memory-limit-gib", type=float, default=20.0)
    parser.add_argument("--no-write", action="store_true", help="print, do not update RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="risicobeeld-bench-", dir=args.drops) as work:
        results = {fmt: bench_drop(args, fmt, pathlib.Path(work)) for fmt in args.formats.split(",")}
    first = args.drops / f"{args.formats.split(',')[0]}-{args.scale}"
    pip_rows = pip(args, first)
    for r in pip_rows:
        print(f"point-in-polygon {r['tool']:22} {r['threads']} thread(s): {r['points_per_second']:,.0f} points/s")
    text = markdown(args, results, pip_rows)
    if args.no_write:
        print(text)
    else:
        write_results(text, args.scale)
        print(f"\nwritten to {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
