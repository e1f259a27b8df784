#!/usr/bin/env python3
"""Score credlint against a corpus made by gen_corpus.py (Python 3.11 stdlib only).

    python3 bench/corpus/score.py bench/data/corpus                 # runs credlint
    python3 bench/corpus/score.py bench/data/corpus --findings f.json
    python3 bench/corpus/score.py CORPUS --min-recall 0.95 --min-precision 0.95   # exit 1 below

A finding matches a label when the path is the same, the finding's line lies
in [label.line - 1, label.end_line + 1] (multi-line secrets such as PEM blocks
may be reported at their BEGIN line or their first body line), and the
reported secret overlaps the labelled one (or one of its alternative
spellings, e.g. the base64 form in a Kubernetes Secret): one contains the
other, or they share a run of >= 12 characters (>= 8 for short secrets).

recall    = labels matched by at least one finding / labels
precision = findings that match a label / findings
Several findings on one labelled secret (a specific rule and a generic one)
all count as true positives; they are listed as duplicates.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import os
import subprocess
import sys


def load_jsonl(p):
    with open(p) as f:
        return [json.loads(x) for x in f if x.strip()]


def overlap(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a in b or b in a:
        return min(len(a), len(b)) >= 6
    need = min(12, max(8, min(len(a), len(b)) // 2))
    m = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= need


def run_credlint(binary: str, tree: str, extra: list[str]) -> list[dict]:
    cmd = [binary, "scan", tree, "-f", "json", "--reveal", "--fail-on", "info", *extra]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"credlint failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-4000:]}")
    return json.loads(p.stdout)["findings"]


def norm_path(p: str, tree: str) -> str:
    p = p.replace("\\", "/")
    t = tree.rstrip("/") + "/"
    if p.startswith(t):
        p = p[len(t):]
    if p.startswith("./"):
        p = p[2:]
    return p


def score(corpus: str, findings: list[dict], tree: str):
    labels = load_jsonl(os.path.join(corpus, "labels.jsonl"))
    negs = load_jsonl(os.path.join(corpus, "negatives.jsonl"))
    by_path = collections.defaultdict(list)
    for i, lb in enumerate(labels):
        by_path[lb["path"]].append(i)
    neg_by = collections.defaultdict(list)
    for ng in negs:
        neg_by[ng["path"]].append(ng)

    hit = [[] for _ in labels]  # finding indices per label
    fps = []
    for fi, f in enumerate(findings):
        if f.get("kind", "leak") != "leak" or f.get("suppressed"):
            continue
        path = norm_path(f.get("path", ""), tree)
        line = f.get("line", 0)
        sec = f.get("secret", "")
        matched = False
        for li in by_path.get(path, []):
            lb = labels[li]
            if not (lb["line"] - 1 <= line <= lb["end_line"] + 1):
                continue
            if any(overlap(sec, s) for s in [lb["secret"], *lb.get("alts", [])]):
                hit[li].append(fi)
                matched = True
        if not matched:
            # attribute to the planted negative on that line, if any
            near = sorted((abs(ng["line"] - line), ng["kind"]) for ng in neg_by.get(path, []) if ng["line"] - 4 <= line <= ng["line"] + 4)
            fps.append((f, path, near[0][1] if near else "unplanted (filler/context)"))
    n_find = sum(1 for f in findings if f.get("kind", "leak") == "leak" and not f.get("suppressed"))
    return labels, hit, fps, n_find


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", help="directory written by gen_corpus.py (has tree/ and labels.jsonl)")
    ap.add_argument("--findings", help="read credlint JSON output from this file instead of running credlint")
    ap.add_argument("--credlint", default=os.environ.get("CREDLINT", "credlint"), help="credlint binary (env CREDLINT)")
    ap.add_argument("--save", help="write the credlint JSON output here")
    ap.add_argument("--min-recall", type=float, default=0.0)
    ap.add_argument("--min-precision", type=float, default=0.0)
    ap.add_argument("--max-list", type=int, default=60, help="misses / false positives to list (0 = none)")
    ap.add_argument("--json", help="write a machine-readable summary here")
    a = ap.parse_args()

    tree = os.path.join(a.corpus, "tree")
    if a.findings:
        with open(a.findings) as f:
            findings = json.load(f)["findings"]
    else:
        findings = run_credlint(a.credlint, tree, [])
        if a.save:
            with open(a.save, "w") as f:
                json.dump({"findings": findings}, f)

    labels, hit, fps, n_find = score(a.corpus, findings, tree)
    tp_labels = sum(1 for h in hit if h)
    tp_findings = n_find - len(fps)
    recall = tp_labels / len(labels) if labels else 1.0
    precision = tp_findings / n_find if n_find else 1.0

    fam = collections.OrderedDict()
    for lb, h in sorted(zip(labels, hit), key=lambda x: x[0]["family"]):
        d = fam.setdefault(lb["family"], [0, 0, 0])
        d[0] += 1
        d[1] += 1 if h else 0
    fp_rule = collections.Counter(f.get("rule_id", "?") for f, _, _ in fps)
    tp_rule = collections.Counter()
    for h in hit:
        for fi in h:
            tp_rule[findings[fi].get("rule_id", "?")] += 1

    print(f"labels: {len(labels)}   findings: {n_find}   true-positive findings: {tp_findings}   false positives: {len(fps)}")
    print(f"RECALL    {recall:.4f}  ({tp_labels}/{len(labels)})")
    print(f"PRECISION {precision:.4f}  ({tp_findings}/{n_find})")
    print()
    print(f"{'family':<16} {'labels':>6} {'found':>6} {'recall':>7}")
    for k, (n, found, _) in fam.items():
        print(f"{k:<16} {n:>6} {found:>6} {found / n:>7.3f}")
    print()
    rules = sorted(set(tp_rule) | set(fp_rule))
    print(f"{'rule':<40} {'TP':>5} {'FP':>5} {'precision':>9}")
    for k in rules:
        t, fpn = tp_rule[k], fp_rule[k]
        print(f"{k:<40} {t:>5} {fpn:>5} {t / (t + fpn):>9.3f}")

    kinds = collections.Counter()
    for lb, h in zip(labels, hit):
        if not h:
            kinds[lb["kind"]] += 1
    if kinds:
        print("\nmisses by kind: " + ", ".join(f"{k}={v}" for k, v in kinds.most_common()))
    fpk = collections.Counter(f"{f.get('rule_id')} <- {k}" for f, _, k in fps)
    if fpk:
        print("false positives by rule <- planted negative kind: " + ", ".join(f"{k}={v}" for k, v in fpk.most_common()))

    if a.max_list:
        misses = [(lb, h) for lb, h in zip(labels, hit) if not h]
        print(f"\n--- misses ({len(misses)}) ---")
        for lb, _ in misses[: a.max_list]:
            with open(os.path.join(tree, lb["path"]), errors="replace") as f:
                src = f.read().split("\n")[lb["line"] - 1]
            print(f"{lb['path']}:{lb['line']} [{lb['kind']}] {src[:160]}")
        print(f"\n--- false positives ({len(fps)}) ---")
        for f, path, k in fps[: a.max_list]:
            print(f"{path}:{f.get('line')} {f.get('rule_id')} ({k}) secret={f.get('secret', '')[:80]!r}")

    if a.json:
        with open(a.json, "w") as f:
            json.dump({"recall": recall, "precision": precision, "labels": len(labels), "findings": n_find, "false_positives": len(fps),
                       "families": {k: {"labels": v[0], "found": v[1]} for k, v in fam.items()}}, f, indent=2)

    ok = recall >= a.min_recall and precision >= a.min_precision
    if not ok:
        print(f"\nFAIL: recall {recall:.4f} (min {a.min_recall}), precision {precision:.4f} (min {a.min_precision})")
        sys.exit(1)


if __name__ == "__main__":
    main()
