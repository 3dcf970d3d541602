#!/usr/bin/env bash
# Scale-out benchmark (figures in docs/performance.md, "Scale-out"). Not a test.
#   bench/scale_out.sh sweep [REPS]          # 8-run sweep on 1 rank vs 2 ranks, one thread each, REPS pairs (5)
#   bench/scale_out.sh population [SESSIONS] [SHARD_SESSIONS]
#                                            # one population (2 shards, or shards of at most
#                                            # SHARD_SESSIONS sessions) on 2 ranks: wall, peak RSS per rank
# Needs an MPI-enabled build in build/ (or P2PSIM_BIN) and mpirun (openmpi-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${P2PSIM_BIN:-build/p2psim}
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
MPIRUN=(mpirun --allow-run-as-root --oversubscribe --bind-to none)
OUT=$(mktemp -d /tmp/p2psim_scale_out.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# Per rank: runs its arguments and prints that rank's wall, CPU and peak RSS to stderr.
cat > "$OUT/rss.py" <<'PY'
import os, resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[1:])
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
rank = os.environ.get("OMPI_COMM_WORLD_RANK", "0")
print(f"rank {rank}: wall {time.monotonic() - t:.1f} s  cpu {ru.ru_utime + ru.ru_stime:.1f} s  "
      f"peak RSS {ru.ru_maxrss / 1024:.0f} MiB", file=sys.stderr)
sys.exit(rc)
PY

wall() {  # prints the wall seconds of "$@"
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

case "${1:-sweep}" in
  sweep)
    # Pairs of (1 rank, 2 ranks) back to back, REPS times (default 5): this VM's speed drifts
    # by up to ~50% within minutes, so one pair proves little; the figure to quote is the
    # median of the pairs' ratios, printed last.
    s=bench/scale_out/sweep.yaml
    reps=${2:-5}
    ratios=()
    for k in $(seq 1 "$reps"); do
      load0=$(cut -d' ' -f1-3 /proc/loadavg)
      w1=$(wall "${MPIRUN[@]}" -n 1 python3 "$OUT/rss.py" "$BIN" run $s -j1 -q --out "$OUT/r1" 2>"$OUT/e1")
      w2=$(wall "${MPIRUN[@]}" -n 2 python3 "$OUT/rss.py" "$BIN" run $s -j1 -q --out "$OUT/r2" 2>"$OUT/e2")
      cat "$OUT/e1" "$OUT/e2" >&2
      cmp -s "$OUT/r1/results.json" "$OUT/r2/results.json" && same=identical || same=DIFFERENT
      # CPU seconds of each rank, from rss.py's lines.
      c1=$(sed -n 's/.*cpu \([0-9.]*\) s.*/\1/p' "$OUT/e1" | sort -g | tail -1)
      c2=$(sed -n 's/.*cpu \([0-9.]*\) s.*/\1/p' "$OUT/e2" | sort -g | tail -1)
      r=$(echo "$w1 / $w2" | bc -l)
      ratios+=("$r")
      printf 'pair %d: 8 runs x 20,000 sessions: 1 rank %.1f s, 2 ranks %.1f s wall (results.json %s); load average %s before, %s after\n' \
        "$k" "$w1" "$w2" "$same" "$load0" "$(cut -d' ' -f1-3 /proc/loadavg)"
      printf 'pair %d: wall ratio %.2fx; CPU(1 rank) %.1f s / busiest rank of 2 %.1f s = %.2fx\n' \
        "$k" "$r" "$c1" "$c2" "$(echo "$c1 / $c2" | bc -l)"
      rm -rf "$OUT/r1" "$OUT/r2"
    done
    med=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
    printf 'RATIO sweep throughput 2 ranks / 1 rank, wall, median of %d pairs: %.2fx (target >= 1.8x on an idle 2-core machine)\n' \
      "$reps" "$med"
    ;;
  population)
    n=${2:-2000000}
    bound=${3:-0}
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    "${MPIRUN[@]}" -n 2 python3 "$OUT/rss.py" "$BIN" run bench/scale_out/population.yaml -j1 -q \
      --set population.sessions="$n" --set population.shard_sessions="$bound" --out "$OUT/pop"
    python3 -c "import json,sys; j=json.load(open('$OUT/pop/results.json')); s=j['points'][0]['summary']; print('sessions', int(s['sessions']['mean']), 'direct', round(s['direct_fraction']['mean'],4), 'relayed', round(s['relayed_fraction']['mean'],4), 'failed', round(s['failed_fraction']['mean'],4))"
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    ;;
  *) echo "usage: bench/scale_out.sh sweep [REPS] | population [SESSIONS] [SHARD_SESSIONS]" >&2; exit 2 ;;
esac
