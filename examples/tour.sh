#!/usr/bin/env bash
# The main job on the shipped policy and the examples, one command after another, with what each shows.
# Findings are expected here (that is what the examples are for); only a routecheck usage or config
# error (exit 2) stops the tour.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
rc="${ROUTECHECK:-$PWD/.venv/bin/routecheck}"
[ -x "$rc" ] || rc=routecheck

step() {
  local here=${PWD#"$top"}
  printf '\n%s$ %s\n' "${here:+${here#/} }" "${*/#$rc/routecheck}"
  "$@"
  local code=$?
  [ "$code" -le 1 ] || { echo "tour: '$*' failed with exit $code" >&2; exit "$code"; }
}

step "$rc" check                                              # the shipped policy + this repo's code
step "$rc" cost                                               # what the shipped policy costs a month
step "$rc" suggest
(cd examples/legacy_app && step "$rc" check) || exit          # a legacy app full of hardcoded models
(cd examples/routed_app && step "$rc" generate --check && step "$rc" check) || exit   # routes everything
step "$rc" cost --policy examples/article/routing.toml        # the article's worked example, to the cent
step "$rc" diff examples/article/routing-all-sonnet.toml examples/article/routing.toml --format markdown
(cd examples/eval && step "$rc" eval classify_intent --samples samples.jsonl --system-file system.txt --dry-run) || exit
(cd examples/eval && step "$rc" lint) || exit                 # the evidence lets the downgrade pass RC108
echo
echo "tour: done"
