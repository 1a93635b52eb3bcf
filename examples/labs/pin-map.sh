#!/usr/bin/env bash
# Lab (seed "Pinning maps using bpftool"): pin the map config of a running
# hello-buffer-config in bpffs, dump it through the pin, let the program end
# and see the map outlive it (the pin holds it), update it through the pin,
# dump it again, then remove the pin, which frees the map.
source "$(dirname "$0")/lab.sh"

pin=/sys/fs/bpf/bpfsc-lab-config-$$
lab_pins+=("$pin")

step "hello-buffer-config"
start_example id hello-buffer-config -n 0 -t 30
out=$last_example_out

traced map-pin "$bpftool" map pin id "$id" "$pin"
traced dump-pinned "$bpftool" map dump pinned "$pin"

stop_examples
show_example "$out"

# The program is gone; the map is still there, held by its pin.
traced show-pinned "$bpftool" map show pinned "$pin"
# uid 2 -> "Hello 2" (as the seed's exercise), 13 bytes with the padding.
traced update-pinned "$bpftool" map update pinned "$pin" key 2 0 0 0 \
  value hex 48 65 6c 6c 6f 20 32 00 00 00 00 00 00
traced dump-again "$bpftool" map dump pinned "$pin"

step "rm $pin: nothing holds map $id any more"
rm "$pin"
wait_gone map "$id"
