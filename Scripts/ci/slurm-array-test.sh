#!/usr/bin/env bash
# The documented Slurm job array (docs/slurm/gradcam-array.sbatch) run on a one-node Slurm on this
# machine. Installs Debian's slurmctld, slurmd and munge when missing, starts munged, slurmctld
# and slurmd with their state in a temporary folder, and checks that:
#   1. `sbatch --array=0-3` of the script (one `gradcam evaluate --shard i/4` per task) followed
#      by `gradcam merge` gives results.csv and summary.json equal to an unsharded run's bytes;
#   2. a task cancelled mid-run (scancel) makes `gradcam merge` refuse, naming the shard and the
#      sbatch command; that command resubmits the index, the task resumes from its rows, and the
#      merge is again byte-identical.
# Every daemon it started is stopped and its state removed, pass or fail. Uses the release binary
# (.build/release/gradcam); ends with "slurm: 1 passed, 0 failed" or "slurm: 0 passed, 1 failed".
#
#   bash Scripts/ci/slurm-array-test.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

# The CIFAR-10 test images (class folders), the repository's copy unless GRADCAM_CIFAR10_TEST names another.
IMAGES=${GRADCAM_CIFAR10_TEST:-$ROOT/Tests/Fixtures/cifar10-test}
# The workload: the first LIMIT images (of 846, a subset to keep the test to a few minutes on two
# cores), clean + 3 corruptions x 5 severities each.
LIMIT=160
EVALUATE_ARGS="--data $IMAGES --limit $LIMIT --corruptions gaussian_noise,snow,elastic_transform --severities 1-5 --batch-size 16"
ROWS_PER_IMAGE=16
SHARDS=4
# Site options of every submission on this 2-CPU node (the script's #SBATCH defaults ask for 8).
SITE_OPTS=(--cpus-per-task=1)
GRADCAM=$ROOT/.build/release/gradcam
SCRIPT=docs/slurm/gradcam-array.sbatch
NODE=gradcamci1
CTLD_PORT=46817
SLURMD_PORT=46818

say() { echo "slurm-test: $*" >&2; }
failed=0
fail() {
  say "FAIL: $*"
  failed=1
  exit 1
}

state=""
munged_pid="" ctld_pid="" slurmd_pid=""
policy_added=0

stop_pid() {  # stop_pid PID: TERM, then KILL after 15 s
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "pid $pid ignored SIGTERM; killing it"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

cleanup() {
  local status=$?
  [ $failed -eq 1 ] && status=1
  [ $policy_added -eq 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ -n "$ctld_pid" ] && kill -0 "$ctld_pid" 2>/dev/null; then
    # Cancel whatever is still queued or running and let slurmd's step daemons end with it.
    scancel --partition=ci 2>/dev/null
    for _ in $(seq 100); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  if [ -n "$slurmd_pid" ] && kill -0 "$slurmd_pid" 2>/dev/null; then
    for _ in $(seq 100); do [ -z "$(scontrol listpids 2>/dev/null | tail -n +2)" ] && break; sleep 0.2; done
  fi
  stop_pid "$slurmd_pid"
  stop_pid "$ctld_pid"
  stop_pid "$munged_pid"
  if [ $status -ne 0 ] && [ -n "$state" ] && [ -d "$state/log" ]; then
    for f in "$state"/log/*; do say "--- $f (last lines)"; tail -15 "$f" >&2; done
  fi
  [ -n "$state" ] && rm -rf "$state"
  if [ $status -eq 0 ]; then echo "slurm: 1 passed, 0 failed"; else echo "slurm: 0 passed, 1 failed"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ -x "$GRADCAM" ] || fail "$GRADCAM not built (swift build -c release)"
[ -d "$IMAGES/airplane" ] || fail "no CIFAR-10 test images at $IMAGES (class folders expected)"

# --- Packages. Their install scripts must not start the system's own daemons, so a policy-rc.d
# refuses service starts while apt runs (unless one is already there).
packages=(slurmctld slurmd slurm-client munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_added=1
  fi
  apt-get update -qq >&2 || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || fail "apt-get install ${missing[*]} failed"
  if [ $policy_added -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; policy_added=0; fi
fi
say "$(slurmctld -V), $(munged -V 2>&1 | head -1)"

# --- State folder. munged requires every directory above its socket to be searchable by all.
state=$(mktemp -d /tmp/gradcam-slurm.XXXXXX)
chmod 755 "$state"
mkdir -p "$state"/{munge,ctld,spool,log,runs}
chmod 700 "$state/munge"
dd if=/dev/urandom of="$state/munge/munge.key" bs=128 count=1 status=none
chmod 400 "$state/munge/munge.key"
chmod 755 "$state/munge"
socket=$state/munge/munge.socket

munged -F --key-file="$state/munge/munge.key" --socket="$socket" --pid-file="$state/munge/munged.pid" \
  --log-file="$state/log/munged.log" --seed-file="$state/munge/munged.seed" >>"$state/log/munged.out" 2>&1 &
munged_pid=$!
for _ in $(seq 100); do munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1 && break; sleep 0.1; done
munge -n -S "$socket" | unmunge -S "$socket" >/dev/null 2>&1 || fail "munged did not start"
say "munged up (pid $munged_pid)"

# --- slurm.conf: one node, 2 CPUs, no cgroups (this sandbox has no writable cgroup hierarchy),
# processes tracked through /proc, tasks pinned to their CPUs, no accounting database.
cat > "$state/slurm.conf" <<EOF
ClusterName=gradcamci
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
NodeName=$NODE NodeHostname=$(hostname -s) NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=ci Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$state/slurm.conf

slurmctld -D -i >>"$state/log/slurmctld.out" 2>&1 &
ctld_pid=$!
for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.2; done
scontrol ping 2>/dev/null | grep -q UP || fail "slurmctld did not come up"
slurmd -D -N "$NODE" >>"$state/log/slurmd.out" 2>&1 &
slurmd_pid=$!
for _ in $(seq 150); do [ "$(sinfo -h -n "$NODE" -o %t 2>/dev/null)" = idle ] && break; sleep 0.2; done
[ "$(sinfo -h -n "$NODE" -o %t 2>/dev/null)" = idle ] || fail "node $NODE not idle: $(sinfo -h -n "$NODE" -o '%t %E' 2>&1)"
say "slurmctld (pid $ctld_pid) and slurmd (pid $slurmd_pid) up; node $NODE idle"

# --- Helpers.
export SHARDS GRADCAM EVALUATE_ARGS
submit() {  # submit OUT ARRAY_ARGS...: prints the job id; the environment carries the settings
  local out=$1; shift
  OUT=$out sbatch --parsable "$@" "${SITE_OPTS[@]}" --output="$state/log/task-%A_%a.out" "$SCRIPT" | cut -d';' -f1
}
wait_gone() {  # wait_gone JOBID SECONDS: until no task of the job is queued or running
  local job=$1 deadline=$((SECONDS + $2))
  while [ -n "$(squeue -h -j "$job" -o %i 2>/dev/null)" ]; do
    [ $SECONDS -lt $deadline ] || fail "job $job still queued or running after $2 s: $(squeue -h -j "$job" 2>&1)"
    sleep 1
  done
}
task_state() {  # task_state JOBID INDEX: the final JobState of that array task (jobcomp record)
  grep "ArrayJobId=$1 ArrayTaskId=$2 " "$state/log/jobcomp.txt" 2>/dev/null | tail -1 \
    | sed -E 's/.* JobState=([A-Z_]+) .*/\1/'
}
expect_completed() {  # expect_completed JOBID INDEX...
  local job=$1; shift
  for i in "$@"; do
    local s; s=$(task_state "$job" "$i")
    [ "$s" = COMPLETED ] || fail "task ${job}_$i ended $s: $(tail -3 "$state/log/task-${job}_$i.out" 2>/dev/null)"
  done
}
throughput() {  # throughput JOBID INDEX...: each task's rate, from its log and its Slurm record
  local job=$1; shift
  for i in "$@"; do
    local line rec start end
    # evaluate's "N images in T s": N corrupted or clean images classified, one row each.
    line=$(grep -E '^[0-9]+ images in ' "$state/log/task-${job}_$i.out" | tail -1)
    [ -n "$line" ] || fail "task ${job}_$i logged no throughput line"
    rec=$(grep "ArrayJobId=$job ArrayTaskId=$i " "$state/log/jobcomp.txt" | tail -1)
    start=$(date -d "$(sed -E 's/.* StartTime=([^ ]+) .*/\1/' <<<"$rec")" +%s)
    end=$(date -d "$(sed -E 's/.* EndTime=([^ ]+) .*/\1/' <<<"$rec")" +%s)
    say "throughput task $i: $line; task wall time in Slurm $((end - start)) s"
  done
}
same_as_single() {  # same_as_single DIR
  for f in results.csv summary.json; do
    cmp -s "$1/$f" "$state/runs/single/$f" || fail "$1/$f differs from the unsharded run's: $(diff "$1/$f" "$state/runs/single/$f" | head -5)"
  done
}

# --- 0. The unsharded reference run (directly, all cores).
say "unsharded run: $EVALUATE_ARGS"
t0=$SECONDS
# shellcheck disable=SC2086
"$GRADCAM" evaluate $EVALUATE_ARGS --out "$state/runs/single" 2> "$state/log/single.out" \
  || fail "unsharded evaluate failed: $(tail -3 "$state/log/single.out")"
say "unsharded run: $(grep -E '^[0-9]+ images in ' "$state/log/single.out") (wall $((SECONDS - t0)) s)"

# --- 1. The array, to completion, merged.
t0=$SECONDS
job=$(submit "$state/runs/array" --array=0-3) || fail "sbatch failed"
[ -n "$job" ] || fail "sbatch gave no job id"
say "submitted $SCRIPT as array job $job (tasks 0-3, ${SITE_OPTS[*]})"
sleep 1
squeue -j "$job" >&2
wait_gone "$job" 1800
expect_completed "$job" 0 1 2 3
say "array job $job: 4 tasks COMPLETED in $((SECONDS - t0)) s"
throughput "$job" 0 1 2 3
"$GRADCAM" merge "$state"/runs/array/shard{0,1,2,3} --out "$state/runs/merged" || fail "merge of the array's shards failed"
same_as_single "$state/runs/merged"
say "merged results.csv and summary.json equal the unsharded run's byte for byte"

# --- 2. Cancel a task mid-run, merge refuses, resubmit the printed command, resume.
t0=$SECONDS
job2=$(submit "$state/runs/resume" --array=0-3) || fail "sbatch failed"
say "submitted array job $job2; cancelling task 2 once it has written rows"
victim=2
rows=$state/runs/resume/shard$victim/rows.csv
expected=$(( ($LIMIT - victim + SHARDS - 1) / SHARDS * ROWS_PER_IMAGE ))
deadline=$((SECONDS + 900))
rows_written() { echo $(( $(wc -l < "$rows") - 1 )); }  # lines after the header
until [ -s "$rows" ] && [ "$(rows_written)" -ge $ROWS_PER_IMAGE ]; do
  [ $SECONDS -lt $deadline ] || fail "task ${job2}_$victim wrote no rows in 900 s"
  sleep 0.2
done
scancel "${job2}_$victim" || fail "scancel ${job2}_$victim failed"
wait_gone "$job2" 1800
[ "$(task_state "$job2" $victim)" = CANCELLED ] || fail "task ${job2}_$victim ended $(task_state "$job2" $victim), not CANCELLED"
expect_completed "$job2" 0 1 3
done_rows=$(rows_written)
[ "$done_rows" -lt "$expected" ] || fail "task $victim finished ($done_rows rows) before it was cancelled"
say "task ${job2}_$victim CANCELLED with $done_rows of $expected rows written; tasks 0,1,3 COMPLETED"

if "$GRADCAM" merge "$state"/runs/resume/shard{0,1,2,3} --out "$state/runs/merged2" 2> "$state/log/merge-refused.out"; then
  fail "merge accepted an incomplete set of shards"
fi
say "merge refused: $(cat "$state/log/merge-refused.out")"
[ ! -e "$state/runs/merged2" ] || fail "the refused merge wrote $state/runs/merged2"
resubmit=$(grep -oE "sbatch --array=[0-9,-]+ $SCRIPT" "$state/log/merge-refused.out") \
  || fail "merge's message names no sbatch command"
[ "$resubmit" = "sbatch --array=$victim $SCRIPT" ] || fail "merge printed '$resubmit', expected 'sbatch --array=$victim $SCRIPT'"
read -r -a words <<<"$resubmit"
job3=$(OUT=$state/runs/resume "${words[0]}" --parsable "${words[1]}" "${SITE_OPTS[@]}" --output="$state/log/task-%A_%a.out" "${words[2]}" | cut -d';' -f1) \
  || fail "resubmission failed"
say "resubmitted with merge's command ($resubmit ${SITE_OPTS[*]}): job $job3"
wait_gone "$job3" 1800
expect_completed "$job3" $victim
grep -qE "^resume: [1-9][0-9]* row\(s\) already done" "$state/log/task-${job3}_$victim.out" \
  || fail "task ${job3}_$victim did not resume from its rows: $(head -3 "$state/log/task-${job3}_$victim.out")"
resumed=$(grep -E "^resume: " "$state/log/task-${job3}_$victim.out" | paste -sd ';')
"$GRADCAM" merge "$state"/runs/resume/shard{0,1,2,3} --out "$state/runs/merged2" || fail "merge after the resubmission failed"
same_as_single "$state/runs/merged2"
say "resubmitted task ${job3}_$victim: $resumed; $(grep -E '^[0-9]+ images in ' "$state/log/task-${job3}_$victim.out"); merged again byte-identical ($((SECONDS - t0)) s)"
