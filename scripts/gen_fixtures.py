#!/usr/bin/env python3
"""Writes pack fixtures from edits of examples/report-2024.txt, with the findings
nianbao reports written in as `<!-- expect: -->` comments (text fixtures) or a sidecar
`.expect` file. Used once to create the fixtures; every generated expectation was
reviewed by hand (the fixture's purpose is in its name)."""
import json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target/debug/nianbao")
CLEAN = open(os.path.join(ROOT, "examples/report-2024.txt"), encoding="utf-8").read()

def edit(text, edits):
    for old, new in edits:
        if old not in text:
            sys.exit(f"edit not applicable: {old!r}")
        text = text.replace(old, new, 1)
    return text

def findings(pack, path):
    out = subprocess.run([BIN, "check", "--isolated", "--pack", pack, "--format", "json", path],
                         capture_output=True, text=True)
    return json.loads(out.stdout or "[]")

def write(pack_dir, name, text, sidecar=False):
    path = os.path.join(pack_dir, "tests", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w", encoding="utf-8").write(text)
    found = findings(pack_dir, path)
    if sidecar:
        lines = [f"{f['rule']} {f['line']}" for f in found]
        open(path.rsplit(".", 1)[0] + ".expect", "w", encoding="utf-8").write(
            "# 规则 行号\n" + "".join(l + "\n" for l in lines))
    else:
        by_line = {}
        for f in found:
            by_line.setdefault(f["line"], []).append(f["rule"])
        out = []
        for i, line in enumerate(text.split("\n"), 1):
            if i in by_line:
                out.append("<!-- expect: " + ", ".join(by_line[i]) + " -->")
            out.append(line)
        open(path, "w", encoding="utf-8").write("\n".join(out))
    print(f"{pack_dir}/tests/{name}: " + ", ".join(f"{f['rule']}@{f['line']} {f['message']}" for f in found))

def main(which):
    exec(open(os.path.join(ROOT, "scripts", f"fixtures_{which}.py"), encoding="utf-8").read(),
         dict(CLEAN=CLEAN, edit=edit, write=write, ROOT=ROOT))

if __name__ == "__main__":
    os.chdir(ROOT)
    for w in sys.argv[1:]:
        main(w)
