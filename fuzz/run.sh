#!/usr/bin/env bash
# Runs fuzz targets one after another at low priority (nightly and cargo-fuzz: RELIABILITY.md).
#
#   fuzz/run.sh                       every target, 600 s each
#   fuzz/run.sh 60 spec_edits         one target, 60 s
#
# libFuzzer grows its working corpus in fuzz/work/<target>/ (not checked in) and reads the
# checked-in seeds in fuzz/corpus/<target>/; a crash lands in fuzz/artifacts/<target>/. The
# timeout is generous because the machine is shared: a hang still shows.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

for target in "${targets[@]}"; do
    mkdir -p "fuzz/work/$target"
    options=(-max_total_time="$seconds" -timeout=300 -rss_limit_mb=4096 -print_final_stats=1)
    if [ "$target" = spec_bytes ]; then
        options+=(-dict=fuzz/dict/spec.dict)
    fi
    echo "--- $target: ${seconds} s"
    nice -n 19 cargo +nightly fuzz run "$target" "fuzz/work/$target" "fuzz/corpus/$target" -- "${options[@]}"
done
