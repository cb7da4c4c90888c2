#!/usr/bin/env python3
"""Cost of mmlint next to Sparse in the kernel's own flow: `make -j2 C=2 CHECK=X DIRS...` run
with CHECK=true (the baseline: make and Kbuild's own work), CHECK=sparse and CHECK=mmlint in
one invocation, and the ratio of the two checkers' net CPU seconds.

  scripts/bench-kbuild-check.py KERNEL_TREE mm/ fs/ext4/ [--mmlint PATH] [--jobs 2]
                                [--order true,sparse,mmlint]

C=2 runs the checker on every file of the directories without rebuilding objects, so the
tree must have been built once (the compile_commands.json preparation does). CPU seconds
are user+sys of make and everything it waited for (getrusage(RUSAGE_CHILDREN) around each
make). mmlint's own caches (header scans; --no-cache has no meaning in CHECK mode) are
cleared before its run unless --warm is given, so the figure is a first run.

Not a timed test: the numbers go to docs/performance.md.
"""
import argparse, os, resource, shutil, subprocess, sys, tempfile, time


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tree")
    ap.add_argument("dirs", nargs="+")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--mmlint", default=os.path.join(here, "..", "target", "release", "mmlint"))
    ap.add_argument("--jobs", default="2")
    ap.add_argument("--order", default="true,sparse,mmlint")
    ap.add_argument("--warm", action="store_true", help="keep mmlint's header-scan cache")
    a = ap.parse_args()
    mmlint = os.path.abspath(a.mmlint)
    cache = tempfile.mkdtemp(prefix="mmlint-bench-cache-")
    checkers = {"true": "true", "sparse": "sparse", "mmlint": mmlint}
    cpu, wall = {}, {}
    for name in a.order.split(","):
        env = dict(os.environ)
        if name == "mmlint":
            # Header scans go to a fresh XDG cache directory: a first run.
            if not a.warm:
                shutil.rmtree(cache, ignore_errors=True)
                os.makedirs(cache)
            env["XDG_CACHE_HOME"] = cache
        cmd = ["make", f"-j{a.jobs}", "C=2", f"CHECK={checkers[name]}", *a.dirs]
        print("+", " ".join(cmd), file=sys.stderr)
        t0, w0 = child_cpu(), time.monotonic()
        p = subprocess.run(cmd, cwd=a.tree, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        cpu[name], wall[name] = child_cpu() - t0, time.monotonic() - w0
        print(f"CHECK={name}: {cpu[name]:.1f} CPU s, {wall[name]:.1f} s wall, exit {p.returncode}",
              file=sys.stderr)
    shutil.rmtree(cache, ignore_errors=True)
    base = cpu.get("true", 0.0)
    net = {k: v - base for k, v in cpu.items() if k != "true"}
    for k, v in net.items():
        print(f"{k}: {v:.1f} net CPU s")
    if net.get("sparse", 0) > 0 and "mmlint" in net:
        print(f"mmlint/sparse: {net['mmlint'] / net['sparse']:.2f}")


if __name__ == "__main__":
    main()
