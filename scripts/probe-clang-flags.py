#!/usr/bin/env python3
"""Which options of a recorded Kbuild line clang rejects for a target.

  probe-clang-flags.py ARGV_FILE --target TRIPLE [--clang clang-19] [--substitute]

ARGV_FILE holds one argument per line (testdata/kbuild/*-argv.txt: a CHECK line, or a gcc
line with the compiler first). Every option that is not an include path, a define, a
warning or the source file is tried alone: `clang --target=TRIPLE -fsyntax-only OPTION` on
an empty C file. Printed: the options clang rejects (an error), one per line, which is
what targets.toml's `drop` lists hold. With --substitute the -m options are left out
(mmlint drops them all for a stand-in target).
"""
import argparse
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("argv_file")
    ap.add_argument("--target", required=True)
    ap.add_argument("--clang", default="clang-19")
    ap.add_argument("--substitute", action="store_true")
    a = ap.parse_args()
    words = [w for w in open(a.argv_file).read().splitlines() if w]
    if words and not words[0].startswith("-"):
        words = words[1:]  # the compiler
    seen, rejected = set(), []
    it = iter(words)
    for w in it:
        if w in ("-include", "-I", "-isystem", "-o", "-MF", "-x"):
            next(it, None)
            continue
        if (w.startswith(("-I", "-D", "-U", "-W", "-include", "--arch=", "-Wp,"))
                or not w.startswith("-") or w in seen):
            continue
        if a.substitute and w.startswith("-m"):
            continue
        seen.add(w)
        r = subprocess.run(
            [a.clang, f"--target={a.target}", "-fsyntax-only", "-x", "c", "-", w],
            input="", capture_output=True, text=True)
        if r.returncode != 0:
            first = next((l for l in r.stderr.splitlines() if "error" in l), r.stderr.strip())
            rejected.append(w)
            print(f"{w}\t{first}")
    print(f"# {len(seen)} options tried, {len(rejected)} rejected for {a.target}", file=sys.stderr)


if __name__ == "__main__":
    main()
