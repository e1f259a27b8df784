#!/usr/bin/env python3
"""Real-code benchmark: credlint and peers on planted credentials and real trees.

Python 3.11 stdlib only.

    python3 bench/realcode/gen_planted.py --out bench/data/realcode/planted --files 800 --seed 7
    bench/realcode/real_trees.sh --fetch > /dev/null      # once
    CREDLINT=target/release/credlint PEERS=/tmp/peers-venv/bin \\
      python3 bench/realcode/score.py --planted bench/data/realcode/planted \\
        --trees <(bench/realcode/real_trees.sh) --out bench/data/realcode/run

Tools (each skipped when not installed; `--tools` picks some):

    credlint       $CREDLINT scan DIR -f json --no-config --fail-on info
                   (+ --confidence low when `credlint scan --help` lists it)
    kingfisher     kingfisher scan DIR --no-validate --no-update-check
                   --git-history none --no-dedup -j 2 -f jsonl -o OUT --confidence low
    betterleaks    betterleaks DIR -o OUT.json --no-banner -j 2 --confidence low
    detect-secrets detect-secrets scan --all-files DIR
    credsweeper    credsweeper --path DIR --save-json OUT --no-stdout -j 2

Peers are looked up in $PEERS (a venv's bin/) and then on $PATH. Each run is
wrapped in `/usr/bin/time -v` (wall time, peak RSS) and stopped after
--timeout seconds.

Planted set: a finding matches a label when the path is the same and its line
is in [line - 1, end_line + 1] (places are separated by at least one ordinary
line). Findings are counted once per (path, line).

    recall    per kind = labels matched / labels
    precision          = finding lines that match a label / finding lines

Confidence: a finding's level (credlint: `confidence`, missing = high;
Kingfisher and Betterleaks: their `confidence`; CredSweeper: strong/moderate/
weak = high/medium/low; detect-secrets: none, all counted as high). Columns
are cumulative: `high`, `high+medium`, `all`. A tool's *default* level is
what it reports with no option: credlint high+medium (until `--confidence
low` exists), Kingfisher high+medium (its default `--confidence medium`),
Betterleaks all, CredSweeper all, detect-secrets all.

Real trees: findings at each tool's default level (a judgments.tsv line is
`path:line<TAB>credential|not<TAB>kind<TAB>reason`, path absolute or under
bench/data/realcode/), per 100 MB of scanned
bytes, and how many of them `judgments.tsv` (path:line, credential|not) calls
credentials, not credentials, or leaves unjudged. False alarms per 100 MB =
findings judged `not` + findings not judged at all (unjudged are counted as
false alarms: on these trees real credentials are rare, and every one found
so far is listed as `credential`).

Writes OUT/report.md (Markdown tables) and OUT/<tool>-<target>.jsonl
(normalised findings: path, line, level, rule; no values).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

LEVELS = ["high", "medium", "low"]
CUM = [("high", {"high"}), ("high+medium", {"high", "medium"}), ("all", {"high", "medium", "low"})]
DEFAULT_LEVEL = {"credlint": "high+medium", "kingfisher": "high+medium", "betterleaks": "all",
                 "detect-secrets": "all", "credsweeper": "all"}
KINDS = ["password", "url-header", "generic-secret", "generic-token", "salt-seed-nonce", "vendor", "private-key"]


def load_jsonl(p):
    with open(p) as f:
        return [json.loads(x) for x in f if x.strip()]


def find_tool(name):
    peers = os.environ.get("PEERS")
    if peers and os.path.exists(os.path.join(peers, name)):
        return os.path.join(peers, name)
    return shutil.which(name)


def credlint_has_confidence(binary):
    p = subprocess.run([binary, "scan", "--help"], capture_output=True, text=True)
    return "--confidence" in p.stdout


def timed(cmd, timeout, stdout_path=None):
    """Run under /usr/bin/time -v; returns (rc, wall seconds, peak RSS MB, timed_out)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = ["/usr/bin/time", "-v", "-o", tf.name, *cmd]
        out = open(stdout_path, "w") if stdout_path else subprocess.DEVNULL
        t0 = time.monotonic()
        try:
            p = subprocess.run(full, stdout=out, stderr=subprocess.DEVNULL, timeout=timeout)
            rc, to = p.returncode, False
        except subprocess.TimeoutExpired:
            rc, to = -1, True
        wall = time.monotonic() - t0
        if stdout_path:
            out.close()
        rss = 0.0
        for ln in open(tf.name):
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", ln)
            if m:
                rss = int(m.group(1)) / 1024
        return rc, wall, rss, to


def lvl(x, default="high"):
    x = (x or "").lower()
    return {"strong": "high", "moderate": "medium", "weak": "low"}.get(x, x if x in LEVELS else default)


def run_tool(tool, target, work, timeout, reuse=False):
    """Returns (findings [{path, line, level, rule}], stats dict)."""
    os.makedirs(work, exist_ok=True)
    norm, stf = os.path.join(work, f"{tool}.jsonl"), os.path.join(work, f"{tool}.stats.json")
    if reuse and os.path.exists(stf):
        st = json.load(open(stf))
        return (load_jsonl(norm) if os.path.exists(norm) and not st.get("timeout") and not st.get("error")
                else None), st
    out, st = _run_tool(tool, target, work, timeout)
    with open(stf, "w") as fh:
        json.dump(st, fh)
    return out, st


def _run_tool(tool, target, work, timeout):
    raw = os.path.join(work, f"{tool}.raw")
    exe = os.environ.get("CREDLINT") if tool == "credlint" else find_tool(tool)
    if not exe:
        return None, {"error": "not installed"}
    if tool == "credlint":
        cmd = [exe, "scan", target, "-f", "json", "--no-config", "--fail-on", "info", "-j", "2"]
        if credlint_has_confidence(exe):
            cmd += ["--confidence", "low"]
        rc, wall, rss, to = timed(cmd, timeout, raw)
    elif tool == "kingfisher":
        cmd = [exe, "scan", target, "--no-validate", "--no-update-check", "--git-history", "none", "--no-dedup", "-j", "2",
               "-f", "jsonl", "-o", raw, "--confidence", "low"]
        rc, wall, rss, to = timed(cmd, timeout)
    elif tool == "betterleaks":
        raw += ".json"
        cmd = [exe, target, "-o", raw, "--no-banner", "-j", "2", "--confidence", "low"]
        rc, wall, rss, to = timed(cmd, timeout)
    elif tool == "detect-secrets":
        cmd = [exe, "scan", "--all-files", target]
        rc, wall, rss, to = timed(cmd, timeout, raw)
    elif tool == "credsweeper":
        raw += ".json"
        cmd = [exe, "--path", target, "--save-json", raw, "--no-stdout", "-j", "2"]
        rc, wall, rss, to = timed(cmd, timeout)
    else:
        raise ValueError(tool)
    stats = {"wall": wall, "rss": rss, "rc": rc, "timeout": to, "cmd": " ".join(cmd)}
    if to:
        return None, stats
    out = []
    try:
        if tool == "credlint":
            for f in json.load(open(raw))["findings"]:
                if f.get("kind", "leak") != "leak" or f.get("suppressed"):
                    continue
                out.append(dict(path=f.get("path", ""), line=f.get("line", 0),
                                level=lvl(f.get("confidence"), "high"), rule=f.get("rule_id") or f.get("rule", "")))
        elif tool == "kingfisher":
            for ln in open(raw):
                if not ln.strip():
                    continue
                d = json.loads(ln)
                if "finding" not in d:
                    continue
                fi = d["finding"]
                out.append(dict(path=fi.get("path", ""), line=fi.get("line", 0), level=lvl(fi.get("confidence")),
                                rule=d.get("rule", {}).get("id", "")))
        elif tool == "betterleaks":
            if os.path.exists(raw):
                for f in json.load(open(raw)).get("findings", []):
                    loc = f.get("location", {})
                    out.append(dict(path=loc.get("path", ""), line=loc.get("start_line", 0),
                                    level=lvl(f.get("confidence")), rule=f.get("rule_id", "")))
        elif tool == "detect-secrets":
            for path, items in json.load(open(raw)).get("results", {}).items():
                for it in items:
                    out.append(dict(path=path, line=it.get("line_number", 0), level="high", rule=it.get("type", "")))
        elif tool == "credsweeper":
            if os.path.exists(raw):
                for f in json.load(open(raw)):
                    for ld in f.get("line_data_list", [])[:1]:
                        out.append(dict(path=ld.get("path", ""), line=ld.get("line_num", 0),
                                        level=lvl(f.get("confidence")), rule=f.get("rule", "")))
    except (json.JSONDecodeError, FileNotFoundError) as e:
        stats["error"] = f"unreadable output: {e}"
        return None, stats
    prefixes = {target.rstrip("/") + "/", os.path.abspath(target).rstrip("/") + "/"}
    for f in out:
        p = f["path"].replace("\\", "/")
        if tool == "detect-secrets":  # reports paths relative to the working directory
            p = os.path.abspath(p)
        for t in prefixes:
            if p.startswith(t):
                p = p[len(t):]
                break
        f["path"] = p[2:] if p.startswith("./") else p
    with open(os.path.join(work, f"{tool}.jsonl"), "w") as fh:
        for f in out:
            fh.write(json.dumps(f) + "\n")
    try:
        os.remove(raw)  # raw outputs hold values; keep only the normalised lines
    except FileNotFoundError:
        pass
    return out, stats


def dedup(findings, levels):
    """{(path, line): best level} for findings at the given levels."""
    best = {}
    for f in findings:
        if f["level"] not in levels:
            continue
        k = (f["path"], f["line"])
        if k not in best or LEVELS.index(f["level"]) < LEVELS.index(best[k]):
            best[k] = f["level"]
    return best


def score_planted(labels, negatives, findings, levels):
    lines = dedup(findings, levels)
    by_path = collections.defaultdict(list)
    for i, lb in enumerate(labels):
        by_path[lb["path"]].append(i)
    neg_at = {(n["path"], n["line"]): n["kind"] for n in negatives}
    hit = [False] * len(labels)
    tp = 0
    fp_causes = collections.Counter()
    for (path, line) in lines:
        ok = False
        for i in by_path.get(path, []):
            lb = labels[i]
            if lb["line"] - 1 <= line <= lb["end_line"] + 1:
                hit[i] = True
                ok = True
        if ok:
            tp += 1
        else:
            fp_causes[neg_at.get((path, line), "other line")] += 1
    per_kind = {}
    for k in KINDS:
        idx = [i for i, lb in enumerate(labels) if lb["kind"] == k]
        per_kind[k] = (sum(hit[i] for i in idx), len(idx))
    places = collections.defaultdict(lambda: [0, 0])
    for i, lb in enumerate(labels):
        places[lb["place"]][1] += 1
        places[lb["place"]][0] += hit[i]
    n = len(lines)
    return dict(per_kind=per_kind, recall=(sum(hit), len(labels)), precision=(tp, n), fp_causes=fp_causes,
                places=dict(places))


def tree_bytes(path):
    total = 0
    for dp, _, fs in os.walk(path):
        for f in fs:
            try:
                st = os.lstat(os.path.join(dp, f))
                if not os.path.islink(os.path.join(dp, f)):
                    total += st.st_size
            except OSError:
                pass
    return total


DATA = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "realcode"))


def judgment_path(tree, p):
    """The key of a finding in judgments.tsv: the file's absolute path, or
    its path under bench/data/realcode/ (`pypi/django-5.2.19/...`)."""
    full = os.path.normpath(p if os.path.isabs(p) else os.path.join(os.path.abspath(tree), p))
    return os.path.relpath(full, DATA) if full.startswith(DATA + os.sep) else full


def cred_groups(judg, root):
    """{path: [(first, last)]}: judged credential lines under root; adjacent
    lines are one credential, and private-key lines at most 4 apart (a PEM key reported at its BEGIN line by
    one tool and at its first body line, after `Proc-Type:`/`DEK-Info:`
    headers, by another)."""
    lines = collections.defaultdict(list)
    for k, v in judg.items():
        if v == "credential" and k.startswith(root):
            path, _, ln = k.rpartition(":")
            lines[path].append((int(ln), JUDGED_KIND.get(k) == "private-key"))
    out = {}
    for path, ls in lines.items():
        ls.sort()
        gs = [[ls[0][0], ls[0][0], ls[0][1]]]
        for ln, pem in ls[1:]:
            if ln <= gs[-1][1] + (4 if pem and gs[-1][2] else 1):
                gs[-1][1] = ln
            else:
                gs.append([ln, ln, pem])
        out[path] = [(g[0], g[1]) for g in gs]
    return out


JUDGED_KIND = {}


def load_judgments(path):
    j = {}
    if path and os.path.exists(path):
        for ln in open(path):
            if not ln.strip() or ln.startswith("#"):
                continue
            parts = ln.rstrip("\n").split("\t")
            if len(parts) >= 2:
                j[parts[0]] = parts[1]
            if len(parts) >= 3:
                JUDGED_KIND[parts[0]] = parts[2]
    return j


def pct(a, b):
    return "n/a" if b == 0 else f"{100 * a / b:.1f}%"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--planted", help="a gen_planted.py output directory")
    ap.add_argument("--trees", help="file of name<TAB>path lines (real_trees.sh output)")
    ap.add_argument("--judgments", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "judgments.tsv"))
    ap.add_argument("--tools", default="credlint,kingfisher,betterleaks,detect-secrets,credsweeper")
    ap.add_argument("--out", default="bench/data/realcode/run")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--reuse", action="store_true",
                    help="reuse OUT's earlier runs (normalised findings and times); only re-score")
    a = ap.parse_args()
    tools = a.tools.split(",")
    os.makedirs(a.out, exist_ok=True)
    md = []
    timing = []
    if a.planted:
        labels = load_jsonl(os.path.join(a.planted, "labels.jsonl"))
        negatives = load_jsonl(os.path.join(a.planted, "negatives.jsonl"))
        tree = os.path.join(a.planted, "tree")
        size = tree_bytes(tree)
        res = {}
        for t in tools:
            fnd, st = run_tool(t, tree, os.path.join(a.out, "planted"), a.timeout, a.reuse)
            timing.append(("planted", size, t, st))
            if fnd is None:
                print(f"{t}: {st.get('error') or 'timed out' if st.get('timeout') else st}", file=sys.stderr)
                continue
            res[t] = {name: score_planted(labels, negatives, fnd, levels) for name, levels in CUM}
        kc = collections.Counter(lb["kind"] for lb in labels)
        md.append(f"### Planted set ({len(labels)} labels in {len(set(lb['path'] for lb in labels))} files, "
                  f"{len(negatives)} hard negatives)\n")
        md.append("Recall per kind, precision and F1 at each cumulative confidence level "
                  "(`*` marks the tool's default level).\n")
        hdr = "| tool | level | " + " | ".join(f"{k} ({kc[k]})" for k in KINDS) + " | recall | precision | F1 |"
        md.append(hdr)
        md.append("|---|---|" + "---:|" * (len(KINDS) + 3))
        for t, by in res.items():
            for name, _ in CUM:
                s = by[name]
                cells = [pct(*s["per_kind"][k]) for k in KINDS]
                r = s["recall"][0] / max(1, s["recall"][1])
                p = s["precision"][0] / max(1, s["precision"][1])
                f1 = 0 if r + p == 0 else 2 * r * p / (r + p)
                mark = "*" if DEFAULT_LEVEL.get(t) == name else ""
                md.append(f"| {t} | {name}{mark} | " + " | ".join(cells) +
                          f" | {pct(*s['recall'])} | {pct(*s['precision'])} ({s['precision'][1] - s['precision'][0]} FP) | {f1:.3f} |")
        md.append("")
        md.append("False positives on the planted set by cause (default level):\n")
        md.append("| tool | causes |\n|---|---|")
        for t, by in res.items():
            c = by[DEFAULT_LEVEL[t]]["fp_causes"]
            md.append(f"| {t} | " + ", ".join(f"{k} {v}" for k, v in c.most_common()) + " |")
        md.append("")
        md.append("Recall per place (default level):\n")
        places = sorted({p for by in res.values() for p in by["all"]["places"]})
        md.append("| place | " + " | ".join(res) + " |\n|---|" + "---:|" * len(res))
        for p in places:
            md.append(f"| {p} | " + " | ".join(
                "{}/{}".format(*res[t][DEFAULT_LEVEL[t]]["places"].get(p, (0, 0))) for t in res) + " |")
        md.append("")
        with open(os.path.join(a.out, "planted-scores.json"), "w") as fh:
            json.dump({t: {n: {k: v for k, v in s.items() if k != "fp_causes"} for n, s in by.items()}
                       for t, by in res.items()}, fh, indent=1)
    if a.trees:
        judg = load_judgments(a.judgments)
        trees = [ln.rstrip("\n").split("\t") for ln in open(a.trees) if ln.strip()]
        agg = {t: collections.Counter() for t in tools}
        total = 0
        all_creds = 0
        for name, path in trees:
            size = tree_bytes(path)
            total += size
            root = judgment_path(path, ".").rstrip("/") + "/"
            groups = cred_groups(judg, root)
            all_creds += sum(len(g) for g in groups.values())
            for t in tools:
                fnd, st = run_tool(t, path, os.path.join(a.out, "real", name), a.timeout, a.reuse)
                timing.append((name, size, t, st))
                if fnd is None:
                    agg[t]["failed"] += 1
                    agg[t]["failed_bytes"] += size
                    print(f"{t} on {name}: {st.get('error') or ('timed out' if st.get('timeout') else st)}",
                          file=sys.stderr)
                    continue
                lines = dedup(fnd, CUM[[n for n, _ in CUM].index(DEFAULT_LEVEL[t])][1])
                agg[t]["bytes"] += size
                hit = set()
                for (p, ln) in lines:
                    jp = judgment_path(path, p)
                    v = judg.get(f"{jp}:{ln}", "unjudged")
                    if v == "credential":
                        hit.update((jp, g) for g in groups.get(jp, []) if g[0] <= ln <= g[1])
                    else:
                        agg[t][v] += 1
                    agg[t]["findings"] += 1
                agg[t]["credential"] += len(hit)
        md.append(f"### Real trees ({', '.join(n for n, _ in trees)}; {total / 1e6:.0f} MB)\n")
        md.append("Findings at each tool's default level, counted once per path:line; "
                  "judged by reading them (`bench/realcode/judgments.tsv`).\n")
        md.append(f"`credential` is also shown against all {all_creds} judged credentials in these trees "
                  "(the union of every tool's, as judged; adjacent lines, or private-key lines at most 4 apart, are one credential): a recall on real code. "
                  "`findings` counts path:lines, so a tool that reports a key twice counts twice there.\n")
        md.append("| tool | MB scanned | findings | credential | not | unjudged | false alarms / 100 MB |")
        md.append("|---|---:|---:|---:|---:|---:|---:|")
        for t in tools:
            c = agg[t]
            mb = c["bytes"] / 1e6
            fa = c["not"] + c["unjudged"]
            note = f" ({c['failed']} tree(s) not finished)" if c["failed"] else ""
            md.append(f"| {t}{note} | {mb:.0f} | {c['findings']} | {c['credential']} of {all_creds} | {c['not']} | "
                      f"{c['unjudged']} | {100 * fa / mb if mb else 0:.1f} |")
        md.append("")
    md.append("### Time (whole process, `/usr/bin/time -v`)\n")
    md.append("| target | MB | tool | wall s | peak RSS MB | status |\n|---|---:|---|---:|---:|---|")
    for target, size, t, st in timing:
        status = st.get("error") or ("timeout" if st.get("timeout") else f"rc {st.get('rc')}")
        md.append(f"| {target} | {size / 1e6:.1f} | {t} | {st.get('wall', 0):.1f} | {st.get('rss', 0):.0f} | {status} |")
    md.append("")
    md.append("Commands:\n")
    seen = set()
    for _, _, t, st in timing:
        if t not in seen and "cmd" in st:
            seen.add(t)
            md.append(f"- {t}: `{st['cmd']}`")
    report = "\n".join(md) + "\n"
    with open(os.path.join(a.out, "report.md"), "w") as fh:
        fh.write(report)
    print(report)


if __name__ == "__main__":
    main()
