#!/usr/bin/env bash
# ab.sh compares two commits of the runtime with the paired benchmark:
# it builds the runtime's test binary at each commit, then runs the two
# binaries alternately (A, B, A, B, ...) so that a machine whose speed
# drifts hits both alike, and prints benchstat's comparison.
#
#   bench/ab.sh OLD NEW [bench-regexp] [runs] [benchtime]
#   bench/ab.sh HEAD~1 HEAD                      # BenchmarkGuardOverVerify, 10 runs each
#   bench/ab.sh HEAD~1 HEAD 'BenchmarkGuardParallel/cache=on' 10 200000x
#
# The saving of a piece of code, as a share of a guarded request, is
# 1 - (guard/verify of NEW) / (guard/verify of OLD) when NEW removes it.
set -euo pipefail
old=$1 new=$2
bench=${3:-BenchmarkGuardOverVerify}
runs=${4:-10}
benchtime=${5:-3000x}
root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/a" >/dev/null 2>&1 || true; git -C "$root" worktree remove --force "$work/b" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
for side in a b; do
	rev=$old
	[ "$side" = b ] && rev=$new
	git -C "$root" worktree add --detach "$work/$side" "$rev" >/dev/null 2>&1
	(cd "$work/$side/runtime" && go test -c -o "$work/$side.test" .)
done
for i in $(seq "$runs"); do
	"$work/a.test" -test.run '^$' -test.bench "$bench" -test.benchtime "$benchtime" -test.benchmem >>"$work/a.txt"
	"$work/b.test" -test.run '^$' -test.bench "$bench" -test.benchtime "$benchtime" -test.benchmem >>"$work/b.txt"
done
cp "$work/a.txt" "${AB_OUT:-/tmp}/ab-old.txt"
cp "$work/b.txt" "${AB_OUT:-/tmp}/ab-new.txt"
cd "$root/bench" && go run golang.org/x/perf/cmd/benchstat@latest "old=$work/a.txt" "new=$work/b.txt"
