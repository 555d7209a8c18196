#!/usr/bin/env bash
# The scale benchmark: whole-command time and peak memory of frontline on a generated
# scenario the size of a war mapped at village level: Ukraine as `frontline init` makes it,
# 30,000 places, 365 days, about 40 rows a day near a moving front, seed 1 (PLACES, DAYS
# and SEED change them), made by `examples/synth_front.rs`, which writes the same files for
# the same arguments. Then load + check of the same war with 100,000 places (BIG_PLACES).
# Times, each the fastest of RUNS runs (default 3; the machines are shared and noisy):
#   load + check, stats (every day), export --timeline, site, and render of 10 frames
#   (PNG only, and with the GIF).
# Run from the project's root: bash benches/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
places=${PLACES:-30000}
days=${DAYS:-365}
big=${BIG_PLACES:-100000}
seed=${SEED:-1}
runs=${RUNS:-3}
cargo build --release --quiet --bin frontline --example synth_front
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./target/release/examples/synth_front --places "$places" --days "$days" --seed "$seed" --out "$work/scenario"
bin=./target/release/frontline
first=$(grep '^first_day =' "$work/scenario/scenario.toml" | cut -d'"' -f2)
tenth=$(date -d "$first + 9 days" +%F)

# The fastest of $runs runs of a command: wall seconds, CPU seconds and peak memory (MB).
measure() {
  local name=$1
  shift
  local best=""
  for _ in $(seq "$runs"); do
    rm -rf "$work/out"
    mkdir -p "$work/out"
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
      echo "$name failed:" >&2
      cat "$work/stderr" >&2
      exit 1
    }
    read -r wall user sys kb <"$work/time"
    line=$(awk -v w="$wall" -v u="$user" -v s="$sys" -v k="$kb" 'BEGIN { printf "%.2f %.2f %.0f", w, u + s, k / 1024 }')
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
      best=$line
    fi
  done
  read -r wall cpu mb <<<"$best"
  size=$(du -sk "$work/out" | awk '{ printf "%.1f", ($1 - 4) / 1024 }')
  printf "%-28s wall %7.2f s   cpu %7.2f s   peak %6s MB   wrote %7s MB\n" "$name" "$wall" "$cpu" "$mb" "$size"
}

echo "scenario: $places places, $days days, $(($(wc -l <"$work/scenario/events.csv") - 1)) rows, seed $seed"
s=(--scenario "$work/scenario")
measure "load + check" "$bin" "${s[@]}" check
measure "stats (every day)" "$bin" "${s[@]}" stats
measure "export --timeline" "$bin" "${s[@]}" export --timeline --out "$work/out/timeline.geojson"
measure "site" "$bin" "${s[@]}" site --out "$work/out/site"
measure "render 10 frames (PNG)" "$bin" "${s[@]}" render --quiet --from "$first" --to "$tenth" --no-gif --out "$work/out/frames"
measure "render 10 frames + GIF" "$bin" "${s[@]}" render --quiet --from "$first" --to "$tenth" --out "$work/out/frames" --gif "$work/out/map.gif"
./target/release/examples/synth_front --places "$big" --days "$days" --seed "$seed" --out "$work/big" >/dev/null
measure "load + check, $big places" "$bin" --scenario "$work/big" check
