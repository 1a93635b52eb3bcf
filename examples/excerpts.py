#!/usr/bin/env python3
"""The trace excerpts in README.md's "Examples" section, kept true.

Each excerpt sits in README.md between `<!-- excerpt NAME -->` and
`<!-- end of excerpt -->`. This script runs each example or lab for real
under the tracer, keeps the calls the excerpt is about (and their data and
commentary lines), and then either writes them into README.md (--write) or
checks that README.md shows what the tracer prints today (--check, the
default; the test readme-excerpts runs it). The comparison ignores what
changes from run to run: object ids, fd numbers, pids, addresses, the pin
paths' pid suffixes, the kernel version and the number of CPUs.

    examples/excerpts.py --write     # after a change to the tracer's output
    examples/excerpts.py --check     # exit 0 if README.md is up to date

Exit status: 0 up to date (or written), 1 out of date, 77 something the
examples need is missing (not built, not root, no BCC).
"""

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
BEGIN = re.compile(r"^<!-- excerpt ([\w.-]+) -->$")
END = "<!-- end of excerpt -->"


class Keep:
    """The calls whose first line matches pattern: all of them, the first
    or the last. {name} in the pattern is filled from the run's stdout."""

    def __init__(self, pattern, which="all"):
        self.pattern, self.which = pattern, which


class Excerpt:
    """What to run, what to show of its trace, and how the README shows the
    command. run is argv (under the tracer), or ("lab", LAB, STEP) for a
    step of a lab script; ids maps placeholders to regexes on stdout."""

    def __init__(self, shown, run, keep, ids=None, needs_bcc=False, unordered=False):
        self.shown, self.run, self.keep, self.ids, self.needs_bcc = shown, run, keep, ids or {}, needs_bcc
        # A hash map's elements come in an order seeded at random per map:
        # such an excerpt is compared line for line, in any order.
        self.unordered = unordered


HELLO_KEEP = [Keep(r"^bpf\(BPF_BTF_LOAD, .* = \d+<btf#", "last"), Keep(r"^bpf\(BPF_MAP_CREATE, "),
              Keep(r'^bpf\(BPF_PROG_LOAD, .*prog_name="(hello|syscalls__sys_e)'),
              Keep(r"^bpf\(BPF_MAP_UPDATE_ELEM, .*:config>"), Keep(r"^perf_event_open\(\{type=PERF_TYPE_TRACEPOINT, "),
              Keep(r"^bpf\(BPF_LINK_CREATE, .* = \d+<link#"), Keep(r"^bpf\(BPF_MAP_UPDATE_ELEM, .*:output>", "first")]

EXCERPTS = {
    "hello-buffer-config": Excerpt(
        "bpftrace-syscalls build/examples/hello-buffer-config -n 3",
        ["{examples}/hello-buffer-config", "-n", "3"], HELLO_KEEP),
    "hello-ring-buffer-config": Excerpt(
        "bpftrace-syscalls build/examples/hello-ring-buffer-config -n 3",
        ["{examples}/hello-ring-buffer-config", "-n", "3"],
        [Keep(r"^bpf\(BPF_MAP_CREATE, .*map_name=\"output\""), Keep(r'^bpf\(BPF_PROG_LOAD, .*prog_name="hello'),
         Keep(r"^bpf\(BPF_LINK_CREATE, .* = \d+<link#")]),
    "bcc-hello-buffer-config": Excerpt(
        "bpftrace-syscalls python3 examples/bcc/hello-buffer-config.py -n 3",
        ["python3", os.path.join(ROOT, "examples", "bcc", "hello-buffer-config.py"), "-n", "3"],
        HELLO_KEEP[:5] + [Keep(r"^ioctl\(\d+<perf_event:.*, PERF_EVENT_IOC_SET_BPF, ")], needs_bcc=True),
    "maps-ctl": Excerpt(
        "examples/labs/maps-ctl.sh    # this step: bpftrace-syscalls build/examples/maps-ctl -d lo -S -P DIR",
        ("lab", "maps-ctl", "load"),
        [Keep(r"^bpf\(BPF_MAP_CREATE, .*map_name=\"maps_"), Keep(r'^bpf\(BPF_PROG_LOAD, .*prog_name="maps_prog"'),
         Keep(r"^bpf\(BPF_OBJ_PIN, "), Keep(r"^bpf\(BPF_LINK_CREATE, .* = \d+<link#"),
         Keep(r"^--- objects alive after the trace ---$")]),
    "verifier-reject": Excerpt(
        "bpftrace-syscalls build/examples/verifier-reject",
        ["{examples}/verifier-reject"],
        [Keep(r'^bpf\(BPF_MAP_CREATE, .*map_name="values"'), Keep(r'^bpf\(BPF_PROG_LOAD, .*prog_name="reject_me"'),
         Keep(r"^\+\+\+ exited", "last")]),
    "lab-two-configs": Excerpt(
        "examples/labs/two-configs.sh    # this step: bpftrace-syscalls bpftool map dump name config",
        ("lab", "two-configs", "map-dump"),
        [Keep(r"^bpf\(BPF_MAP_GET_FD_BY_ID, \{map_id={first},", "first"),
         Keep(r"^bpf\(BPF_OBJ_GET_INFO_BY_FD, .*map#{first}:", "first"),
         Keep(r"^bpf\(BPF_MAP_GET_NEXT_KEY, .*map#{first}:"), Keep(r"^bpf\(BPF_MAP_LOOKUP_ELEM, .*map#{first}:")],
        ids={"first": r"were ids (\d+) and"}, unordered=True),
    "lab-update-config": Excerpt(
        "examples/labs/update-config.sh    # this step: bpftrace-syscalls bpftool map update name config key hex ... value hex ...",
        ("lab", "update-config", "map-update"),
        [Keep(r"^bpf\(BPF_MAP_UPDATE_ELEM, .*map#{id}:")],
        ids={"id": r"its map config is id (\d+)"}),
    "lab-pin-map": Excerpt(
        "examples/labs/pin-map.sh    # this step: bpftrace-syscalls bpftool map show pinned PIN, after the program ended",
        ("lab", "pin-map", "show-pinned"),
        [Keep(r"^bpf\(BPF_OBJ_GET, "), Keep(r"^--- objects alive after the trace ---$")]),
    "lab-prog-load-pin": Excerpt(
        "examples/labs/prog-load-pin.sh    # this step: bpftrace-syscalls bpftool prog load OBJ PIN",
        ("lab", "prog-load-pin", "prog-load"),
        [Keep(r'^bpf\(BPF_PROG_LOAD, .*prog_name="hello'), Keep(r"^bpf\(BPF_OBJ_PIN, "),
         Keep(r"^--- objects alive after the trace ---$")]),
}


class Missing(Exception):
    """Something the examples need is not there: the excerpts cannot be made."""


# --- making an excerpt -------------------------------------------------------

def blocks(text):
    """The trace as blocks: a line and the indented lines below it."""
    out = []
    for line in text.splitlines():
        if line.startswith("  ") and out:
            out[-1].append(line)
        else:
            out.append([line])
    return out


def select(text, keep, ids):
    """The blocks the Keeps name, in trace order, "..." where blocks were left out."""
    all_blocks = blocks(text)
    chosen = set()
    for k in keep:
        pattern = re.compile(re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], k.pattern))
        hits = [i for i, b in enumerate(all_blocks) if pattern.search(b[0])]
        if not hits:
            raise RuntimeError(f"no line of the trace matches {pattern.pattern!r}:\n{text}")
        chosen.update(hits if k.which == "all" else [hits[0] if k.which == "first" else hits[-1]])
    lines, last = [], -1
    for i in sorted(chosen):
        if i != last + 1:
            lines.append("...")
        lines.extend(all_blocks[i])
        last = i
    if last != len(all_blocks) - 1:
        lines.append("...")
    return lines


def lab_env(args, trace_dir):
    return dict(os.environ, BPFTRACE_SYSCALLS=args.tracer, EXAMPLES_BUILD=args.examples_build,
                LAB_TRACE_DIR=trace_dir)


def make(name, excerpt, args):
    """Runs the excerpt's example or lab; returns its lines for the README."""
    if excerpt.needs_bcc and not bcc_usable():
        raise Missing("BCC cannot compile here (python3-bpfcc and kernel headers: scripts/setup.sh)")
    with tempfile.TemporaryDirectory(prefix="bpfsc-excerpt-") as tmp:
        if excerpt.run[0] == "lab":
            _, lab, step = excerpt.run
            p = subprocess.run(["bash", os.path.join(ROOT, "examples", "labs", lab + ".sh")],
                               env=lab_env(args, tmp), capture_output=True, text=True, timeout=90,
                               stdin=subprocess.DEVNULL)
            trace_path = os.path.join(tmp, step + ".trace")
        else:
            trace_path = os.path.join(tmp, "trace")
            argv = [a.replace("{examples}", args.examples_build) for a in excerpt.run]
            p = subprocess.run([args.tracer, "-o", trace_path] + argv, capture_output=True, text=True,
                               timeout=90, stdin=subprocess.DEVNULL)
        if p.returncode == 77:
            raise Missing(p.stderr.strip())
        if p.returncode != 0 and name != "verifier-reject":
            raise RuntimeError(f"{name}: exit status {p.returncode}:\n{p.stdout}\n{p.stderr}")
        ids = {}
        for key, regex in excerpt.ids.items():
            m = re.search(regex, p.stdout)
            if not m:
                raise RuntimeError(f"{name}: no {regex!r} in its output:\n{p.stdout}")
            ids[key] = m.group(1)
        with open(trace_path, errors="replace") as f:
            text = f.read()
    return ["$ " + excerpt.shown] + select(text, excerpt.keep, ids)


def bcc_usable():
    python3 = shutil.which("python3")
    probe = subprocess.run([python3, "-c", "import sys; sys.path.append('/usr/lib/python3/dist-packages'); import bcc"],
                           capture_output=True)
    return probe.returncode == 0 and os.path.exists(f"/lib/modules/{os.uname().release}/build")


# --- comparing ---------------------------------------------------------------

NORMALISE = [
    (re.compile(r"\b0x[0-9a-f]{5,}\b"), "0x…"),                            # addresses
    (re.compile(r"\b(map|prog|link|btf)#\d+"), r"\1#N"),                  # object ids
    (re.compile(r"\b(\w*_id|start_id|next_id)=\d+( => \d+)?"), r"\1=N"),   # ids in the attr
    (re.compile(r"\bid=\d+"), "id=N"),                                     # ids in info structs
    (re.compile(r"\bid:?\s*\d+"), "id N"),                                 # ids in prose
    (re.compile(r"\b(map|prog|program|link|btf) \d+\b"), r"\1 N"),
    (re.compile(r"\b\d+<"), "N<"),                                         # fds with their object
    (re.compile(r"\bfds? \d+\b"), "fd N"),                                 # fds in prose and the summary
    (re.compile(r"^  fd +N +"), "  fd N  "),
    (re.compile(r"\bpid \d+"), "pid N"),
    (re.compile(r"(/sys/fs/bpf/[\w.]+(?:-[a-z]+)*)-\d+"), r"\1-N"),       # pin paths end with the lab's pid
    (re.compile(r"KERNEL_VERSION\(\d+, \d+, \d+\)"), "KERNEL_VERSION(…)"),
    (re.compile(r"\bconfig=\d+ /\* "), "config=N /* "),                    # tracepoint ids (numbered at boot)
    (re.compile(r"#\d+ (BPF_|close)"), r"#N \1"),                          # call numbers in the summary
    (re.compile(r" {2,}"), "  "),                                          # the summary's column widths
]
PER_CPU = re.compile(r"perf_event_array|PERF_EVENT_ARRAY")


def unwrap(lines):
    """The info: data lines the tracer wraps at 150 columns, joined again:
    where they break depends on how many digits the ids have."""
    out = []
    for line in lines:
        if line.startswith("         ") and out and out[-1].lstrip().startswith("info: {"):
            out[-1] += " " + line.strip()
        else:
            out.append(line)
    return out


def normalise(line):
    for regex, repl in NORMALISE:
        line = regex.sub(repl, line)
    if PER_CPU.search(line):  # a perf event array has one slot per CPU
        line = re.sub(r"max_entries=\d+", "max_entries=N", re.sub(r"up to \d+ entries", "up to N entries", line))
    return line.rstrip()


# --- README.md ---------------------------------------------------------------

def readme_excerpts(text):
    """{name: (first line index, end line index, lines)} of README.md."""
    found, lines = {}, text.split("\n")
    for i, line in enumerate(lines):
        m = BEGIN.match(line)
        if m:
            end = next((j for j in range(i + 1, len(lines)) if lines[j] == END), None)
            if end is None:
                raise RuntimeError(f"README.md:{i + 1}: excerpt {m.group(1)} has no {END!r}")
            body = [ln[4:] if ln.startswith("    ") else ln for ln in lines[i + 1:end] if ln.strip()]
            found[m.group(1)] = (i, end, body)
    return found


def render(lines):
    return [""] + ["    " + ln if ln else "" for ln in lines] + [""]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite README.md's excerpts from fresh runs")
    mode.add_argument("--check", action="store_true", help="check them (the default)")
    p.add_argument("--tracer", default=os.path.join(ROOT, "build", "tracer", "bpftrace-syscalls"))
    p.add_argument("--examples-build", default=os.path.join(ROOT, "build", "examples"))
    p.add_argument("names", nargs="*", help="only these excerpts (default: all)")
    args = p.parse_args()
    args.tracer, args.examples_build = os.path.abspath(args.tracer), os.path.abspath(args.examples_build)
    for needed in (args.tracer, os.path.join(args.examples_build, "hello-buffer-config")):
        if not os.access(needed, os.X_OK):
            print(f"excerpts: {needed} is missing: build first (scripts/setup.sh)")
            return 77
    if os.geteuid() != 0:
        print("excerpts: the examples load BPF programs: run as root")
        return 77
    with open(README) as f:
        text = f.read()
    in_readme = readme_excerpts(text)
    names = args.names or list(EXCERPTS)
    unknown = [n for n in names if n not in EXCERPTS]
    missing = [n for n in names if n not in in_readme]
    if unknown or missing:
        print(f"excerpts: unknown {unknown}, not marked in README.md {missing}")
        return 1
    fresh, stale = {}, []
    for name in names:
        try:
            fresh[name] = make(name, EXCERPTS[name], args)
        except Missing as e:
            print(f"excerpts: {name}: {e}")
            return 77
        ours = [normalise(x) for x in unwrap(in_readme[name][2])]
        theirs = [normalise(x) for x in unwrap(fresh[name])]
        if ours == theirs or (EXCERPTS[name].unordered and sorted(ours) == sorted(theirs)):
            print(f"ok: {name}")
        else:
            stale.append(name)
            print(f"out of date: {name}")
            sys.stdout.writelines(ln + "\n" for ln in difflib.unified_diff(
                ours, theirs, "README.md", "the tracer today", lineterm="", n=1))
    if not args.write:
        if stale:
            print(f"excerpts: {len(stale)} out of date: run examples/excerpts.py --write and review the diff")
        return 1 if stale else 0
    lines = text.split("\n")
    for name in sorted(fresh, key=lambda n: in_readme[n][0], reverse=True):
        first, end, _ = in_readme[name]
        lines[first + 1:end] = render(fresh[name])
    with open(README, "w") as f:
        f.write("\n".join(lines))
    print(f"excerpts: wrote {len(fresh)} excerpts into README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
