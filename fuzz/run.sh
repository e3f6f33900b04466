#!/bin/sh
# Runs one fuzz target on a corpus seeded from the test fixtures, with its dictionary.
#   fuzz/run.sh TARGET [RUNS] [SECONDS]     (defaults: 10 million runs, at most 30 minutes)
# Needs cargo-fuzz (`cargo install cargo-fuzz`); libFuzzer wants nightly-only compiler
# flags, which RUSTC_BOOTSTRAP=1 allows on the stable toolchain.
set -eu
cd "$(dirname "$0")/.."
target=$1
runs=${2:-10000000}
seconds=${3:-1800}
corpus=fuzz/corpus/$target
mkdir -p "$corpus"
dict=
case $target in
  bank_load) cp tests/fixtures/good/*.ron tests/fixtures/bad/*.ron tests/fixtures/teach/*.ron "$corpus"/
             dict=fuzz/dict/ron.dict ;;
  gift_import) cp tests/fixtures/gift/*.gift fuzz/seeds/gift_import/* "$corpus"/; dict=fuzz/dict/gift.dict ;;
  moodle_xml) cp tests/fixtures/moodle_xml/*.xml "$corpus"/; dict=fuzz/dict/xml.dict ;;
  result_json) cp fuzz/seeds/result_json/* "$corpus"/; dict=fuzz/dict/json.dict ;;
  typed_answer) cp fuzz/seeds/typed_answer/* "$corpus"/ ;;
  simulate_csv) cp fuzz/seeds/simulate_csv/* "$corpus"/ ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac
set -- -runs="$runs" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1
[ -n "$dict" ] && set -- "$@" -dict="$dict"
RUSTC_BOOTSTRAP=1 exec cargo fuzz run -O "$target" "$corpus" -- "$@"
