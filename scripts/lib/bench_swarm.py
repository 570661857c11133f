"""Helpers of scripts/bench-swarm: cold starts of the streaming servers, the qBittorrent leecher and
the table. Every measuring mode prints `figure tool value` lines for the script's results file.

  bench_swarm.py cold peerstream|peerflix|rqbit OPTIONS -- COMMAND...  one cold start, two ranges
  bench_swarm.py qbt-leech ...                                      one download by qbittorrent-nox
  bench_swarm.py report RESULTS NOTES SIZE RUNS                     the table
"""

import argparse
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from urllib.parse import urlsplit

CLK_TCK = os.sysconf("SC_CLK_TCK")


def ranged(url, first, span, size, source, limit):
    """GET `Range: bytes=FIRST-(FIRST+SPAN-1)`; seconds to the first body byte and to the last, checked
    against the source, and the response's x-peerstream-source header."""
    u = urlsplit(url)
    last = min(first + span, size) - 1
    request = (
        f"GET {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\n"
        f"Range: bytes={first}-{last}\r\nConnection: close\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    first_byte = None
    head = None
    data = b""
    with socket.create_connection((u.hostname, u.port), timeout=limit) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(request)
        while True:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            data += chunk
            if head is None:
                end = data.find(b"\r\n\r\n")
                if end >= 0:
                    head, data = data[:end].decode("latin-1"), data[end + 4:]
            if head is not None and data and first_byte is None:
                first_byte = time.perf_counter() - started
            if head is not None and len(data) >= last - first + 1:
                break
        total = time.perf_counter() - started
    if head is None:
        raise SystemExit(f"{url} bytes={first}-{last}: no response head")
    status = head.split(" ", 2)[1]
    headers = {
        k.strip().lower(): v.strip()
        for k, _, v in (line.partition(":") for line in head.split("\r\n")[1:])
    }
    if status != "206":
        raise SystemExit(f"{url} bytes={first}-{last} answered {status}: {data[:300]!r}")
    with open(source, "rb") as f:
        f.seek(first)
        expected = f.read(last - first + 1)
    if data[: len(expected)] != expected:
        raise SystemExit(f"{url} bytes={first}-{last}: the body differs from the source")
    return first_byte, total, headers.get("x-peerstream-source", "?")


def vm_hwm(pid):
    """Peak RSS of a live process in KiB, or nan."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1])
    except OSError:
        pass
    return math.nan


def cpu_seconds(pid):
    """user + sys seconds of a live process, all its threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def wait_until(what, check, limit, pause=0.005):
    deadline = time.monotonic() + limit
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(pause)


def accepts(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def emit(figure, tool, value):
    print(f"{figure} {tool} {value}", flush=True)


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cold(a):
    """One cold start: the server is started here, so the time from its process start is exact."""
    limit, span = a.timeout, a.span
    log = open(a.log + ".err", "wb")
    out = open(a.log + ".out", "wb")
    started = time.perf_counter()
    proc = subprocess.Popen(a.command, stdout=out, stderr=log, stdin=subprocess.DEVNULL)
    try:
        if a.tool == "peerstream":
            cold_peerstream(a, proc, started)
        elif a.tool == "peerflix":
            # peerflix opens its HTTP port only once it has the metadata: the GET goes out the
            # moment the port accepts a connection.
            def listening():
                if proc.poll() is not None:
                    raise SystemExit(f"peerflix exited with status {proc.returncode}")
                return accepts(a.port)

            wait_until("peerflix's HTTP port", listening, limit)
            listening = time.perf_counter() - started
            stream = f"http://127.0.0.1:{a.port}/0"
            sent = time.perf_counter() - started
            cold_first, _, _ = ranged(stream, 0, span, a.size, a.source, limit)
            seek_first, _, _ = ranged(stream, a.size * 9 // 10, span, a.size, a.source, limit)
            emit("pf_listen", a.seeder, f"{listening * 1000:.1f}")
            emit("pf_start_cold", a.seeder, f"{(sent + cold_first) * 1000:.1f}")
            emit("pf_ttfb_cold", a.seeder, f"{cold_first * 1000:.1f}")
            emit("pf_seek", a.seeder, f"{seek_first * 1000:.1f}")
        else:
            cold_rqbit(a)
    finally:
        stop(proc)


def cold_peerstream(a, proc, started):
    limit, span, size, source = a.timeout, a.span, a.size, a.source

    def listen_url():
        if proc.poll() is not None:
            raise SystemExit(f"peerstream serve exited with status {proc.returncode}")
        with open(a.log + ".out", "rb") as f:
            line = f.readline().decode()
        return line.strip() if line.startswith("http://127.0.0.1:") and line.endswith("\n") else None

    base = wait_until("peerstream serve's listen URL", listen_url, 10).rstrip("/")
    sent = time.perf_counter() - started

    def status():
        with urllib.request.urlopen(f"{base}/api/torrents", timeout=10) as r:
            torrents = json.load(r)["torrents"]
        return next((t for t in torrents if t.get("info_hash") == a.hash), None)

    stream = f"{base}/stream/proxy/{a.hash}"
    cold_first, cold_total, cold_source = ranged(stream, 0, span, size, source, limit)
    before = status()
    seek_first, seek_total, seek_source = ranged(stream, size * 9 // 10, span, size, source, limit)
    s = a.seeder
    emit("start_cold", s, f"{(sent + cold_first) * 1000:.1f}")
    emit("ttfb_cold", s, f"{cold_first * 1000:.1f}")
    emit("range_cold", s, f"{cold_total * 1000:.1f}")
    emit("source_cold", s, cold_source)
    emit("ttfb_seek", s, f"{seek_first * 1000:.1f}")
    emit("range_seek", s, f"{seek_total * 1000:.1f}")
    emit("source_seek", s, seek_source)
    emit("before_seek", s, before["downloaded_bytes"] if before else 0)
    if a.finish:
        # The rest of the file, so the peak RSS covers a whole file streamed in.
        begun = time.monotonic()
        while time.monotonic() - begun < limit:
            t = status()
            if t and (t.get("state") == "complete" or t.get("progress", 0) >= 1.0):
                emit("serve_rest", s, f"{time.monotonic() - begun:.3f}")
                break
            time.sleep(0.25)
        else:
            emit("serve_rest", s, "nan")
    emit("rss", f"serve-{s}", vm_hwm(proc.pid))


def cold_rqbit(a):
    """rqbit's streaming server: the magnet added over its HTTP API with the seeder as the initial
    peer (the call returns once the metadata is in), then the same two ranges; timed from the add."""
    base = f"http://127.0.0.1:{a.port}"

    def answers():
        try:
            urllib.request.urlopen(f"{base}/torrents", timeout=2).read()
            return True
        except OSError:
            return False

    wait_until("rqbit's HTTP API", answers, 30, 0.05)
    started = time.perf_counter()
    add = urllib.request.Request(
        f"{base}/torrents?overwrite=true&initial_peers=127.0.0.1:{a.peer_port}",
        data=f"magnet:?xt=urn:btih:{a.hash}".encode(), method="POST")
    with urllib.request.urlopen(add, timeout=a.timeout) as r:
        torrent_id = json.load(r)["id"]
    added = time.perf_counter() - started
    stream = f"{base}/torrents/{torrent_id}/stream/0"
    cold_first, _, _ = ranged(stream, 0, a.span, a.size, a.source, a.timeout)
    seek_first, _, _ = ranged(stream, a.size * 9 // 10, a.span, a.size, a.source, a.timeout)
    emit("ref_cold", a.seeder, f"{(added + cold_first) * 1000:.1f}")
    emit("ref_seek", a.seeder, f"{seek_first * 1000:.1f}")


def qbt_leech(a):
    """One download by a running qbittorrent-nox (its web API open to loopback without login): the
    torrent added, the seeder given as its only peer, polled until complete. Wall time and CPU count
    from the add to the completion: the daemon's own start-up is not counted."""
    api = a.api.rstrip("/")

    def call(path, fields=None, files=None):
        data, headers = None, {}
        if files:
            boundary = "benchswarmboundary"
            parts = []
            for name, value in (fields or {}).items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                             f"{value}\r\n".encode())
            for name, path_ in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                             f'filename="{os.path.basename(path_)}"\r\n'
                             "Content-Type: application/x-bittorrent\r\n\r\n".encode()
                             + open(path_, "rb").read() + b"\r\n")
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif fields is not None:
            data = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(f"{api}{path}", data=data, headers=headers)
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read()

    def answers():
        try:
            return call("/api/v2/app/version")
        except OSError:
            return None

    wait_until("qbittorrent-nox's web API", answers, 60, 0.05)

    def info():
        got = json.loads(call(f"/api/v2/torrents/info?hashes={a.hash}"))
        return got[0] if got else None

    cpu0 = cpu_seconds(a.pid)
    started = time.perf_counter()
    call("/api/v2/torrents/add", {"savepath": a.save, "skip_checking": "false"}, {"torrents": a.torrent})
    wait_until("the torrent in qbittorrent-nox", info, 30, 0.01)
    call("/api/v2/torrents/addPeers", {"hashes": a.hash, "peers": a.peer})
    deadline = time.monotonic() + a.timeout
    while True:
        t = info()
        if t and t.get("progress", 0) >= 1.0:
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"qbittorrent-nox did not finish within {a.timeout}s: {t}")
        time.sleep(0.2)
    wall = time.perf_counter() - started
    cpu = cpu_seconds(a.pid) - cpu0
    emit("wall", a.label, f"{wall:.3f}")
    emit("cpu", a.label, f"{cpu:.3f}")
    emit("rss", a.label, vm_hwm(a.pid))


# --- the table ---------------------------------------------------------------------------------

def report(a):
    size, runs, cpus = a.size, a.runs, os.cpu_count()
    values, words = {}, {}
    for line in open(a.results):
        figure, tool, value = line.split()
        try:
            values.setdefault((figure, tool), []).append(float(value))
        except ValueError:
            words[(figure, tool)] = value

    def get(figure, tool, pick=statistics.median):
        v = [x for x in values.get((figure, tool), []) if not math.isnan(x)]
        return pick(v) if v else math.nan

    def spread(figure, tool, spec, scale=1.0):
        v = [x * scale for x in values.get((figure, tool), []) if not math.isnan(x)]
        return f"{min(v):{spec}}-{max(v):{spec}} (n={len(v)})" if v else ""

    def fmt(v, spec):
        return "-" if v is None or math.isnan(v) else format(v, spec)

    mib, gib = 1024 * 1024, 1024 ** 3

    def mibps(tool):
        return size / mib / get("wall", tool, min)  # best run

    def ratio(x, y):
        return x / y if y and not math.isnan(y) and not math.isnan(x) else math.nan

    def met(ok, v):
        return "" if ok is None or math.isnan(v) else ("yes" if ok else "NO")

    # label, peerstream, reference, format, ratio, target, met, spreads (peerstream; reference)
    rows = []

    def row(label, mine, ref, spec, target="", ok=None, spreads=("", "")):
        r = ratio(mine, ref) if ref is not None else math.nan
        rows.append((label, mine, ref, spec, r, target, ok if ok is not None else "", spreads))

    ps, aria = mibps("peerstream"), mibps("aria2c")
    row("fetch throughput, MiB/s (ref: aria2c)", ps, aria, ".0f", ">= 1.0x aria2c",
        met(ps / aria >= 1.0, ratio(ps, aria)))
    for ref, name in (("rqbit", "rqbit"), ("qbittorrent", "qBittorrent")):
        if not math.isnan(mibps(ref)):
            row(f"fetch throughput, MiB/s (ref: {name})", ps, mibps(ref), ".0f")
    if not math.isnan(mibps("qbittorrent@qbittorrent")):
        row("  from the qbittorrent seeder (ref: qBittorrent)", mibps("peerstream@qbittorrent"),
            mibps("qbittorrent@qbittorrent"), ".0f")
    if not math.isnan(mibps("rqbit@rqbit")):
        row("  from the rqbit seeder (ref: rqbit)", mibps("peerstream@rqbit"), mibps("rqbit@rqbit"), ".0f")

    seeders = [s for s in ("aria2c", "qbittorrent", "rqbit") if ("ttfb_cold", s) in values]
    # Row 1 and 2 of issue 14: against peerflix, from each tool's process start.
    rows_vs_peerflix = (("cold first byte from start", "start_cold", "pf_start_cold"),
                        ("first byte after seek 90 %", "ttfb_seek", "pf_seek"))
    for label, mine_key, ref_key in rows_vs_peerflix:
        for seeder in seeders:
            if (ref_key, seeder) not in values:
                continue
            mine, ref = get(mine_key, seeder), get(ref_key, seeder)
            row(f"{label}, ms ({seeder}; ref: peerflix)", mine, ref, ".0f",
                "<= 1.0x peerflix", met(ratio(mine, ref) <= 1.0, ratio(mine, ref)),
                (spread(mine_key, seeder, ".0f"), spread(ref_key, seeder, ".0f")))
    # Row 3: CPU per GiB downloaded, median over the runs.
    per_gib = gib / size
    for seeder, suffix in (("aria2c", ""), ("qbittorrent", "@qbittorrent")):
        mine = get("cpu", "peerstream" + suffix) * per_gib
        for ref, name, target in (("qbittorrent", "qBittorrent", "<= 1.1x qBittorrent"),
                                  ("aria2c", "aria2c", "")):
            theirs = get("cpu", ref + suffix) * per_gib
            if math.isnan(theirs):
                continue
            r = ratio(mine, theirs)
            row(f"CPU s/GiB fetch ({seeder} seeder; ref: {name})", mine, theirs, ".2f", target,
                met(r <= 1.1, r) if target else "",
                (spread("cpu", "peerstream" + suffix, ".2f", per_gib),
                 spread("cpu", ref + suffix, ".2f", per_gib)))
    # The absolute targets, against rqbit's streaming server where it ran.
    for seeder in seeders:
        cold_ms, ref = get("ttfb_cold", seeder), get("ref_cold", seeder)
        row(f"serve first byte cold after GET, ms ({seeder})", cold_ms, ref, ".0f", "< 1000 ms",
            met(cold_ms < 1000, cold_ms),
            (spread("ttfb_cold", seeder, ".0f"), spread("ref_cold", seeder, ".0f")))
    for seeder in seeders:
        seek, ref = get("ttfb_seek", seeder), get("ref_seek", seeder)
        row(f"first byte after seek 90 %, ms ({seeder})", seek, ref, ".0f", "< 300 ms",
            met(seek < 300, seek), (spread("ttfb_seek", seeder, ".0f"), spread("ref_seek", seeder, ".0f")))
    ps_rss, aria_rss = get("rss", "peerstream", max) / 1024, get("rss", "aria2c", max) / 1024
    serve_rss = get("rss", "serve-aria2c", max) / 1024
    row("peak RSS fetch, MiB (ref: aria2c)", ps_rss, aria_rss, ".1f", "< 150 MiB", met(ps_rss < 150, ps_rss))
    row("peak RSS serve, MiB", serve_rss, None, ".1f", "< 150 MiB", met(serve_rss < 150, serve_rss))

    print()
    print(f"peerstream on a loopback swarm: {size // mib} MiB file, 1 MiB pieces, one seeder at a time,"
          f" 127.0.0.1, {cpus} CPUs; {runs} download run(s) per tool (throughput: best; CPU: median);"
          " first bytes: median of the cold starts per seeder; reference for 'after GET' rows:"
          " rqbit's streaming server")
    print()
    header = (f"{'figure':<58} {'peerstream':>10} {'reference':>10} {'ratio':>7}  "
              f"{'target':<19} {'met':<3}  spread peerstream; reference")
    print(header)
    print("-" * len(header))
    for label, mine, ref, spec, r, target, ok, spreads in rows:
        r_text = "-" if math.isnan(r) else f"{r:.2f}x"
        ref_text = fmt(ref, spec) if ref is not None else "-"
        spread_text = "; ".join(s or "-" for s in spreads) if any(spreads) else ""
        print(f"{label:<58} {fmt(mine, spec):>10} {ref_text:>10} {r_text:>7}  "
              f"{target:<19} {ok:<3}  {spread_text}")
    print()
    for tool in ("peerstream", "aria2c", "rqbit", "qbittorrent", "peerstream@qbittorrent",
                 "aria2c@qbittorrent", "qbittorrent@qbittorrent", "peerstream@rqbit", "rqbit@rqbit"):
        walls = values.get(("wall", tool))
        if walls:
            rss = values.get(("rss", tool), [])
            cpu = values.get(("cpu", tool), [])
            print(f"{tool}: download wall times (s) " + " ".join(f"{w:.2f}" for w in walls)
                  + " (" + " ".join(f"{size / mib / w:.0f}" for w in walls) + " MiB/s)"
                  + (("; CPU (s) " + " ".join(f"{c:.2f}" for c in cpu)) if cpu else "")
                  + "; peak RSS (MiB) " + " ".join(f"{x / 1024:.1f}" for x in rss))

    def each(figure, seeder):
        return " ".join(f"{v:.0f}" for v in values.get((figure, seeder), []))

    for seeder in seeders:
        before = get("before_seek", seeder)
        rest = get("serve_rest", seeder)
        print(f"serve, {seeder} seeder: first byte cold per run (ms) from the process start"
              f" {each('start_cold', seeder)}, from the GET {each('ttfb_cold', seeder)},"
              f" after the seek {each('ttfb_seek', seeder)}; whole 64 KiB range cold (median)"
              f" {get('range_cold', seeder):.0f} ms (x-peerstream-source:"
              f" {words.get(('source_cold', seeder), '?')}), after the seek"
              f" {get('range_seek', seeder):.0f} ms ({words.get(('source_seek', seeder), '?')});"
              f" verified before the seek: {before / mib:.1f} MiB ({before / size * 100:.1f} %)"
              + (f"; rest of the download after the seek: {rest:.1f} s" if not math.isnan(rest) else ""))
        if ("pf_start_cold", seeder) in values:
            print(f"  peerflix: first byte cold per run (ms) from the process start"
                  f" {each('pf_start_cold', seeder)}, of which until its HTTP port listened"
                  f" {each('pf_listen', seeder)}, from the GET {each('pf_ttfb_cold', seeder)};"
                  f" after the seek {each('pf_seek', seeder)}")
        if ("ref_cold", seeder) in values:
            print(f"  rqbit's streaming server: first byte cold per run (ms), from the add"
                  f" {each('ref_cold', seeder)}, after the seek {each('ref_seek', seeder)}")
    for seeder in ("aria2c", "qbittorrent", "rqbit"):
        shake = values.get(("seeder_handshake", seeder))
        if shake:
            print(f"{seeder} seeder answers a new connection's handshake in (ms): "
                  + " ".join(f"{v:.0f}" for v in shake))
    for line in open(a.notes):
        print("note: " + line.rstrip())


def main():
    p = argparse.ArgumentParser(prog="bench_swarm.py")
    sub = p.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("cold")
    c.add_argument("tool", choices=("peerstream", "peerflix", "rqbit"))
    c.add_argument("--seeder", required=True)
    c.add_argument("--hash", required=True)
    c.add_argument("--source", required=True)
    c.add_argument("--size", type=int, required=True)
    c.add_argument("--span", type=int, required=True)
    c.add_argument("--timeout", type=int, required=True)
    c.add_argument("--log", required=True, help="prefix of the server's .out and .err files")
    c.add_argument("--port", type=int, help="peerflix's HTTP port, rqbit's API port")
    c.add_argument("--peer-port", type=int, help="the seeder's port (rqbit)")
    c.add_argument("--finish", action="store_true", help="then download the rest (peerstream)")
    q = sub.add_parser("qbt-leech")
    for name in ("api", "hash", "torrent", "save", "peer", "label"):
        q.add_argument(f"--{name}", required=True)
    q.add_argument("--pid", type=int, required=True)
    q.add_argument("--timeout", type=int, required=True)
    r = sub.add_parser("report")
    r.add_argument("results")
    r.add_argument("notes")
    r.add_argument("size", type=int)
    r.add_argument("runs")
    argv = sys.argv[1:]
    command = argv[argv.index("--") + 1:] if "--" in argv else []
    a = p.parse_args(argv[: len(argv) - len(command) - (1 if command else 0)])
    if a.mode == "cold":
        if not command:
            p.error("cold needs `-- COMMAND...`")
        a.command = command
        cold(a)
    elif a.mode == "qbt-leech":
        qbt_leech(a)
    else:
        report(a)


if __name__ == "__main__":
    sys.exit(main())
