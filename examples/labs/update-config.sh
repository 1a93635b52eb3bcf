#!/usr/bin/env bash
# Lab (seed "Updating a bpf map from the terminal"): while hello-buffer-config
# runs, change root's message in its map config with bpftool, and see the
# running program send the new one. The map is named by id: with several
# maps named config on the machine, `bpftool map update name config` would
# refuse to choose.
source "$(dirname "$0")/lab.sh"

step "hello-buffer-config, until an event says \"Hello Ruler!\""
start_example id hello-buffer-config -n 0 -m "Hello Ruler!" -t 30
out=$last_example_out
wait_for_output "$out" " Hey root!"

# "Hello Ruler!" and its NUL: the 13 bytes of a message.
traced map-update "$bpftool" map update id "$id" key hex 00 00 00 00 \
  value hex 48 65 6c 6c 6f 20 52 75 6c 65 72 21 00

wait "${lab_pids[0]}"   # it ends by itself once it has sent "Hello Ruler!"
lab_pids=()
show_example "$out"
