#!/usr/bin/env bash
# Run by `unshare --net --mount --pid --fork --mount-proc --kill-child`: PID 1 of a private network, mount and
# pid namespace. Slack's host names resolve (through a hosts file bind-mounted over /etc/hosts, inside only) to
# the fake Slack on this namespace's own loopback; then clawsupd runs in the foreground. Ending this process
# (the namespace's init) ends every process in the namespace.
#   netns-launch.sh <hosts file> <fake launch.json> <fake control socket> <fake log> -- <clawsupd command...>
set -euo pipefail
hosts="$1"; fake_launch="$2"; fake_control="$3"; fake_log="$4"; shift 4
[[ "$1" == "--" ]] && shift
here="$(cd "$(dirname "$0")" && pwd -P)"
repo="$(cd "$here/../.." && pwd -P)"

ip link set lo up
mount --bind "$hosts" /etc/hosts
cd "$repo"

NODE_EXTRA_CA_CERTS= node --import tsx "$here/main.ts" "$fake_launch" >"$fake_log" 2>&1 &
fake_pid=$!
for _ in $(seq 1 200); do
  [[ -S "$fake_control" ]] && break
  kill -0 "$fake_pid" 2>/dev/null || { echo "netns-launch: fake-slack exited: $(tail -5 "$fake_log")" >&2; exit 70; }
  sleep 0.05
done
[[ -S "$fake_control" ]] || { echo "netns-launch: fake-slack control socket never appeared" >&2; exit 70; }
echo "netns-launch: ready fake-pid=$fake_pid" >&2
"$@" &
child=$!
# PID 1 ignores signals it has no handler for: pass TERM on to clawsupd, then wait for it.
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
status=0
wait "$child" || status=$?
# A trapped TERM interrupts wait before the child has ended: wait again for its real end.
while kill -0 "$child" 2>/dev/null; do wait "$child" || status=$?; done
echo "netns-launch: command exited $status" >&2
exit "$status"
