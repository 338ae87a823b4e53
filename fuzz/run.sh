#!/usr/bin/env bash
# Runs fuzz targets one after another (nightly and cargo-fuzz: RELIABILITY.md) and prints, per
# target, one row RELIABILITY.md can quote: executions, executions per second (wall clock, and
# per CPU second, which load on a shared machine moves less), libFuzzer's coverage (`cov` and
# `ft` of its final status line) and the corpus it ended with.
#
#   fuzz/run.sh                               every target, 600 s each
#   fuzz/run.sh 60 spec_edits                 one target, 60 s
#   fuzz/run.sh --at 9958119 60 spec_edits    the same on the code of a commit ("before" figures)
#   fuzz/run.sh --nice 600                    at nice 19, to leave a shared machine usable
#
# Every run starts from the checked-in seeds (fuzz/corpus/<target>/, the same seeds for --at)
# in an emptied working corpus, fuzz/work/<target>-<code>/, so runs compare. --at builds the
# commit's tree in a folder of its own under ${TMPDIR:-/tmp} (first time: a copy of
# fuzz/target seeds its build, so only the workspace's crates compile again), with this
# script's build options, so before and after are built alike. A crash or timeout is written to
# fuzz/artifacts/<target>/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

at=""
nice_level=0
while [ $# -gt 0 ]; do
    case "$1" in
        --at) at="$2"; shift 2 ;;
        --nice) nice_level=19; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
seconds=${1:-600}
shift || true

# The tree whose targets run: this checkout, or the commit's files in a folder of its own.
tree="$root"
code="here"
if [ -n "$at" ]; then
    commit=$(git -C "$root" rev-parse --short "$at^{commit}")
    code="$commit"
    tree="${TMPDIR:-/tmp}/onenote-api-fuzz-$commit"
    if [ ! -d "$tree" ]; then
        echo "--- extracting $commit into $tree"
        mkdir -p "$tree"
        git -C "$root" archive "$commit" | tar -x -C "$tree"
        if [ -d "$root/fuzz/target" ]; then
            cp -a "$root/fuzz/target" "$tree/fuzz/target"
        fi
    fi
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cd "$tree" && cargo +nightly fuzz list)
fi

# How each target is built. The spec targets look for panics and broken properties in safe
# code, so they go without AddressSanitizer (it finds memory errors, which need unsafe code,
# and codegen forbids it): its bookkeeping of every allocation cost them 4-6x the executions.
# spec_edits' input is an edit script, not text the code compares, so it also goes without
# comparison tracing, half of what was left. Each set of options builds in its own folder.
build_options() {
    case "$1" in
        spec_bytes) echo "--sanitizer none --target-dir fuzz/target/no-asan" ;;
        spec_edits) echo "--sanitizer none --no-trace-compares --target-dir fuzz/target/no-asan-no-cmp" ;;
        *) echo "" ;;
    esac
}

rows=()
status=0
for target in "${targets[@]}"; do
    read -r -a build <<<"$(build_options "$target")"
    work="$root/fuzz/work/$target-$code"
    log="$root/fuzz/work/$target-$code.log"
    rm -rf "$work"
    mkdir -p "$work" "$root/fuzz/artifacts/$target"
    options=(-max_total_time="$seconds" -timeout=300 -rss_limit_mb=4096 -print_final_stats=1
        -artifact_prefix="$root/fuzz/artifacts/$target/")
    if [ "$target" = spec_bytes ]; then
        options+=(-dict="$root/fuzz/dict/spec.dict")
    fi
    echo "--- $target ($code): ${seconds} s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$tree" && cargo +nightly fuzz build "${build[@]}" "$target")
    started=$(date +%s)
    cpu_file=$(mktemp)
    set +e
    (cd "$tree" && nice -n "$nice_level" /usr/bin/time -o "$cpu_file" -f "%U %S" \
        cargo +nightly fuzz run "${build[@]}" "$target" "$work" "$root/fuzz/corpus/$target" -- "${options[@]}") \
        2>&1 | tee "$log"
    exit_code=${PIPESTATUS[0]}
    set -e
    elapsed=$(( $(date +%s) - started ))
    cpu=$(awk 'NF == 2 { print $1 + $2 }' "$cpu_file")
    rm -f "$cpu_file"

    runs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$log" | tail -1)
    per_second=$(awk '/^stat::average_exec_per_sec:/ { print $2 }' "$log" | tail -1)
    # The last status line (`#N DONE cov: C ft: F corp: K/S …`, or the last before a crash).
    last=$(grep -E '^#[0-9]+' "$log" | grep ' cov: ' | tail -1 || true)
    cov=$(sed -E 's/.* cov: ([0-9]+).*/\1/' <<<"$last")
    ft=$(sed -E 's/.* ft: ([0-9]+).*/\1/' <<<"$last")
    corpus=$(sed -E 's/.* corp: ([0-9]+)\/.*/\1/' <<<"$last")
    runs=${runs:-$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")}
    per_cpu=$(awk -v runs="${runs:-0}" -v cpu="${cpu:-0}" 'BEGIN { if (cpu > 0) printf "%.0f", runs / cpu; else print "?" }')
    if [ "$exit_code" -eq 0 ]; then
        found="none"
    else
        found="**exit $exit_code: see $log and fuzz/artifacts/$target/**"
        status=1
    fi
    rows+=("| \`$target\` | $code | ${elapsed} s | ${runs:-?} | ${per_second:-?} | $per_cpu | ${cov:-?} / ${ft:-?} | ${corpus:-?} | $found |")
done

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); nice $nice_level"
echo "| target | code | time | executions | exec/s | exec per CPU s | cov / ft | corpus | crashes, hangs |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
exit "$status"
