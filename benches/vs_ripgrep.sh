#!/usr/bin/env bash
# nianbao against ripgrep on the same files (issue 12).
#
#   benches/vs_ripgrep.sh            # builds the release binary if needed
#   NIANBAO=path/to/nianbao benches/vs_ripgrep.sh
#   PACK_PATTERNS=path/to/examples/pack_patterns   # instead of `cargo run --example`
#   SKIP_MEMORY=1 RUNS=9                             # only the two ratios, 9 pairs each
#
# Prints, for a generated batch of 10,000 reports and for one report, nianbao's time
# (`nianbao check --format concise`) against `rg` searching the same files with the
# national pack's own wording regexes (`examples/pack_patterns.rs`): each run of
# nianbao is paired with one of rg right after it, and the ratio printed is the
# median of the pairs' ratios (a shared machine's load changes between pairs); then the peak memory of checking 100,000 small files
# that have findings (/usr/bin/time -v). Targets: batch ≤ 4×, one report ≤ 1.2×,
# ≤ 64 MB for 100,000 files. Skips (exit 0) when rg is not installed.
#
# Also prints the batch's floor: the same 10,000 reports with every rule of the pack
# disabled (a configuration file that lists them all), so nianbao only reads, decodes
# and parses each report (sections, the three tables, the narrative) and writes
# nothing. What no rule can go below: the 4× target needs the whole check to cost
# less than 4× ripgrep, this line says how much of that the reading alone takes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v rg >/dev/null 2>&1; then
    echo "跳过：没有找到 ripgrep（rg）。安装：cargo install ripgrep 或 apt-get install ripgrep"
    exit 0
fi
runs=${RUNS:-5}
bin=${NIANBAO:-$root/target/release/nianbao}
if [ -z "${NIANBAO:-}" ]; then
    (cd "$root" && cargo build --release --quiet --bin nianbao)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# rg -f joins the patterns with `|`: a group name used by two patterns would be a
# duplicate, so named groups become plain groups (the same language otherwise).
if [ -n "${PACK_PATTERNS:-}" ]; then
    "$PACK_PATTERNS"
else
    (cd "$root" && cargo run --release --quiet --example pack_patterns)
fi |
    sed -E 's/\(\?P<[A-Za-z_][A-Za-z0-9_]*>/(?:/g' >"$work/patterns.txt"
if ! rg --no-config -q -f "$work/patterns.txt" "$root/examples/report-2024.txt"; then
    echo "ripgrep 无法使用规则包的正则（见上），不比较" >&2
    exit 1
fi
echo "规则包正则：$(wc -l <"$work/patterns.txt") 条"

python3 - "$root" "$work" "${SKIP_MEMORY:-}" <<'PY'
import os, sys
root, work, skip_memory = sys.argv[1], sys.argv[2], sys.argv[3]
srcs = [open(os.path.join(root, p), encoding="utf-8").read() for p in [
    "examples/report-2024.txt", "examples/report-with-defects.txt",
    "tests/fixtures/layout-one-cell-per-line.txt", "tests/fixtures/layout-columns.txt"]]
os.makedirs(f"{work}/batch"); os.makedirs(f"{work}/small")
for i in range(10000):
    with open(f"{work}/batch/r{i:05}.txt", "w", encoding="utf-8") as f:
        f.write(srcs[i % len(srcs)])
with open(f"{work}/one.txt", "w", encoding="utf-8") as f:
    f.write(srcs[1])
# Small files each with a dozen findings (missing sections and tables, residue).
small = ("某某局2024年政府信息公开工作年度报告\n一、总体情况\n本年收到申请12件。<span>改进</span>\n"
         "二、主动公开政府信息情况\n详见</div>附表。\n")
for i in range(0 if skip_memory else 100000):
    d = f"{work}/small/{i // 1000:03}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/s{i:05}.txt", "w", encoding="utf-8") as f:
        f.write(small)
PY

# Wall time (µs) of one run of a command, output discarded.
run_us() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000))
}

# $runs paired runs (nianbao then ripgrep, back to back, so both see the same load
# on a shared machine): the median of each, and the median of the pairs' ratios.
compare() {
    local what=$1 target=$2
    shift 2
    local ns=() rs=() ratios=()
    for _ in $(seq "$runs"); do
        local n r
        n=$(run_us "$bin" check --format concise --exit-zero "${nianbao_args[@]}" "$@")
        r=$(run_us rg --no-config -c -f "$work/patterns.txt" "$@")
        ns+=("$n")
        rs+=("$r")
        ratios+=("$(awk -v n="$n" -v r="$r" 'BEGIN {printf "%.4f", n / r}')")
    done
    local median='{a[NR]=$1} END {print a[int((NR+1)/2)]}'
    local n r ratio
    n=$(printf '%s\n' "${ns[@]}" | sort -n | awk "$median")
    r=$(printf '%s\n' "${rs[@]}" | sort -n | awk "$median")
    ratio=$(printf '%s\n' "${ratios[@]}" | sort -g | awk "$median")
    echo "$what：nianbao $(awk -v x="$n" 'BEGIN {printf "%.1f", x / 1000}') ms，ripgrep $(awk -v x="$r" 'BEGIN {printf "%.1f", x / 1000}') ms，比值 $(awk -v x="$ratio" 'BEGIN {printf "%.2f", x}')×（成对运行比值的中位数；目标 ≤ ${target}×）"
}

# Options given to nianbao only (not to ripgrep).
nianbao_args=()
compare "10000 份报告" 4 "$work/batch"
compare "1 份报告" 1.2 "$work/one.txt"

# The floor: every rule of the pack disabled. The configuration must leave nothing to
# find (else it is not a floor, and the line says so instead of a ratio).
ids=$("$bin" rules --isolated | grep -oE '^[A-Z][0-9]{3}\b' | sort -u)
{
    echo "# 停用规则包的全部规则：只读取、解析报告（benches/vs_ripgrep.sh）"
    echo "disable = ["
    printf '  "%s",\n' $ids
    echo "]"
} >"$work/floor.toml"
nianbao_args=(--config "$work/floor.toml")
if [ -n "$("$bin" check --format concise --exit-zero --quiet "${nianbao_args[@]}" "$work/batch" 2>/dev/null | head -1)" ]; then
    echo "停用全部规则后仍有问题输出：不是只读取，不比较" >&2
else
    compare "10000 份报告，只读取（停用全部 $(echo "$ids" | wc -l) 条规则）" 4 "$work/batch"
fi
nianbao_args=()

if [ -n "${SKIP_MEMORY:-}" ]; then
    exit 0
fi
findings=$("$bin" check --format concise --exit-zero --quiet "$work/small" 2>/dev/null | wc -l)
peak=$(/usr/bin/time -v "$bin" check --format jsonl --exit-zero "$work/small" 2>&1 >/dev/null |
    awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')
echo "100000 个小文件（${findings} 个问题）：峰值内存 $((peak / 1024)) MB（目标 ≤ 64 MB）"
