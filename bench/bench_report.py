#!/usr/bin/env python3
"""Turn bench.sh's raw runs into the dated Markdown results (medians and ratios)."""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import statistics

PEERS = ["kingfisher", "ripsecrets", "detect-secrets", "rg"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--startup")
    ap.add_argument("--versions", default="")
    ap.add_argument("--load", default="")
    ap.add_argument("--reps", default="3")
    ap.add_argument("--small", default="0")
    ap.add_argument("--command", default="bench/bench.sh")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    manifest = json.load(open(a.manifest))
    runs = collections.defaultdict(list)  # (shape, tool) -> [(wall, rss_kb, rc, findings)]
    rawdir = os.path.dirname(os.path.abspath(a.raw))
    cpu = collections.defaultdict(list)  # (shape, tool) -> user+sys seconds of completed runs
    for line in open(a.raw):
        shape, tool, rep, wall, rss, rc, nf = line.rstrip("\n").split("\t")
        runs[(shape, tool)].append((wall, rss, rc, nf))
        tv = os.path.join(rawdir, f"{shape}.{tool}.{rep}.time")
        if not wall.startswith("timeout") and os.path.exists(tv):
            t = {}
            for ln in open(tv):
                k, _, v = ln.strip().partition(": ")
                t[k] = v
            try:
                cpu[(shape, tool)].append(float(t["User time (seconds)"]) + float(t["System time (seconds)"]))
            except (KeyError, ValueError):
                pass

    def med(shape, tool):
        rs = runs.get((shape, tool), [])
        ok = [r for r in rs if not r[0].startswith("timeout")]
        if not ok:
            lim = [float(r[0].split(":")[1]) for r in rs if ":" in r[0]]
            return {"wall": max(lim), "timeout": True, "rss": 0, "n": 0, "findings": "-", "rc": "124", "timeouts": len(rs)} if lim else None
        wall = statistics.median(float(r[0]) for r in ok)
        rss = statistics.median(int(r[1]) for r in ok) / 1024
        c = cpu.get((shape, tool))
        return {"timeout": False, "cpu": statistics.median(c) if c else None, "wall": wall, "rss": rss, "n": len(ok), "findings": ok[-1][3], "rc": ok[-1][2], "timeouts": len(rs) - len(ok)}

    shapes = [s for s in ["tree", "big", "tiny"] if any(k[0] == s for k in runs)]
    tools = []
    for k in runs:
        if k[1] not in tools:
            tools.append(k[1])

    L = []
    L.append(f"# Speed benchmark — {datetime.date.today().isoformat()}{' (small sizes, script check)' if a.small == '1' else ''}")
    L.append("")
    L.append(f"Command: `{a.command}` (medians of {a.reps} runs, interleaved; page cache warm; 2 threads per tool).")
    L.append("")
    L.append(f"Machine: 2 cores, 24 GB; load at the end of the run: `{a.load.strip()}`. Absolute times depend on whatever else the machine runs; the ratios come from runs interleaved over the same minutes.")
    L.append("")
    L.append("Tools: " + ", ".join(f"`{v}`" for v in a.versions.strip(";").split(";") if v))
    L.append("")
    L.append("| shape | files | MB | planted secrets |")
    L.append("|---|---:|---:|---:|")
    for s in shapes:
        m = manifest.get(s, {})
        L.append(f"| {s} | {m.get('files', '?'):,} | {m.get('bytes', 0) / 1e6:,.0f} | {m.get('planted_secrets', '?')} |")
    L.append("")
    L.append("## Medians")
    L.append("")
    L.append("| shape | tool | wall s | MB/s | CPU s (user+sys) | peak RSS MB | findings | runs |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for s in shapes:
        mb = manifest.get(s, {}).get("bytes", 0) / 1e6
        for t in tools:
            x = med(s, t)
            if x is None:
                continue
            if x["timeout"]:
                L.append(f"| {s} | {t} | > {x['wall']:.0f} (stopped) | < {mb / x['wall']:,.2f} | - | - | - | 1 (stopped at the cap) |")
                continue
            cs = f"{x['cpu']:.2f}" if x.get("cpu") is not None else "-"
            L.append(f"| {s} | {t} | {x['wall']:.2f} | {mb / x['wall']:,.1f} | {cs} | {x['rss']:,.0f} | {x['findings']} | {x['n']}{' (+%d timeout)' % x['timeouts'] if x['timeouts'] else ''} |")
    L.append("")
    L.append("## Ratios (credlint ÷ peer)")
    L.append("")
    L.append("Throughput ratio = peer wall time ÷ credlint wall time (> 1: credlint is faster). Memory ratio = credlint peak RSS ÷ Kingfisher peak RSS (≤ 1 meets the goal).")
    L.append("")
    hdr = "| shape | " + " | ".join(f"vs {p}" for p in PEERS if p in tools) + " | memory vs kingfisher | goals (≥2× KF, ≤ KF mem, ≥0.5× rg) |"
    L.append(hdr)
    L.append("|---" * (hdr.count("|") - 1) + "|")
    for s in shapes:
        c = med(s, "credlint")
        if not c:
            continue
        cells = []
        for p in PEERS:
            if p not in tools:
                continue
            x = med(s, p)
            if x is None:
                cells.append("-")
            elif x["timeout"]:
                cells.append(f"> {x['wall'] / c['wall']:.0f}× (peer stopped at {x['wall']:.0f} s)")
            else:
                cells.append(f"{x['wall'] / c['wall']:.2f}×")
        kf, rg = med(s, "kingfisher"), med(s, "rg")
        kf = None if kf and kf["timeout"] else kf
        rg = None if rg and rg["timeout"] else rg
        mem = f"{c['rss'] / kf['rss']:.2f}" if kf else "-"
        goals = []
        if kf:
            goals.append("KF " + ("ok" if kf["wall"] / c["wall"] >= 2 else "MISS"))
            goals.append("mem " + ("ok" if c["rss"] <= kf["rss"] else "MISS"))
        if rg:
            goals.append("rg " + ("ok" if rg["wall"] / c["wall"] >= 0.5 else "MISS"))
        L.append(f"| {s} | " + " | ".join(cells) + f" | {mem} | {', '.join(goals)} |")
    L.append("")

    L.append("CPU-time ratio (peer user+sys CPU seconds ÷ credlint's): the work done, less sensitive to other load on the machine than wall time.")
    L.append("")
    L.append("| shape | " + " | ".join(f"CPU vs {p}" for p in PEERS if p in tools) + " |")
    L.append("|---" * (1 + sum(1 for p in PEERS if p in tools)) + "|")
    for s_ in shapes:
        c = med(s_, "credlint")
        if not c or not c.get("cpu"):
            continue
        cells = []
        for p in PEERS:
            if p not in tools:
                continue
            x = med(s_, p)
            cells.append(f"{x['cpu'] / c['cpu']:.2f}×" if x and not x["timeout"] and x.get("cpu") else "-")
        L.append(f"| {s_} | " + " | ".join(cells) + " |")
    L.append("")

    if a.startup and os.path.exists(a.startup):
        st = json.load(open(a.startup))["results"]
        L.append("## Start-up: one small file (hyperfine)")
        L.append("")
        L.append("| tool | mean ms | median ms | min ms | ratio vs credlint |")
        L.append("|---|---:|---:|---:|---:|")
        base = next((r for r in st if r["command"] == "credlint"), None)
        for r in st:
            ratio = f"{r['median'] / base['median']:.1f}×" if base else "-"
            L.append(f"| {r['command']} | {r['mean'] * 1000:.1f} | {r['median'] * 1000:.1f} | {r['min'] * 1000:.1f} | {ratio} |")
        L.append("")
    with open(a.out, "w") as f:
        f.write("\n".join(x for x in L if x is not None) + "\n")


if __name__ == "__main__":
    main()
