#!/usr/bin/env python3
"""Seeded damage to real translation units (docs/reliability.md).

  scripts/mutate-units.py COMPILE_DB [--count N] [--seed S] [--mmlint PATH]
                          [--timeout SEC] [--jobs J] [--json FILE] [--keep] [--control N]

Picks units of COMPILE_DB (seeded), damages a copy of each source file (truncate it,
delete a brace-balanced block, duplicate a range of lines, drop one brace, add a stray
`#endif`), and runs `mmlint check` on the copy with the unit's real flags, through a
one-entry compile_commands.json, one process per unit. The copy lives in a temporary
directory, never in the tree; `-iquote` with the original directory keeps its
`#include "..."` working.

Each run is classified:
  analysed   exit 0 or 1 (findings or none)
  failed     exit 2 with a one-line reason naming the unit on stderr
  no-reason  exit 2 without such a line (a defect: the user cannot tell why)
  panic      "panicked" on stderr (a defect, whatever the exit status)
  signal     killed by a signal (a crash, in mmlint or in libclang)
  hang       still running TIMEOUT + 30 s after mmlint's own --timeout TIMEOUT
The exit status is 1 when any run is no-reason, panic, signal or hang.
"""
import argparse, collections, concurrent.futures, json, os, random, re, shlex, shutil
import signal, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
MUTATIONS = ["truncate", "delete-block", "duplicate-block", "drop-brace", "stray-endif"]
# Lines naming the API: damage near them reaches the functions mmlint analyses.
INTERESTING = re.compile(r"mmap_(read|write)_|mmap_lock|mmap_sem|vm_area_struct|find_vma|"
                         r"vma_lookup|get_user_pages|pin_user_pages")


def site(rng, lines):
    """A line index to damage: half the time near a line that names the API."""
    hot = [i for i, l in enumerate(lines) if INTERESTING.search(l)]
    if hot and rng.random() < 0.5:
        i = rng.choice(hot) + rng.randint(-5, 5)
        return min(max(i, 0), len(lines) - 1)
    return rng.randrange(len(lines))


def matching_brace(text, open_at):
    """The index of the `}` closing the `{` at open_at (comments and strings ignored:
    damage, not compilation, is the point)."""
    depth = 0
    for j in range(open_at, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return None


def mutate(kind, text, rng):
    """The damaged text and a one-line description of the damage."""
    if kind == "none":
        return text, "undamaged copy (control)"
    lines = text.split("\n")
    if kind == "truncate":
        i = site(rng, lines)
        cut = sum(len(l) + 1 for l in lines[:i]) + rng.randrange(len(lines[i]) + 1)
        return text[:cut], f"truncated at byte {cut} (line {i + 1})"
    if kind == "delete-block":
        start = sum(len(l) + 1 for l in lines[:site(rng, lines)])
        opens = [m.start() for m in re.finditer(r"\{", text[start:start + 4000])]
        for o in opens:
            close = matching_brace(text, start + o)
            if close is not None:
                a, b = start + o, close + 1
                return text[:a] + text[b:], \
                    f"deleted block at lines {text.count(chr(10), 0, a) + 1}-{text.count(chr(10), 0, b) + 1}"
        kind = "duplicate-block"
    if kind == "duplicate-block":
        i = site(rng, lines)
        n = rng.randint(1, 12)
        dup = lines[i:i + n]
        return "\n".join(lines[:i + n] + dup + lines[i + n:]), \
            f"duplicated lines {i + 1}-{i + len(dup)}"
    if kind == "drop-brace":
        start = sum(len(l) + 1 for l in lines[:site(rng, lines)])
        braces = [m.start() for m in re.finditer(r"[{}]", text)]
        after = [b for b in braces if b >= start] or braces
        if not after:
            return text + "\n}\n", "added a closing brace (no brace to drop)"
        b = after[0] if rng.random() < 0.5 else rng.choice(after[:20])
        return text[:b] + text[b + 1:], \
            f"dropped '{text[b]}' at line {text.count(chr(10), 0, b) + 1}"
    if kind == "stray-endif":
        i = site(rng, lines)
        return "\n".join(lines[:i] + ["#endif"] + lines[i:]), f"stray #endif before line {i + 1}"
    raise ValueError(kind)


def command_for(entry, mutated):
    """The unit's compiler command with the source replaced by the damaged copy."""
    args = entry.get("arguments") or shlex.split(entry["command"])
    src = entry["file"]
    rel = os.path.relpath(src, entry["directory"])
    out = []
    for a in args:
        if a in (src, rel):
            out.append(mutated)
        else:
            out.append(a)
    if mutated not in out:
        out.append(mutated)
    # Quote includes are looked up beside the including file first: the copy is elsewhere.
    out[1:1] = ["-iquote", os.path.dirname(src)]
    return out


def classify(proc, stderr, timed_out, unit_name):
    if timed_out:
        return "hang", "killed after the outer time limit"
    if "panicked" in stderr:
        line = next((l for l in stderr.splitlines() if "panicked" in l), "")
        return "panic", line.strip()[:300]
    if proc.returncode < 0:
        return "signal", signal.Signals(-proc.returncode).name
    if proc.returncode in (0, 1):
        return "analysed", ""
    if proc.returncode == 2:
        base = os.path.basename(unit_name)
        reasons = [l for l in stderr.splitlines() if base in l and "error" in l]
        if reasons:
            return "failed", reasons[0].strip()[:300]
        return "no-reason", (stderr.strip().splitlines() or [""])[-1][:300]
    return "no-reason", f"exit status {proc.returncode}"


def run_one(job, mmlint, timeout, keep):
    n, entry, kind, seed = job
    rng = random.Random(seed)
    try:
        text = open(entry["file"], encoding="utf-8", errors="surrogateescape").read()
    except OSError as e:
        return {"n": n, "file": entry["file"], "kind": kind, "outcome": "skipped", "reason": str(e)}
    damaged, what = mutate(kind, text, rng)
    tmp = tempfile.mkdtemp(prefix="mmlint-mut-")
    try:
        mutated = os.path.join(tmp, os.path.basename(entry["file"]))
        with open(mutated, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(damaged)
        db = os.path.join(tmp, "compile_commands.json")
        with open(db, "w") as f:
            json.dump([{"directory": entry["directory"], "file": mutated,
                        "arguments": command_for(entry, mutated)}], f)
        cmd = [mmlint, "check", "-p", db, "-j", "1", "--timeout", str(timeout),
               "--format", "json", "--color", "never"]
        t = time.monotonic()
        timed_out = False
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                cwd=entry["directory"], start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout + 30)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            _, err = proc.communicate()
        stderr = err.decode("utf-8", "replace")
        outcome, reason = classify(proc, stderr, timed_out, mutated)
        return {"n": n, "file": os.path.relpath(entry["file"], entry["directory"]),
                "kind": kind, "damage": what, "outcome": outcome, "reason": reason,
                "seconds": round(time.monotonic() - t, 2), "exit": proc.returncode}
    finally:
        if keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mmlint", default=os.path.join(HERE, "..", "target", "release", "mmlint"))
    ap.add_argument("--timeout", type=int, default=120, help="mmlint's per-unit limit (s)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", help="write every run's record (JSON lines) here")
    ap.add_argument("--keep", action="store_true", help="keep the damaged copies")
    ap.add_argument("--control", type=int, default=10,
                    help="first analyse this many undamaged copies: they must be analysed, "
                         "or the copies' flags are wrong and the figures mean nothing")
    a = ap.parse_args()
    mmlint = os.path.abspath(a.mmlint)
    if not os.access(mmlint, os.X_OK):
        sys.exit(f"error: no mmlint at {mmlint} (cargo build --release, or --mmlint)")
    try:
        db = json.load(open(a.db))
    except (OSError, ValueError) as e:
        sys.exit(f"error: {a.db}: {e}")
    units = [e for e in db if os.path.exists(e["file"])]
    if not units:
        sys.exit(f"error: {a.db}: no unit whose source file exists")
    rng = random.Random(a.seed)
    jobs = [(n, rng.choice(units), MUTATIONS[n % len(MUTATIONS)], rng.randrange(1 << 62))
            for n in range(a.count)]
    controls = [(-1 - n, rng.choice(units), "none", 0) for n in range(a.control)]
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        for r in pool.map(lambda j: run_one(j, mmlint, a.timeout, False), controls):
            if r["outcome"] != "analysed":
                sys.exit(f"error: the undamaged copy of {r['file']} was not analysed "
                         f"({r['outcome']}: {r['reason']}): the harness is broken")
    if controls:
        print(f"controls: {len(controls)} undamaged copies analysed", file=sys.stderr)
    out = open(a.json, "w") if a.json else None
    counts = collections.Counter()
    by_kind = collections.defaultdict(collections.Counter)
    bad = []
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        futs = [pool.submit(run_one, j, mmlint, a.timeout, a.keep) for j in jobs]
        for i, fut in enumerate(concurrent.futures.as_completed(futs), 1):
            r = fut.result()
            counts[r["outcome"]] += 1
            by_kind[r["kind"]][r["outcome"]] += 1
            if out:
                out.write(json.dumps(r) + "\n")
                out.flush()
            if r["outcome"] in ("no-reason", "panic", "signal", "hang"):
                bad.append(r)
                print(f"{r['outcome']}: {r['file']} ({r['damage']}): {r['reason']}",
                      file=sys.stderr)
            if i % 100 == 0:
                print(f"{i}/{len(jobs)} {dict(counts)} {time.monotonic() - start:.0f}s",
                      file=sys.stderr)
    print(f"mutated units: {sum(counts.values())} from {len({j[1]['file'] for j in jobs})} "
          f"distinct units of {a.db} (seed {a.seed}), {time.monotonic() - start:.0f}s")
    for k in ["analysed", "failed", "no-reason", "panic", "signal", "hang", "skipped"]:
        print(f"  {k}: {counts[k]}")
    print("by mutation:")
    for kind in MUTATIONS:
        c = by_kind[kind]
        print(f"  {kind}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
