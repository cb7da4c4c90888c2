#!/usr/bin/env python3
"""Run mmlint on kernel files with their real compile flags from a compile_commands.json,
translated for clang the way ../shared/kernel-corpus/clang_syntax_bench.py does (until batch
mode lands in mmlint itself).

  scripts/kernel-check.py COMPILE_DB FILE... [--mmlint PATH]

FILE is relative to the kernel tree. mmlint runs with the tree as working directory, so the
paths it prints are relative to the tree.
"""
import argparse, json, os, shlex, subprocess, sys, time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "shared", "kernel-corpus"))
from clang_syntax_bench import translate, args_of  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--mmlint", default=os.path.join(here, "..", "target", "release", "mmlint"))
    a = ap.parse_args()
    db = json.load(open(a.db))
    root = os.path.dirname(os.path.abspath(a.db))
    by_file = {os.path.relpath(e["file"], e["directory"]): e for e in db}
    worst = 0
    for f in a.files:
        e = by_file.get(f)
        if e is None:
            print(f"{f}: error: not in {a.db}", file=sys.stderr)
            worst = 2
            continue
        args, _ = translate(args_of(e))
        args = [x for x in args if x != f and not x.endswith("/" + f)]
        t = time.monotonic()
        r = subprocess.run([os.path.abspath(a.mmlint), "check", f, "--"] + args, cwd=e["directory"])
        print(f"# {f}: exit {r.returncode}, {time.monotonic() - t:.2f}s", file=sys.stderr)
        worst = max(worst, r.returncode)
    sys.exit(worst)


if __name__ == "__main__":
    main()
