#!/usr/bin/env bash
# Lab (seed "Pinned bpf map example"): maps-ctl loads its XDP program on lo,
# updates the two values the program reads through the map pinned in bpffs,
# sends packets, shows what the program saw, and removes it all. Runs in a
# private network namespace (unshare -n) so that the machine's own lo is
# left alone; bpffs is shared, the pins go under a directory of their own.
if [ -z "${LAB_IN_NETNS:-}" ]; then
  # Again, inside a new network namespace (its lo is down until set up).
  LAB_IN_NETNS=1 exec unshare -n -- bash "$0" "$@"
fi
source "$(dirname "$0")/lab.sh"
ip link set dev lo up
ctl=$examples/maps-ctl
pins=/sys/fs/bpf/bpfsc-lab-maps-ctl-$$
lab_pins+=("$pins/link" "$pins/maps_data" "$pins/maps_seen")
trap 'lab_cleanup; rmdir "$pins" 2>/dev/null || true' EXIT

traced load "$ctl" -d lo -S -P "$pins"
traced update "$ctl" -d lo -u 123 8888 -P "$pins"

step "10 packets to 127.0.0.1 (UDP port 9): the program reads the values for each"
for ((i = 0; i < 10; i++)); do echo "packet $i" >/dev/udp/127.0.0.1/9 || true; done

traced show "$ctl" -d lo -s -P "$pins"
traced remove "$ctl" -d lo -r -P "$pins"
