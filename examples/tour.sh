#!/usr/bin/env bash
# The main job on the shipped policy and the examples, one command after another, with what each shows.
# Findings are expected here (that is what the examples are for); only a routecheck usage or config
# error (exit 2) stops the tour.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
rc="${ROUTECHECK:-$PWD/.venv/bin/routecheck}"
[ -x "$rc" ] || rc=routecheck

step() {  # step "what it shows and why" COMMAND...
  local why=$1 here=${PWD#"$top"}
  shift
  printf '\n# %s\n%s$ %s\n' "$why" "${here:+${here#/} }" "${*/#$rc/routecheck}"
  "$@"
  local code=$?
  [ "$code" -le 1 ] || { echo "tour: '$*' failed with exit $code" >&2; exit "$code"; }
}

step "the shipped policy and this repository's code. The three RC108 errors are expected: the article's matrix puts three tasks on haiku and no eval has verified them yet (RC108 is that gate)" \
  "$rc" check
step "what the shipped policy costs a month, per task and tier, and on one tier for everything" "$rc" cost
step "the tasks that could move to a cheaper tier, ranked by monthly saving, with the eval each needs" "$rc" suggest
(cd examples/legacy_app && step "a legacy app full of hardcoded models, direct SDK calls and a misspelt task: what the scanner blocks" \
  "$rc" check) || exit
(cd examples/routed_app && step "an app that routes every call through the generated client: the client matches its policy" \
  "$rc" generate --check && step "... and the app checks clean" "$rc" check) || exit
step "the article's worked example to the cent: \$65.70 a month with 70 % on Haiku instead of \$135.00" \
  "$rc" cost --policy examples/article/routing.toml
step "moving the article's tasks to Haiku, as the pull-request comment shows it: the cost delta and the risk flags first" \
  "$rc" diff examples/article/routing-all-sonnet.toml examples/article/routing.toml --format markdown
(cd examples/eval && step "the calls an eval would send and what they would cost; nothing is sent" \
  "$rc" eval classify_intent --samples samples.jsonl --system-file system.txt --dry-run) || exit
(cd examples/eval && step "with the evidence eval wrote (here from the test server, not real models), the downgrade passes RC108" "$rc" lint) || exit
echo
echo "tour: done"
