"""What the examples' tests read and check in a --format=json trace: the
bpf() calls with their members, the exits and the end-of-trace summary;
and the checks the hello-*-config examples and the labs share (the map
config with BTF, its entries, the hello program, the events, a map walk)."""

import json
import os
import re

from check_trace import Failure, keep_json_sample

CONFIG_ENTRIES = {"00000000": b"Hey root!".ljust(13, b"\0").hex(),
                  "f5010000": b"Hi user 501!".ljust(13, b"\0").hex()}
HELLO_PROGRAM_NAMES = ("hello_kprobe", "hello_tracepoin", "hello", "syscalls__sys_e")


# --- reading a JSON trace ----------------------------------------------------

class JsonTrace:
    """The bpf() calls of a --format=json trace, the exits and the summary."""

    def __init__(self, path):
        self.path, self.calls, self.exits, self.alive, self.others = path, [], {}, [], []
        with open(path) as f:
            keep_json_sample(f.read())
        with open(path) as f:
            for n, line in enumerate(f, 1):
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    raise Failure(f"{path}:{n}: not JSON: {e}")
                if n == 1 and obj.get("type") != "header":
                    raise Failure(f"{path}:1: the first record is not the header: {line[:200]}")
                kind = obj.get("type")
                if kind == "process" and obj.get("event") == "exit":
                    self.exits[obj["pid"]] = obj.get("exit_code")
                elif kind == "summary" and obj.get("part") == "alive":
                    self.alive.extend(obj["objects"])
                elif kind == "call" and obj.get("finished"):
                    self.calls.append(obj)
                elif kind == "syscall":
                    self.others.append(obj)  # close, dup, perf_event_open, ioctl ... lines

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

    def syscalls(self, name):
        """The lines of another syscall (perf_event_open, ioctl, close ...)."""
        return [c for c in self.others if c["syscall"] == name]

    def main_exit(self):
        if not self.calls:
            raise Failure(f"{self.path}: no bpf() call traced")
        return self.exits.get(self.calls[0]["pid"])

    def pinned(self, label):
        """The reasons the summary gives for an object staying alive."""
        return [r["text"] for o in self.alive if o["object"]["label"] == label for r in o["reasons"]]

    def summary(self):
        counts = {}
        for c in self.calls:
            counts[c["cmd"]["name"]] = counts.get(c["cmd"]["name"], 0) + 1
        return ", ".join(f"{n} {cmd}" for cmd, n in counts.items()) or "no bpf() call"


def fields(call):
    attr = call["attr"].get("fields", {})
    return attr.get("link_create", attr.get("info", attr.get("link_detach", attr)))


def value(v):
    """A member's number or string: JSON spells enums and BTF type ids
    {"value", "name"}, members the kernel wrote {"before", "after"}, strings
    {"addr", "string"}, fds {"fd", "label", ...}."""
    if isinstance(v, dict):
        for key in ("after", "value", "string", "fd"):
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
    """What the fd a call returned refers to ("map#15:hash:config"), or ""."""
    return call["return"].get("fd", {}).get("label", "")


def fd_label(f, name):
    """What fd member `name` refers to ("map#15:hash:config"), or ""."""
    v = f.get(name)
    return v.get("label", "") if isinstance(v, dict) else ""


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
    expect(value(f["btf_fd"]) > 0 and value(f["btf_key_type_id"]) > 0 and value(f["btf_value_type_id"]) > 0,
           f"{what}: config is created without BTF for its key and value: {f}")
    btf = fd_label(f, "btf_fd")
    loaded = [label(c) for c in trace.of("BPF_BTF_LOAD") if succeeded(c)]
    expect(btf.startswith("btf#") and btf in loaded, f"{what}: config's btf_fd is {btf!r}, not a BTF it loaded ({loaded})")
    return label(config)


def check_config_updates(trace, config, what, entries=CONFIG_ENTRIES):
    """One BPF_MAP_UPDATE_ELEM of config per entry, with the entry's bytes."""
    written = {hex_of(fields(c)["key"]): hex_of(fields(c)["value"])
               for c in trace.of("BPF_MAP_UPDATE_ELEM") if succeeded(c) and fd_label(fields(c), "map_fd") == config}
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


def map_label_by_id(trace, map_id, what):
    opened = trace.one("BPF_MAP_GET_FD_BY_ID", what, map_id=map_id)
    return label(opened)


def check_dump(trace, map_label, entries, what):
    """The walk over map_label's elements: every entry looked up, the walk
    ending with ENOENT."""
    read = {hex_of(fields(c)["key"]): hex_of(fields(c)["value"]) for c in trace.of("BPF_MAP_LOOKUP_ELEM")
            if succeeded(c) and fd_label(fields(c), "map_fd") == map_label}
    expect(read == entries, f"{what}: the lookups of {map_label} read {read}, expected {entries}")
    ends = [c for c in trace.of("BPF_MAP_GET_NEXT_KEY") if fd_label(fields(c), "map_fd") == map_label
            and c["return"].get("error") == "ENOENT"]
    expect(ends, f"{what}: the walk over {map_label} does not end with ENOENT")
