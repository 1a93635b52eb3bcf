"""The labs of examples/labs/ under the tracer (check_examples.py runs them):
each traced step's JSON trace is checked for the calls the seed exercise is
about."""

import difflib
import os
import re
import shutil
import subprocess

from check_trace import require_seccomp_backend, seccomp_stats, skip
from example_trace import (CONFIG_ENTRIES, HELLO_PROGRAM_NAMES, JsonTrace, check_config_map, check_config_updates,
                           check_dump, check_events, expect, fd_label, fields, label, map_label_by_id, name_of,
                           succeeded,
                           value)

def run_lab(args, tmp, lab):
    """Runs examples/labs/LAB.sh with each traced command's JSON trace in tmp."""
    env = dict(os.environ, BPFTRACE_SYSCALLS=args.tracer, EXAMPLES_BUILD=args.examples_build,
               LAB_TRACE_DIR=tmp, LAB_TRACER_ARGS="--format=json")
    script = os.path.join(args.source_root, "examples", "labs", lab + ".sh")
    for attempt in (1, 2):
        p = subprocess.run(["bash", script], env=env, capture_output=True, text=True, timeout=90,
                           stdin=subprocess.DEVNULL)
        # bpftool gives up on a name when a map it found is freed before it
        # opens it (other programs on the machine come and go): once more.
        if "can't get map by id" not in p.stderr:
            break
    if p.returncode == 77:
        skip(p.stderr.strip())
    expect(p.returncode == 0, f"lab {lab} exits with {p.returncode}:\n{p.stdout}\n{p.stderr}")
    traces = {name[:-6]: JsonTrace(os.path.join(tmp, name)) for name in os.listdir(tmp) if name.endswith(".trace")}
    for name, trace in traces.items():
        expect(trace.main_exit() == 0, f"lab {lab}: the traced command {name} did not exit with 0")
    return p.stdout, traces


def test_lab_two_configs(args, tmp):
    stdout, traces = run_lab(args, tmp, "two-configs")
    m = re.search(r"were ids (\d+) and (\d+)", stdout)
    expect(m, f"the lab does not say which maps it created:\n{stdout}")
    dump = traces["map-dump"]
    for map_id in map(int, m.groups()):
        what = f"bpftool map dump name config (map {map_id})"
        config = map_label_by_id(dump, map_id, what)
        expect(config == f"map#{map_id}:hash:config", f"{what}: opened as {config}")
        info = [c for c in dump.of("BPF_OBJ_GET_INFO_BY_FD") if fd_label(fields(c), "bpf_fd") == config]
        expect(info, f"{what}: bpftool never reads the map's own information (BPF_OBJ_GET_INFO_BY_FD)")
        # The struct the kernel wrote names the map's types in its BTF (by id).
        written = fields(info[0])["info"]["fields"]
        expect(name_of(written.get("btf_key_type_id", {})) == "__u32" and
               name_of(written.get("btf_value_type_id", {})) == "struct user_msg_t",
               f"{what}: the map info does not name its key and value types: {written}")
        check_dump(dump, config, CONFIG_ENTRIES, what)
    # The summary names who keeps each map alive: the example that made it.
    for map_id, comm in zip(map(int, m.groups()), ("hello-buffer-co", "hello-ring-buff")):
        entry = [o for o in dump.alive if o["object"]["label"] == f"map#{map_id}:hash:config"]
        expect(entry, f"the summary does not list map {map_id}, which bpftool only looked at: {dump.alive}")
        holders = [r for r in entry[0]["reasons"] if r["kind"] == "held_by_process"]
        expect(entry[0].get("looked_at") and any(r["comm"] == comm for r in holders),
               f"the summary does not name {comm} as the holder of map {map_id}: {entry[0]}")
        expect(any(r["kind"] == "used_by_program" for r in entry[0]["reasons"]),
               f"the summary does not name the program using map {map_id}: {entry[0]}")
    expect(not any(r["kind"] == "elsewhere" for o in dump.alive for r in o["reasons"]),
           f"the summary says of an object that nothing holds it: {dump.alive}")
    print(f"two-configs: bpftool opened maps {m.group(1)} and {m.group(2)} by id, read their info, "
          "and walked their elements; the summary names the examples that hold them")


def test_lab_update_config(args, tmp):
    stdout, traces = run_lab(args, tmp, "update-config")
    m = re.search(r"its map config is id (\d+)", stdout)
    expect(m, f"the lab does not say which map it created:\n{stdout}")
    update = traces["map-update"]
    config = map_label_by_id(update, int(m.group(1)), "bpftool map update")
    check_config_updates(update, config, "bpftool map update", {"00000000": b"Hello Ruler!\0".hex()})
    check_events(stdout, 1, "the running example", "Hello Ruler!")
    print(f"update-config: bpftool updated {config}; the running example sent \"Hello Ruler!\"")


def test_lab_pin_map(args, tmp):
    stdout, traces = run_lab(args, tmp, "pin-map")
    m = re.search(r"its map config is id (\d+)", stdout)
    expect(m and f"map {m.group(1)} is gone" in stdout, f"the lab does not show the map freed:\n{stdout}")
    map_id = int(m.group(1))
    pin_call = traces["map-pin"].one("BPF_OBJ_PIN", "bpftool map pin")
    pin = value(fields(pin_call)["pathname"])
    config = f"map#{map_id}:hash:config"
    expect(fd_label(fields(pin_call), "bpf_fd") == config, f"bpftool map pin pins {fields(pin_call)}, not {config}")
    for name, entries in (("dump-pinned", CONFIG_ENTRIES),
                          ("dump-again", dict(CONFIG_ENTRIES, **{"02000000": b"Hello 2".ljust(13, b"\0").hex()}))):
        got = traces[name].one("BPF_OBJ_GET", "bpftool map dump pinned", pathname=pin)
        expect(label(got) == config, f"{name}: BPF_OBJ_GET of {pin} opens {label(got)}, not {config}")
        check_dump(traces[name], config, entries, name)
    # After the example ended, the summary says what keeps the map alive.
    reasons = traces["show-pinned"].pinned(config)
    expect(f"pinned at {pin}" in reasons, f"bpftool map show pinned: the summary gives {reasons} for {config}, "
                                          f"not pinned at {pin!r}")
    check_config_updates(traces["update-pinned"], config, "bpftool map update pinned",
                         {"02000000": b"Hello 2".ljust(13, b"\0").hex()})
    print(f"pin-map: {config} pinned at {pin}, read and updated through the pin, alive after its program, "
          "freed with the pin")


def check_xlated_dump(listing, trace, prog, what="bpftool prog dump xlated"):
    """bpftool prog dump xlated under -v: the tracer disassembles the xlated
    instructions bpftool read, and its listing is bpftool's own output
    (`listing`), line for line (instructions, source lines; function headers
    and the empty source lines bpftool prints as ";" aside)."""
    dumps = [c for c in trace.of("BPF_OBJ_GET_INFO_BY_FD")
             if fd_label(fields(c), "bpf_fd") == prog and c.get("program", {}).get("xlated")]
    expect(len(dumps) == 1, f"{what}: expected one read of the xlated instructions of {prog}, got {len(dumps)}")
    program = dumps[0]["program"]
    expect("__htab_map_lookup_elem" in program.get("kernel_calls", []),
           f"{what}: the summary does not name the kernel function the map lookup became: {program}")

    def comparable(text):
        lines = [line.strip() for line in text.splitlines()]
        return [line for line in lines if re.match(r"\d+: \(", line) or (line.startswith(";") and line != ";")]
    ours, bpftool = comparable(program.get("listing", "")), comparable(listing)
    expect(len(bpftool) > 60 and ours == bpftool,
           f"{what}: the tracer's listing differs from bpftool's:\n" +
           "\n".join(difflib.unified_diff(bpftool, ours, "bpftool", "bpftrace-syscalls -v", lineterm="")))


def check_xlated_dump_brokered(args, tmp):
    """The same dump under the seccomp backend: bpftool's info calls ask
    for nested buffers (map ids, instructions, func and line info), and the
    tracer runs every one of them itself, with the same listing."""
    require_seccomp_backend()
    bpftool = shutil.which("bpftool") or "/usr/sbin/bpftool"
    pin = f"/sys/fs/bpf/bpfsc-test-xlated-{os.getpid()}"
    obj = os.path.join(args.examples_build, "hello_buffer_config.bpf.o")
    subprocess.run([bpftool, "prog", "load", obj, pin], check=True, timeout=60)
    try:
        path = os.path.join(tmp, "seccomp-dump.trace")
        p = subprocess.run([args.tracer, "--backend=seccomp", "-v", "-s", "128", "--format=json", "-o", path,
                            bpftool, "prog", "dump", "xlated", "pinned", pin],
                           env=dict(os.environ, BPFSC_SECCOMP_STATS="1"), capture_output=True, text=True, timeout=60)
        expect(p.returncode == 0, f"bpftool prog dump xlated under --backend=seccomp: status {p.returncode}:\n{p.stderr}")
        brokered, reasons, _ = seccomp_stats(p.stderr)
        left = {why: n for why, n in reasons.items() if n and why != "thread gone before the answer"}
        expect(not left, f"--backend=seccomp left calls of bpftool prog dump xlated to the tracee: {left}")
        trace = JsonTrace(path)
        prog = label(trace.one("BPF_OBJ_GET", "bpftool prog dump xlated pinned", pathname=pin))
        check_xlated_dump(p.stdout, trace, prog, "bpftool prog dump xlated under --backend=seccomp")
        print(f"prog dump xlated under --backend=seccomp: all {brokered} calls run by the tracer, nested info "
              "buffers included; the listing is bpftool's")
    finally:
        os.unlink(pin)


def test_lab_prog_load_pin(args, tmp):
    stdout, traces = run_lab(args, tmp, "prog-load-pin")
    load = traces["prog-load"]
    what = "bpftool prog load"
    config = check_config_map(load, what)
    progs = [label(c) for c in load.of("BPF_PROG_LOAD") if succeeded(c)
             and value(fields(c).get("prog_name")) in HELLO_PROGRAM_NAMES]
    expect(len(progs) == 2, f"{what}: expected both hello programs loaded, got {progs}")
    pin_call = load.one("BPF_OBJ_PIN", what)
    pin = value(fields(pin_call)["pathname"])
    expect(fd_label(fields(pin_call), "bpf_fd") == progs[0], f"{what}: pins {fields(pin_call)}, not {progs[0]}")
    reasons = load.pinned(progs[0])
    expect(f"pinned at {pin}" in reasons, f"{what}: the summary gives {reasons} for {progs[0]}")
    expect(not load.pinned(progs[1]) or all("pinned" not in r for r in load.pinned(progs[1])),
           f"{what}: the summary says the unpinned {progs[1]} is pinned")
    got = traces["prog-show"].one("BPF_OBJ_GET", "bpftool prog show pinned", pathname=pin)
    expect(label(got) == progs[0], f"bpftool prog show pinned opens {label(got)}, not {progs[0]}")
    m = re.search(r"^=== bpftrace-syscalls -v \S+ prog dump xlated .*?\n(.*?)(?=^===|\Z)", stdout, re.S | re.M)
    expect(m, f"the lab's output lacks bpftool's listing:\n{stdout}")
    check_xlated_dump(m.group(1), traces["prog-dump"], progs[0])
    check_xlated_dump_brokered(args, tmp)
    prog_id = progs[0].split("#")[1].split(":")[0]
    expect(f"prog {prog_id} is gone" in stdout, f"the lab does not show the program freed:\n{stdout}")
    print(f"prog-load-pin: {config} and two programs loaded, {progs[0]} pinned at {pin} and alive after "
          "bpftool, freed with the pin")


def test_maps_ctl(args, tmp):
    """maps-ctl's lab, in a private network namespace: loading pins the two
    maps and the XDP link, the update goes through the pinned map, the
    program reads the values, and removal detaches and unpins."""
    stdout, traces = run_lab(args, tmp, "maps-ctl")
    load = traces["load"]
    pins = {}
    for name in ("maps_data", "maps_seen"):
        created = load.one("BPF_MAP_CREATE", "maps-ctl load", map_name=name)
        f = fields(created)
        expect(value(f["btf_key_type_id"]) > 0 and value(f["btf_value_type_id"]) > 0,
               f"maps-ctl: {name} created without BTF")
        pin = [c for c in load.of("BPF_OBJ_PIN") if fd_label(fields(c), "bpf_fd") == label(created)]
        expect(pin and succeeded(pin[0]), f"maps-ctl: {label(created)} is not pinned")
        pins[name] = value(fields(pin[0])["pathname"])
    prog = load.one("BPF_PROG_LOAD", "maps-ctl load", prog_name="maps_prog")
    expect(name_of(fields(prog)["prog_type"]) == "BPF_PROG_TYPE_XDP", "maps-ctl: maps_prog is not an XDP program")
    link = load.one("BPF_LINK_CREATE", "maps-ctl load", attach_type="BPF_XDP")
    f = fields(link)
    expect(fd_label(f, "prog_fd") == label(prog) and "XDP_FLAGS_SKB_MODE" in (f["flags"].get("names") or []),
           f"maps-ctl: the XDP link is not {label(prog)} in SKB mode: {f}")
    link_pin = [c for c in load.of("BPF_OBJ_PIN") if fd_label(fields(c), "bpf_fd") == label(link)]
    expect(link_pin and succeeded(link_pin[0]), f"maps-ctl: {label(link)} is not pinned")
    reasons = load.pinned(label(prog))
    expect(reasons, f"maps-ctl load: the summary does not say what keeps {label(prog)} alive")

    update = traces["update"]
    got = update.one("BPF_OBJ_GET", "maps-ctl -u", pathname=pins["maps_data"])
    value_hex = (123).to_bytes(8, "little").hex() + (8888).to_bytes(8, "little").hex()
    check_config_updates(update, label(got), "maps-ctl -u", {"00000000": value_hex})
    expect(re.search(r"Seen by the program: packets:[1-9]\d* value1:123 value2:8888", stdout),
           f"maps-ctl -s: the program did not see the values:\n{stdout}")

    remove = traces["remove"]
    got_link = remove.one("BPF_OBJ_GET", "maps-ctl -r", pathname=value(fields(link_pin[0])["pathname"]))
    # A link reopened from bpffs is the same object, labelled as when created.
    expect(label(got_link) == label(link), f"maps-ctl -r: BPF_OBJ_GET of the pinned link opens {label(got_link)}, "
                                           f"not {label(link)}")
    remove.one("BPF_LINK_DETACH", "maps-ctl -r")
    for path in list(pins.values()) + [value(fields(link_pin[0])["pathname"])]:
        expect(not os.path.exists(path), f"maps-ctl -r left {path}")
    print(f"maps-ctl: {label(prog)} attached through {label(link)} (pinned), maps pinned at {sorted(pins.values())}, "
          "updated through the pin, seen by the program, detached and unpinned")
