#!/usr/bin/env python3
"""Integration tests of the examples and labs in examples/ (suite "examples").

Each case runs an example or a lab under bpftrace-syscalls with
--format=json and checks the calls that matter: the map config created with
BTF, the updates of its entries, the program load, the attach, the pins and
what they keep alive, the rejected load and its missing log.

  check_examples.py --tracer T --examples-build DIR --source-root DIR CASE

Exit status: 0 passed, 1 failed, 77 skipped (not root, examples not built,
BCC missing), except with CI=true, where a skip is a failure.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_trace import Failure, exit_status, require_bpf, run, skip  # noqa: E402

CONFIG_ENTRIES = {"00000000": b"Hey root!".ljust(13, b"\0").hex(),
                  "f5010000": b"Hi user 501!".ljust(13, b"\0").hex()}
HELLO_PROGRAM_NAMES = ("hello_kprobe", "hello_tracepoin", "hello", "syscalls__sys_e")


# --- reading a JSON trace ----------------------------------------------------

class JsonTrace:
    """The bpf() calls of a --format=json trace, the exits and the summary."""

    def __init__(self, path):
        self.path, self.calls, self.exits, self.alive = path, [], {}, []
        with open(path) as f:
            for n, line in enumerate(f, 1):
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    raise Failure(f"{path}:{n}: not JSON: {e}")
                if obj.get("event") == "exit":
                    self.exits[obj["pid"]] = obj.get("exit_code")
                elif obj.get("event") == "alive":
                    self.alive.extend(obj["objects"])
                elif obj.get("syscall") == "bpf" and obj.get("finished"):
                    self.calls.append(obj)

    def of(self, cmd, **want):
        """The calls of command cmd whose fields have the values given."""
        return [c for c in self.calls if c["cmd"]["name"] == cmd
                and all(matches(fields(c).get(k), v) for k, v in want.items())]

    def one(self, cmd, what, **want):
        found = [c for c in self.of(cmd, **want) if succeeded(c)]
        if not found:
            raise Failure(f"{self.path}: no successful {cmd} {want or ''} ({what}); "
                          f"the trace has {self.summary()}")
        return found[0]

    def main_exit(self):
        if not self.calls:
            raise Failure(f"{self.path}: no bpf() call traced")
        return self.exits.get(self.calls[0]["pid"])

    def pinned(self, label):
        """The reasons the summary gives for an object staying alive."""
        return [r for o in self.alive if o["object"] == label for r in o["reasons"]]

    def summary(self):
        counts = {}
        for c in self.calls:
            counts[c["cmd"]["name"]] = counts.get(c["cmd"]["name"], 0) + 1
        return ", ".join(f"{n} {cmd}" for cmd, n in counts.items()) or "no bpf() call"


def fields(call):
    attr = call["attr"].get("fields", {})
    return attr.get("link_create", attr.get("info", attr.get("link_detach", attr)))


def value(v):
    """A member's number or string: JSON spells enums {"value", "name"},
    members the kernel wrote {"before", "after"}, strings {"addr", "string"}."""
    if isinstance(v, dict):
        for key in ("after", "value", "string"):
            if key in v:
                return value(v[key])
    return v


def matches(v, want):
    """A member equal to want, by number, by string or by enum name."""
    return value(v) == want or (isinstance(v, dict) and v.get("name") == want)


def name_of(v):
    return v.get("name") if isinstance(v, dict) else v


def hex_of(v):
    return v.get("hex") if isinstance(v, dict) else None


def succeeded(call):
    return call["return"]["value"] >= 0


def label(call):
    return call["return"].get("object", "")


def expect(condition, message):
    if not condition:
        raise Failure(message)


# --- what the hello-*-config loaders must do ---------------------------------

def kprobes_available():
    return (os.path.exists("/sys/bus/event_source/devices/kprobe/type")
            or any(os.access(f"{d}/kprobe_events", os.W_OK) for d in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing")))


def check_config_map(trace, what):
    """BPF_MAP_CREATE of config: a hash of 4-byte uids to 13-byte messages,
    with BTF for its key and value (the BTF loaded just before)."""
    config = trace.one("BPF_MAP_CREATE", what, map_name="config")
    f = fields(config)
    expect(name_of(f["map_type"]) == "BPF_MAP_TYPE_HASH" and f["key_size"] == 4 and f["value_size"] == 13,
           f"{what}: config is not a hash of 4-byte keys and 13-byte values: {f}")
    expect(value(f["btf_fd"]) > 0 and f["btf_key_type_id"] > 0 and f["btf_value_type_id"] > 0,
           f"{what}: config is created without BTF for its key and value: {f}")
    btf = f.get("btf_fd_object", "")
    loaded = [label(c) for c in trace.of("BPF_BTF_LOAD") if succeeded(c)]
    expect(btf.startswith("btf#") and btf in loaded, f"{what}: config's btf_fd is {btf!r}, not a BTF it loaded ({loaded})")
    return label(config)


def check_config_updates(trace, config, what, entries=CONFIG_ENTRIES):
    """One BPF_MAP_UPDATE_ELEM of config per entry, with the entry's bytes."""
    written = {hex_of(fields(c)["key"]): hex_of(fields(c)["value"])
               for c in trace.of("BPF_MAP_UPDATE_ELEM") if succeeded(c) and fields(c).get("map_fd_object") == config}
    for key, val in entries.items():
        expect(written.get(key) == val, f"{what}: no update of {config} with key {key} and value {val}; "
                                        f"the updates of {config} are {written}")


def check_hello_program(trace, what, expect_kprobe):
    """Exactly one hello program loaded (the loader chose kprobe or
    tracepoint), of the type its hook needs."""
    loads = [c for c in trace.of("BPF_PROG_LOAD") if value(fields(c).get("prog_name")) in HELLO_PROGRAM_NAMES]
    expect(len(loads) == 1 and succeeded(loads[0]),
           f"{what}: expected one successful load of the hello program, got "
           f"{[(value(fields(c).get('prog_name')), c['return']) for c in loads]}")
    prog_type = name_of(fields(loads[0])["prog_type"])
    want = "BPF_PROG_TYPE_KPROBE" if expect_kprobe else "BPF_PROG_TYPE_TRACEPOINT"
    expect(prog_type == want, f"{what}: the hello program is a {prog_type}, expected a {want} on this kernel")
    return label(loads[0]), "kprobe" if expect_kprobe else "tracepoint"


def check_events(stdout, count, what, message="Hey root!"):
    events = re.findall(r"^\d+ 0 .* " + re.escape(message) + r"$", stdout, re.M)
    expect(len(events) >= count, f"{what}: expected {count} events with {message!r} (uid 0), got:\n{stdout}")


def trace_example(args, tmp, argv, what, name="trace"):
    out = os.path.join(tmp, f"{name}.json")
    rc, stdout, stderr = run([args.tracer, "--format=json", "-o", out] + argv, what=what)
    return exit_status(rc), stdout, stderr, JsonTrace(out)


def test_hello(args, tmp, example, output_type):
    """The C loader: the maps, one program for the hook this kernel has, the
    config entries, the attach through a perf-event link, and events."""
    what = example
    rc, stdout, stderr, trace = trace_example(args, tmp, [binary(args, example), "-n", "3", "-t", "30"], what)
    expect(rc == 0 and trace.main_exit() == 0, f"{what} under the tracer exits with {rc}: {stderr}")
    config = check_config_map(trace, what)
    output = trace.one("BPF_MAP_CREATE", what, map_name="output")
    expect(name_of(fields(output)["map_type"]) == output_type, f"{what}: output is not a {output_type}")
    fell_back = "trying the tracepoint" in stderr
    prog, hook = check_hello_program(trace, what, kprobes_available() and not fell_back)
    expect(f"attached to execve through the {hook}" in stdout, f"{what}: it does not say it used the {hook}: {stdout}")
    check_config_updates(trace, config, what)
    link = trace.one("BPF_LINK_CREATE", what, attach_type="BPF_PERF_EVENT")
    expect(fields(link).get("prog_fd_object") == prog and label(link).startswith("link#"),
           f"{what}: the perf-event link attaches {fields(link).get('prog_fd_object')}, not {prog}")
    if output_type == "BPF_MAP_TYPE_PERF_EVENT_ARRAY":
        slots = [c for c in trace.of("BPF_MAP_UPDATE_ELEM") if fields(c).get("map_fd_object") == label(output)
                 and succeeded(c) and "perf_event" in (fields(c)["value"].get("objects") or [])]
        expect(slots, f"{what}: no perf event stored in {label(output)} (the perf buffer)")
    check_events(stdout, 3, what)
    print(f"{what}: {config} with BTF, {prog}, config entries written, attached through {label(link)}")


def test_bcc(args, tmp, script, output_type):
    """The BCC version: the same maps, program and config entries (BCC
    attaches with perf_event_open and an ioctl, which are not bpf() calls)."""
    python3 = shutil.which("python3")
    probe = subprocess.run([python3, "-c", "import sys; sys.path.append('/usr/lib/python3/dist-packages'); import bcc"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        skip(f"BCC's Python module cannot be imported by {python3} (apt-get install python3-bpfcc): "
             f"{probe.stderr.strip().splitlines()[-1:]}")
    if not os.path.exists(f"/lib/modules/{os.uname().release}/build"):
        skip(f"no kernel headers at /lib/modules/{os.uname().release}/build for BCC (scripts/setup.sh links them)")
    what = f"python3 examples/bcc/{script}"
    path = os.path.join(args.source_root, "examples", "bcc", script)
    rc, stdout, stderr, trace = trace_example(args, tmp, [python3, path, "-n", "3", "-t", "40"], what)
    expect(rc == 0 and trace.main_exit() == 0, f"{what} under the tracer exits with {rc}: {stderr}")
    config = check_config_map(trace, what)
    output = trace.one("BPF_MAP_CREATE", what, map_name="output")
    expect(name_of(fields(output)["map_type"]) == output_type, f"{what}: output is not a {output_type}")
    prog, hook = check_hello_program(trace, what, kprobes_available() and "trying the tracepoint" not in stderr)
    expect(f"attached to execve through {'a' if hook == 'kprobe' else 'the'} {hook}" in stdout,
           f"{what}: it does not say it used the {hook}: {stdout}")
    check_config_updates(trace, config, what)
    check_events(stdout, 3, what)
    print(f"{what}: {config} with BTF, {prog}, config entries written, 3 events")


def test_verifier_reject(args, tmp):
    """A load the verifier rejects, with no log asked for, made once (no
    retry with a log behind the user's back); --log asks for one."""
    what = "verifier-reject"
    rc, _, stderr, trace = trace_example(args, tmp, [binary(args, "verifier-reject")], what)
    expect(rc == 1 and trace.main_exit() == 1, f"{what} exits with {rc}, not 1: {stderr}")
    expect("rejected" in stderr and "EACCES" in stderr and "--log" in stderr, f"{what}: unclear message: {stderr}")
    loads = trace.of("BPF_PROG_LOAD", prog_name="reject_me")
    expect(len(loads) == 1, f"{what}: expected one load of reject_me, got {len(loads)}")
    f, ret = fields(loads[0]), loads[0]["return"]
    expect(f["log_level"] == 0 and f["log_size"] == 0 and f["log_buf"].get("addr") == 0,
           f"{what}: the load asks for a log: {f}")
    expect(ret.get("error") == "EACCES", f"{what}: the load returns {ret}, not EACCES")
    rc, _, stderr, trace = trace_example(args, tmp, [binary(args, "verifier-reject"), "--log"], what, "log")
    loads = trace.of("BPF_PROG_LOAD", prog_name="reject_me")
    expect(rc == 1 and len(loads) == 2 and fields(loads[1])["log_level"] == 1 and fields(loads[1])["log_size"] > 0,
           f"{what} --log: expected a second load with log_level 1, got status {rc} and {len(loads)} loads")
    expect("invalid mem access 'map_value_or_null'" in stderr, f"{what} --log: no verifier log printed: {stderr}")
    print(f"{what}: one load with log_level=0 and no log_buf, EACCES; --log shows the verifier's reason")


# --- the labs ----------------------------------------------------------------

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


def map_label_by_id(trace, map_id, what):
    opened = trace.one("BPF_MAP_GET_FD_BY_ID", what, map_id=map_id)
    return label(opened)


def check_dump(trace, map_label, entries, what):
    """The walk over map_label's elements: every entry looked up, the walk
    ending with ENOENT."""
    read = {hex_of(fields(c)["key"]): hex_of(fields(c)["value"]) for c in trace.of("BPF_MAP_LOOKUP_ELEM")
            if succeeded(c) and fields(c).get("map_fd_object") == map_label}
    expect(read == entries, f"{what}: the lookups of {map_label} read {read}, expected {entries}")
    ends = [c for c in trace.of("BPF_MAP_GET_NEXT_KEY") if fields(c).get("map_fd_object") == map_label
            and c["return"].get("error") == "ENOENT"]
    expect(ends, f"{what}: the walk over {map_label} does not end with ENOENT")


def test_lab_two_configs(args, tmp):
    stdout, traces = run_lab(args, tmp, "two-configs")
    m = re.search(r"were ids (\d+) and (\d+)", stdout)
    expect(m, f"the lab does not say which maps it created:\n{stdout}")
    dump = traces["map-dump"]
    for map_id in map(int, m.groups()):
        what = f"bpftool map dump name config (map {map_id})"
        config = map_label_by_id(dump, map_id, what)
        expect(config == f"map#{map_id}:hash:config", f"{what}: opened as {config}")
        info = [c for c in dump.of("BPF_OBJ_GET_INFO_BY_FD") if fields(c).get("bpf_fd_object") == config]
        expect(info, f"{what}: bpftool never reads the map's own information (BPF_OBJ_GET_INFO_BY_FD)")
        check_dump(dump, config, CONFIG_ENTRIES, what)
    print(f"two-configs: bpftool opened maps {m.group(1)} and {m.group(2)} by id, read their info, "
          "and walked their elements")


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
    expect(fields(pin_call).get("bpf_fd_object") == config, f"bpftool map pin pins {fields(pin_call)}, not {config}")
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
    expect(fields(pin_call).get("bpf_fd_object") == progs[0], f"{what}: pins {fields(pin_call)}, not {progs[0]}")
    reasons = load.pinned(progs[0])
    expect(f"pinned at {pin}" in reasons, f"{what}: the summary gives {reasons} for {progs[0]}")
    expect(not load.pinned(progs[1]) or all("pinned" not in r for r in load.pinned(progs[1])),
           f"{what}: the summary says the unpinned {progs[1]} is pinned")
    got = traces["prog-show"].one("BPF_OBJ_GET", "bpftool prog show pinned", pathname=pin)
    expect(label(got) == progs[0], f"bpftool prog show pinned opens {label(got)}, not {progs[0]}")
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
        expect(f["btf_key_type_id"] > 0 and f["btf_value_type_id"] > 0, f"maps-ctl: {name} created without BTF")
        pin = [c for c in load.of("BPF_OBJ_PIN") if fields(c).get("bpf_fd_object") == label(created)]
        expect(pin and succeeded(pin[0]), f"maps-ctl: {label(created)} is not pinned")
        pins[name] = value(fields(pin[0])["pathname"])
    prog = load.one("BPF_PROG_LOAD", "maps-ctl load", prog_name="maps_prog")
    expect(name_of(fields(prog)["prog_type"]) == "BPF_PROG_TYPE_XDP", "maps-ctl: maps_prog is not an XDP program")
    link = load.one("BPF_LINK_CREATE", "maps-ctl load", attach_type="BPF_XDP")
    f = fields(link)
    expect(f.get("prog_fd_object") == label(prog) and "XDP_FLAGS_SKB_MODE" in (f["flags"].get("names") or []),
           f"maps-ctl: the XDP link is not {label(prog)} in SKB mode: {f}")
    link_pin = [c for c in load.of("BPF_OBJ_PIN") if fields(c).get("bpf_fd_object") == label(link)]
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
    remove.one("BPF_OBJ_GET", "maps-ctl -r", pathname=value(fields(link_pin[0])["pathname"]))
    remove.one("BPF_LINK_DETACH", "maps-ctl -r")
    for path in list(pins.values()) + [value(fields(link_pin[0])["pathname"])]:
        expect(not os.path.exists(path), f"maps-ctl -r left {path}")
    print(f"maps-ctl: {label(prog)} attached through {label(link)} (pinned), maps pinned at {sorted(pins.values())}, "
          "updated through the pin, seen by the program, detached and unpinned")


def test_maps_ctl_errors(args, tmp):
    """Bad input ends with a message and a status, never a crash."""
    ctl = binary(args, "maps-ctl")
    missing = os.path.join(tmp, "not-in-bpffs")
    for argv, want in (([], 2), (["-d", "lo", "-u", "1"], 2), (["-d", "lo", "-u", "x", "2"], 2),
                       (["-d", "no-such-dev0"], 1), (["-d", "lo", "-r", "-P", missing], 1),
                       (["-d", "lo", "-s", "-P", missing], 1)):
        rc, out, err = run([ctl] + argv, what="maps-ctl")
        expect(exit_status(rc) == want and err.strip(), f"maps-ctl {argv}: status {exit_status(rc)} "
                                                         f"(expected {want}), stderr {err!r}")
    print("maps-ctl: usage errors give 2, a missing interface or pin gives 1, each with a message")


def test_readme_excerpts(args, tmp):
    script = os.path.join(args.source_root, "examples", "excerpts.py")
    p = subprocess.run([sys.executable, script, "--check", "--tracer", args.tracer,
                        "--examples-build", args.examples_build], capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    sys.stdout.write(p.stdout)
    if p.returncode == 77:
        skip(p.stdout.strip().splitlines()[-1])
    expect(p.returncode == 0, f"README excerpts are out of date:\n{p.stdout}\n{p.stderr}")


# --- main --------------------------------------------------------------------

def binary(args, name):
    return os.path.join(args.examples_build, name)


CASES = {
    "hello-buffer-config": lambda a, t: test_hello(a, t, "hello-buffer-config", "BPF_MAP_TYPE_PERF_EVENT_ARRAY"),
    "hello-ring-buffer-config": lambda a, t: test_hello(a, t, "hello-ring-buffer-config", "BPF_MAP_TYPE_RINGBUF"),
    "bcc-hello-buffer-config": lambda a, t: test_bcc(a, t, "hello-buffer-config.py", "BPF_MAP_TYPE_PERF_EVENT_ARRAY"),
    "bcc-hello-ring-buffer-config": lambda a, t: test_bcc(a, t, "hello-ring-buffer-config.py", "BPF_MAP_TYPE_RINGBUF"),
    "verifier-reject": test_verifier_reject,
    "maps-ctl": test_maps_ctl,
    "maps-ctl-errors": test_maps_ctl_errors,
    "lab-two-configs": test_lab_two_configs,
    "lab-update-config": test_lab_update_config,
    "lab-pin-map": test_lab_pin_map,
    "lab-prog-load-pin": test_lab_prog_load_pin,
    "readme-excerpts": test_readme_excerpts,
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tracer", required=True)
    p.add_argument("--examples-build", required=True)
    p.add_argument("--source-root", required=True)
    p.add_argument("--not-built", default="", help="why the examples were not built")
    p.add_argument("case", choices=sorted(CASES))
    args = p.parse_args()
    args.tracer = os.path.abspath(args.tracer)
    args.examples_build = os.path.abspath(args.examples_build)
    if args.not_built:
        skip(f"the examples were not built: {args.not_built}")
    require_bpf()
    if args.case == "maps-ctl" and (shutil.which("unshare") is None or shutil.which("ip") is None):
        skip("maps-ctl's lab needs unshare (util-linux) and ip (iproute2)")
    with tempfile.TemporaryDirectory(prefix="bpfsc-examples-") as tmp:
        try:
            CASES[args.case](args, tmp)
        except Failure as e:
            print(f"FAIL: {e}")
            return 1
        except subprocess.TimeoutExpired as e:
            print(f"FAIL: {e.cmd} did not end within {e.timeout} s")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
