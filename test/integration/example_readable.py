"""The examples' default traces as a reader meets them (check_examples.py
runs these): the width budget of README's "What a line says", and the
feature probes of libbpf and bpftool labelled and collapsed.

The width budget: in each example's default text trace at most 20% of the
lines are over 160 characters, and at most 5% of all of them together; no
line is over 400 characters except data lines (the indented lines under a
call: keys, values, buffers, whose length is the data's)."""

import os
import re
import shutil
import subprocess
import sys

from check_trace import run, skip
from example_trace import JsonTrace, expect, fields

WIDE, LONGEST = 160, 400
MOST_WIDE_PER_TRACE, MOST_WIDE_OVERALL = 0.20, 0.05
PROBE_RUN = re.compile(r"^(?:\[pid \d+\] )?(?:#\d+(?:-#\d+)? )?# (\d+) feature probes? by (libbpf|bpftool|bpftrace)( and \w+)* ")


def traced_text(args, tmp, name, argv, extra=()):
    out = os.path.join(tmp, name + ".txt")
    rc, stdout, stderr = run([args.tracer, *extra, "-o", out] + argv, what=name, timeout=120)
    expect(rc == 0, f"{name} under the tracer exits with {rc}: {stderr}")
    with open(out) as f:
        return f.read()


def lab_texts(args, tmp, lab):
    """Each traced step of examples/labs/LAB.sh, in the default text view."""
    where = os.path.join(tmp, lab)
    os.makedirs(where)
    env = dict(os.environ, BPFTRACE_SYSCALLS=args.tracer, EXAMPLES_BUILD=args.examples_build, LAB_TRACE_DIR=where)
    script = os.path.join(args.source_root, "examples", "labs", lab + ".sh")
    p = subprocess.run(["bash", script], env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    expect(p.returncode == 0, f"lab {lab} exits with {p.returncode}:\n{p.stdout}\n{p.stderr}")
    texts = {}
    for name in sorted(os.listdir(where)):
        with open(os.path.join(where, name)) as f:
            texts[f"{lab}/{name}"] = f.read()
    return texts


def default_traces(args, tmp):
    """Every example's default trace (the steps of the labs traced with -v
    or -e abbrev=none are left out: the budget is the default view's)."""
    b = lambda n: os.path.join(args.examples_build, n)  # noqa: E731
    traces = {
        "hello-buffer-config": traced_text(args, tmp, "hello", [b("hello-buffer-config"), "-n", "3", "-t", "30"]),
        "hello-ring-buffer-config": traced_text(args, tmp, "ring", [b("hello-ring-buffer-config"), "-n", "3", "-t", "30"]),
        "verifier-reject": None,
    }
    rc, _, _ = run([args.tracer, "-o", os.path.join(tmp, "reject.txt"), b("verifier-reject")], what="verifier-reject")
    with open(os.path.join(tmp, "reject.txt")) as f:
        traces["verifier-reject"] = f.read()
    bcc = os.path.join(args.source_root, "examples", "bcc")
    if os.path.exists(f"/lib/modules/{os.uname().release}/build"):
        for script in ("hello-buffer-config.py", "hello-ring-buffer-config.py"):
            traces["bcc " + script] = traced_text(args, tmp, "bcc-" + script,
                                                  [sys.executable, os.path.join(bcc, script), "-n", "3", "-t", "40"])
    labs = ["two-configs", "update-config", "pin-map", "prog-load-pin"]
    if shutil.which("unshare") and shutil.which("ip"):  # maps-ctl's lab runs in its own network namespace
        labs.append("maps-ctl")
    for lab in labs:
        for name, text in lab_texts(args, tmp, lab).items():
            if name.endswith("prog-dump.trace"):
                continue  # traced with -v: the listing is the point
            traces[name] = text
    return traces


def test_widths(args, tmp):
    traces = default_traces(args, tmp)
    total = wide_total = 0
    report = []
    for name, text in traces.items():
        lines = text.splitlines()
        wide = [l for l in lines if len(l) > WIDE]
        longest = [l for l in lines if len(l) > LONGEST and not l.startswith("  ")]
        expect(not longest, f"{name}: {len(longest)} lines over {LONGEST} characters:\n  " +
               "\n  ".join(l[:300] + "..." for l in longest))
        expect(len(wide) <= MOST_WIDE_PER_TRACE * len(lines),
               f"{name}: {len(wide)} of {len(lines)} lines over {WIDE} characters (budget "
               f"{MOST_WIDE_PER_TRACE:.0%}):\n  " + "\n  ".join(l[:200] for l in wide))
        total += len(lines)
        wide_total += len(wide)
        report.append(f"{name} {len(wide)}/{len(lines)}")
    expect(wide_total <= MOST_WIDE_OVERALL * total,
           f"{wide_total} of {total} lines over {WIDE} characters (budget {MOST_WIDE_OVERALL:.0%})")
    print(f"widths: {wide_total} of {total} lines over {WIDE} characters, none over {LONGEST} but data lines: "
          + ", ".join(report))


def is_probe_shape(call):
    """The test's own, independent idea of a libbpf probe in the hello
    examples: a tiny unnamed program, libbpf_nametest, a tiny BTF, a link
    to fd -1."""
    f, cmd = fields(call), call["cmd"]["name"]
    if cmd == "BPF_PROG_LOAD":
        name = f.get("prog_name", "")
        return f["insn_cnt"] <= 2 and name in ("", "libbpf_nametest")
    if cmd == "BPF_BTF_LOAD":
        return f["btf_size"] < 200
    if cmd == "BPF_LINK_CREATE":
        return call["attr"]["fields"]["link_create"]["target_fd"].get("fd") == -1
    return False


def test_probe_labels(args, tmp):
    """hello-buffer-config (libbpf 1.1): every probe labelled with its
    feature and answer in JSON and -v, the program's own calls not; the
    default view collapses them; the fd tables leave them out. bpftool
    feature probe: thousands of probes, one line."""
    hello = [os.path.join(args.examples_build, "hello-buffer-config"), "-n", "1", "-t", "30"]
    out = os.path.join(tmp, "hello.json")
    rc, _, stderr = run([args.tracer, "--format=json", "-o", out] + hello, what="hello-buffer-config")
    expect(rc == 0, f"hello-buffer-config under the tracer exits with {rc}: {stderr}")
    trace = JsonTrace(out)
    probes = [c for c in trace.calls if "probe" in c]
    for c in trace.calls:
        expect(is_probe_shape(c) == ("probe" in c),
               f"{'an unlabelled probe' if is_probe_shape(c) else 'a call labelled a probe'}: {str(c)[:400]}")
    features = {c["probe"]["feature"]: c["probe"]["answer"] for c in probes}
    want = {"memcg_account": "yes", "prog_loading": "yes", "btf": "yes", "btf_func": "yes", "btf_global_func": "yes",
            "btf_datasec": "yes", "btf_float": "yes", "btf_decl_tag": "yes", "btf_type_tag": "yes",
            "btf_enum64": "yes", "prog_name": "yes", "perf_link": "yes"}
    expect(features == want, f"probes found {features}, expected {want}")
    closes = [s for s in trace.syscalls("close") if "probe" in s]
    expect(len(closes) == len(probes) - 1,  # the link probe makes no fd
           f"{len(closes)} closes labelled as the probes', for {len(probes)} probe calls")
    link = [c for c in probes if c["probe"]["feature"] == "perf_link" and c["cmd"]["name"] == "BPF_LINK_CREATE"]
    expect(link and "EBADF is the answer it wants" in link[0]["probe"]["reason"], f"the perf link probe: {link}")
    expect(not any("not open in this process" in n for c in probes for n in c.get("notes", [])),
           "a probe is explained as a bad fd")

    verbose = traced_text(args, tmp, "hello-v", hello, extra=["-v"])
    for label in ("libbpf probes whether the kernel supports BTF_KIND_FLOAT: yes",
                  "libbpf probes whether BPF memory is charged to the memory cgroup: yes",
                  "libbpf probes whether the kernel takes program names: yes",
                  "libbpf probes whether the kernel supports BPF links for perf events: yes (EBADF"):
        expect(f"  # {label}" in verbose, f"-v: no line '# {label}'")

    brief = traced_text(args, tmp, "hello", hello)
    runs = [m for m in (PROBE_RUN.match(l) for l in brief.splitlines()) if m]
    collapsed = sum(int(m.group(1)) for m in runs)
    expect(collapsed == len(probes) + len(closes),
           f"the collapsed lines count {collapsed} calls, the JSON has {len(probes)} probes and {len(closes)} closes")
    expect("libbpf_nametest" not in brief and "btf_size=45" not in brief,
           "the default view shows a probe's call")
    expect("(not listed: " in brief and "fds of feature probes" in brief, "the fd table lists the probes' fds")

    tool = traced_text(args, tmp, "feature-probe", ["bpftool", "feature", "probe"])
    lines = [l for l in tool.splitlines() if not l.startswith(("---", "  ", "+++"))]
    expect(len(lines) == 1 and PROBE_RUN.match(lines[0]),
           f"bpftool feature probe: {len(lines)} lines besides the summary, not one collapsed line: {lines[:5]}")
    calls = int(PROBE_RUN.match(lines[0]).group(1))
    expect(calls > 1000 and "program types: " in lines[0] and "map types: " in lines[0],
           f"bpftool feature probe's line: {lines[0][:300]}")
    # bpftrace --info: every program and map it makes is a probe, its own
    # (instruction limit, loops, map batch) named as bpftrace's.
    if shutil.which("bpftrace") is None:
        skip("bpftrace is not installed (scripts/setup.sh installs it): its probes are not checked")
    out = os.path.join(tmp, "bpftrace.json")
    rc, _, stderr = run([args.tracer, "--format=json", "-o", out, "bpftrace", "--info"], what="bpftrace --info")
    expect(rc == 0, f"bpftrace --info under the tracer exits with {rc}: {stderr}")
    info = JsonTrace(out)
    made = [c for c in info.calls if c["cmd"]["name"] in ("BPF_PROG_LOAD", "BPF_MAP_CREATE")]
    unlabelled = [c for c in made if "probe" not in c]
    expect(made and not unlabelled, f"bpftrace --info: {len(unlabelled)} of {len(made)} loads not labelled as probes: "
                                    f"{[str(c)[:300] for c in unlabelled[:3]]}")
    own = {c["probe"]["feature"] for c in info.calls if c.get("probe", {}).get("by") == "bpftrace"}
    expect({"insn_limit", "loops", "map_batch"} <= own, f"bpftrace --info: bpftrace's own probes found: {own}")
    print(f"probes: {len(probes)} of hello-buffer-config's calls are libbpf's probes, all labelled, in "
          f"{len(runs)} collapsed lines; bpftool feature probe's {calls} calls in one line; "
          f"bpftrace --info's {len(made)} loads all probes")
