#!/usr/bin/env bash
# Lab (seed "Updating a bpf map from the terminal"): while hello-buffer-config
# runs, change root's message in its map config with
# `bpftool map update name config ...`, and see the running program send the
# new one. Where other maps named config exist (another instance, another
# lab), bpftool would refuse to choose: the map is then named by its id.
source "$(dirname "$0")/lab.sh"

step "hello-buffer-config, until an event says \"Hello Ruler!\""
start_example id hello-buffer-config -n 0 -m "Hello Ruler!" -t 30
out=$last_example_out
wait_for_output "$out" " Hey root!"

# "Hello Ruler!" and its NUL: the 13 bytes of a message.
new_message=(key hex 00 00 00 00 value hex 48 65 6c 6c 6f 20 52 75 6c 65 72 21 00)
configs=$("$bpftool" map show name config 2>/dev/null | grep -c '^[0-9][0-9]*: ' || true)
if [ "$configs" -eq 1 ] && traced map-update "$bpftool" map update name config "${new_message[@]}"; then
  :
else
  echo "lab: $configs maps named config here (or bpftool could not choose): naming ours by id $id"
  traced map-update "$bpftool" map update id "$id" "${new_message[@]}"
fi

wait "${lab_pids[0]}"   # it ends by itself once it has sent "Hello Ruler!"
lab_pids=()
show_example "$out"
