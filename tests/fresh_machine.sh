#!/usr/bin/env bash
# The release check: `make test` and `make run` from a clone alone, as a new user gets them.
#
#   tests/fresh_machine.sh [--no-run] [--keep] [SOURCE_REPO]
#
# Clones SOURCE_REPO (default: the checkout this script is in; its committed HEAD — uncommitted changes
# are not part of the check) into a new temporary folder with no ../shared beside it, runs `make test`
# there (ruff + the whole suite), reports how many tests passed and were skipped and why, then runs
# `make run` and checks that it wrote out/tasks.json, out/tasks.csv, out/tasks.xlsx and out/report.html.
# Exits non-zero when any step fails.
#
# What it does not do: start from a bare Debian image. The Makefile's apt step installs the Debian packages
# (run as root, or `sudo make install` once); on a machine that already has them, as the maintainer's, the
# step only checks them with dpkg-query. For a truly fresh machine, run this script inside a new Debian 12
# container or VM (`apt-get install git make python3` first); the clone's venv is built from PyPI with pip.
#
# Environment: THEODOI_SHARED, THEODOI_SEEDS, THEODOI_DB, THEODOI_LANG and THEODOI_REQUIRE_SHARED are
# unset for the check, so nothing outside the clone is read. KEEP=1 (or --keep) keeps the folder.
set -euo pipefail

run_make_run=1
keep=${KEEP:-0}
source_repo=""
for arg in "$@"; do
	case "$arg" in
		--no-run) run_make_run=0 ;;
		--keep) keep=1 ;;
		-h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		-*) echo "fresh_machine.sh: unknown option $arg" >&2; exit 1 ;;
		*) source_repo=$arg ;;
	esac
done
if [ -z "$source_repo" ]; then
	source_repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
fi

work=$(mktemp -d /tmp/theodoi-fresh.XXXXXX)
cleanup() {
	if [ "$keep" = 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

clone="$work/theodoi"
echo "== clone $source_repo ($(git -C "$source_repo" rev-parse --short HEAD)) into $clone"
if [ -n "$(git -C "$source_repo" status --porcelain --untracked-files=no)" ]; then
	echo "   note: $source_repo has uncommitted changes; they are not part of this check"
fi
git clone -q "$source_repo" "$clone"
if [ -e "$work/shared" ]; then
	echo "fresh_machine.sh: $work/shared exists; the check needs a clone without ../shared" >&2
	exit 1
fi

unset THEODOI_SHARED THEODOI_SEEDS THEODOI_DB THEODOI_LANG THEODOI_REQUIRE_SHARED
cd "$clone"

echo "== make test (log: $work/make-test.log)"
start=$(date +%s)
set +e
make test 2>&1 | tee "$work/make-test.log" | grep -E '^(installing|theodoi:|All checks|FAILED|ERROR)|passed|failed'
status=${PIPESTATUS[0]}
set -e
echo "   make test: exit $status in $(( $(date +%s) - start )) s"
summary=$(grep -E '^[0-9]+ (passed|failed)|[0-9]+ passed' "$work/make-test.log" | tail -1 || true)
echo "   summary: ${summary:-none (see the log)}"
echo "   skipped, by reason:"
grep -E '^SKIPPED \[[0-9]+\]' "$work/make-test.log" \
	| sed -E 's/^SKIPPED \[([0-9]+)\] [^:]+(:[0-9]+)?: (.*)$/\1\t\3/' \
	| awk -F'\t' '{n[$2]+=$1} END {for (r in n) printf "     %5d  %s\n", n[r], r}' | sort -rn || true
if [ "$status" != 0 ]; then
	echo "FAIL: make test exited $status" >&2
	grep -E '^(FAILED|ERROR) ' "$work/make-test.log" | head -40 >&2 || true
	keep=1
	exit 1
fi

if [ "$run_make_run" = 1 ]; then
	echo "== make run (log: $work/make-run.log)"
	start=$(date +%s)
	if ! make run >"$work/make-run.log" 2>&1; then
		echo "FAIL: make run failed; last lines:" >&2
		tail -20 "$work/make-run.log" >&2
		keep=1
		exit 1
	fi
	echo "   make run: ok in $(( $(date +%s) - start )) s"
	for f in out/tasks.json out/tasks.csv out/tasks.xlsx out/report.html out/registry.sqlite; do
		if [ ! -s "$f" ]; then
			echo "FAIL: make run did not write $f" >&2
			keep=1
			exit 1
		fi
		echo "   wrote $f ($(stat -c %s "$f") bytes)"
	done
	if grep -q "Traceback" "$work/make-run.log"; then
		echo "FAIL: make run printed a traceback" >&2
		keep=1
		exit 1
	fi
fi
if [ "$run_make_run" = 1 ]; then echo "PASS: a clone alone passes make test and make run"; else echo "PASS: a clone alone passes make test"; fi
