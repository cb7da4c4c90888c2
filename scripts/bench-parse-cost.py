#!/usr/bin/env python3
"""Parse-cost baseline: in one run on the same translation units, CPU seconds and peak RSS of
`clang -fsyntax-only` (flags translated by ../shared/kernel-corpus/clang_syntax_bench.py) and
of `mmlint check -p DB -j1` (which parses with libclang and then analyses).

  scripts/bench-parse-cost.py COMPILE_DB [--under mm/ ...] [--clang clang-19] [--mmlint PATH]

Not a timed test: the numbers go to docs/performance.md. CPU time is the children's
user+sys from getrusage(RUSAGE_CHILDREN), measured around each phase; peak RSS is the largest
ru_maxrss of one child (clang: one process per TU; mmlint: the whole batch).
"""
import argparse, json, os, resource, subprocess, sys, time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "shared", "kernel-corpus"))
from clang_syntax_bench import translate, args_of  # noqa: E402


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--under", nargs="*", default=["mm/"])
    ap.add_argument("--clang", default="clang-19")
    ap.add_argument("--mmlint", default=os.path.join(here, "..", "target", "release", "mmlint"))
    a = ap.parse_args()
    db = json.load(open(a.db))
    sel = []
    for e in db:
        rel = os.path.relpath(e["file"], e["directory"])
        if rel.endswith(".c") and any(rel.startswith(u) for u in a.under):
            sel.append((rel, e))
    sel.sort()
    print(f"{len(sel)} TUs under {' '.join(a.under)}", file=sys.stderr)

    # clang -fsyntax-only, one process per TU, serially.
    t0, w0 = child_cpu(), time.monotonic()
    rss_clang, fails = 0, 0
    for rel, e in sel:
        args, _ = translate(args_of(e))
        args = [x for x in args if not x.endswith(rel)]
        p = subprocess.run([a.clang, "-fsyntax-only", *args, rel], cwd=e["directory"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        fails += p.returncode != 0
        rss_clang = max(rss_clang, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    clang_cpu, clang_wall = child_cpu() - t0, time.monotonic() - w0

    # mmlint batch, one job. RUSAGE_CHILDREN's maxrss is the largest child so far, so run
    # mmlint in a fresh helper process to read its own peak.
    t0, w0 = child_cpu(), time.monotonic()
    code = ("import resource,subprocess,sys;"
            "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, os.path.abspath(a.mmlint), "check", "-p",
                          os.path.abspath(a.db), "-j", "1", *a.under],
                         capture_output=True, text=True)
    rss_mmlint = int(out.stdout.strip() or 0)
    mmlint_cpu, mmlint_wall = child_cpu() - t0, time.monotonic() - w0

    print(json.dumps({
        "tus": len(sel),
        "clang_fsyntax_only": {"cpu_s": round(clang_cpu, 2), "wall_s": round(clang_wall, 2),
                               "peak_rss_mib": round(rss_clang / 1024, 1), "failures": fails},
        "mmlint_j1": {"cpu_s": round(mmlint_cpu, 2), "wall_s": round(mmlint_wall, 2),
                      "peak_rss_mib": round(rss_mmlint / 1024, 1)},
        "cpu_ratio": round(mmlint_cpu / clang_cpu, 3) if clang_cpu else None,
    }, indent=2))


if __name__ == "__main__":
    main()
