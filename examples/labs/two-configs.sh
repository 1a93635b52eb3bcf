#!/usr/bin/env bash
# Lab (seed "Question 02"): run two instances of the config example, so that
# two maps named config exist, and trace `bpftool map dump name config`:
# where does bpftool read each map's own information (BPF_OBJ_GET_INFO_BY_FD
# on the fd it opened by id) and where the keys and values stored in it
# (BPF_MAP_GET_NEXT_KEY and BPF_MAP_LOOKUP_ELEM)? Follow the fds.
# Other maps named config on the machine are dumped too.
source "$(dirname "$0")/lab.sh"

step "two instances: hello-buffer-config and hello-ring-buffer-config"
start_example first_id hello-buffer-config -n 0 -t 30
first_out=$last_example_out
start_example second_id hello-ring-buffer-config -n 0 -t 30
second_out=$last_example_out

traced map-dump "$bpftool" map dump name config

stop_examples
show_example "$first_out"
show_example "$second_out"
echo
echo "lab: the maps config of the two instances were ids $first_id and $second_id"
