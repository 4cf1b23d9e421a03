#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/includes.py: the module graph of src/ from its #include "..." lines,
# and its cycles. A module is a header's stem with the .c files that define
# it: foo.c and foo.h are "foo"; report-text.c is "report" (report.h declares
# it), cmd-run.c is "cmd-run" (there is no cmd.h); foo-int.h, what foo's
# own .c files share and nobody else includes, is "foo" too. A header that forward-
# declares `struct x;` whose body lives in another module's header depends
# on that module as much as an #include would, so it counts as an edge.
#
# usage: scripts/includes.py [SRCDIR]   (default: src beside this script)
#   prints "a -> b" edges, then "cycle: a -> b -> a" lines, and exits 1
#   when there is a cycle.
import os
import re
import sys


def module_of(name, headers):
    stem = name.rsplit(".", 1)[0]
    if stem.endswith("-int") and stem[:-4] in headers:
        return stem[:-4]
    while stem not in headers and "-" in stem:
        stem = stem.rsplit("-", 1)[0]
    return stem if stem in headers else name.rsplit(".", 1)[0]


def read_graph(src):
    files = sorted(f for f in os.listdir(src) if f.endswith((".c", ".h")))
    headers = {f[:-2] for f in files if f.endswith(".h")}
    text = {}
    for f in files:
        with open(os.path.join(src, f), encoding="utf-8") as fh:
            text[f] = fh.read()
    defined = {}
    for f in files:
        if f.endswith(".h"):
            for m in re.finditer(r"^struct\s+(\w+)\s*\{", text[f], re.M):
                defined[m.group(1)] = f
    edges = set()
    for f in files:
        a = module_of(f, headers)
        for inc in re.findall(r'^#include\s+"([^"]+)"', text[f], re.M):
            if inc == "config.h" or not os.path.exists(os.path.join(src, inc)):
                continue
            b = module_of(inc, headers)
            if a != b:
                edges.add((a, b))
        if f.endswith(".h"):
            for s in re.findall(r"^struct\s+(\w+)\s*;", text[f], re.M):
                home = defined.get(s)
                if home is not None and module_of(home, headers) != a:
                    edges.add((a, module_of(home, headers)))
    return edges


def cycles(edges):
    """Each elementary cycle once, found from its smallest module."""
    succ = {}
    for a, b in edges:
        succ.setdefault(a, set()).add(b)
    found = []

    def walk(start, node, path, seen):
        for nxt in sorted(succ.get(node, ())):
            if nxt == start:
                found.append(path + [start])
            elif nxt > start and nxt not in seen:
                seen.add(nxt)
                walk(start, nxt, path + [nxt], seen)
                seen.discard(nxt)

    for start in sorted(succ):
        walk(start, start, [start], {start})
    return found


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "src")
    edges = read_graph(src)
    for a, b in sorted(edges):
        print(f"{a} -> {b}")
    loops = cycles(edges)
    for c in loops:
        print("cycle: " + " -> ".join(c))
    return 1 if loops else 0


if __name__ == "__main__":
    sys.exit(main())
