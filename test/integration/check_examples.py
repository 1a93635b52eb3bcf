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
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_trace import Failure, exit_status, require_bpf, run, skip  # noqa: E402
from example_labs import (test_lab_prog_load_pin, test_lab_pin_map, test_lab_two_configs,  # noqa: E402
                          test_lab_update_config, test_maps_ctl)
from example_readable import test_probe_labels, test_widths  # noqa: E402
from example_trace import (JsonTrace, check_config_map, check_config_updates, check_events,  # noqa: E402
                           check_hello_program, expect, fd_label, fields, kprobes_available, label, name_of,
                           succeeded)


# --- the examples ------------------------------------------------------------

def trace_example(args, tmp, argv, what, name="trace"):
    out = os.path.join(tmp, f"{name}.json")
    rc, stdout, stderr = run([args.tracer, "--format=json", "-o", out] + argv, what=what)
    return exit_status(rc), stdout, stderr, JsonTrace(out)


def hook_event(trace, hook, what):
    """The label of the perf event the program was attached to: its
    perf_event_open line, the execve tracepoint or a kprobe."""
    want = "perf_event:tracepoint:syscalls:sys_enter_execve" if hook == "tracepoint" else "perf_event:kprobe:"
    opened = [label(c) for c in trace.syscalls("perf_event_open") if c["return"]["value"] >= 0]
    found = [o for o in opened if o == want or (want.endswith(":") and o.startswith(want))]
    expect(found, f"{what}: no perf_event_open line made the {hook} event (opened: {opened})")
    return found[0]


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
    expect(fd_label(fields(link), "prog_fd") == prog and label(link).startswith("link#"),
           f"{what}: the perf-event link attaches {fd_label(fields(link), 'prog_fd')}, not {prog}")
    # The link's target is the event perf_event_open made, named as what it is.
    event = hook_event(trace, hook, what)
    expect(fd_label(fields(link), "target_fd") == event,
           f"{what}: the perf-event link's target is {fd_label(fields(link), 'target_fd')}, not {event}")
    if output_type == "BPF_MAP_TYPE_PERF_EVENT_ARRAY":
        slots = [c for c in trace.of("BPF_MAP_UPDATE_ELEM") if fd_label(fields(c), "map_fd") == label(output)
                 and succeeded(c) and any(o.startswith("perf_event:bpf-output:cpu")
                                          for o in [fd.get("label") for fd in fields(c)["value"].get("fds") or []])]
        expect(slots, f"{what}: no bpf-output perf event stored in {label(output)} (the perf buffer)")
    check_events(stdout, 3, what)
    # The program as the trace shows it: a one-line summary by default; with
    # -v its disassembly, with the C source line above its instructions and
    # the config map by id and name, as bpftool prog dump xlated shows it.
    load = trace.one("BPF_PROG_LOAD", what, prog_name="hello_tracepoin" if "tracepoint" in hook else "hello_kprobe")
    expect("bpf_map_lookup_elem" in load.get("program", {}).get("helpers", []),
           f"{what}: the program summary lacks bpf_map_lookup_elem: {load.get('program')}")
    typed = [fields(c)["value"].get("typed") for c in trace.of("BPF_MAP_UPDATE_ELEM")
             if fd_label(fields(c), "map_fd") == config]
    expect({"message": "Hi user 501!"} in typed, f"{what}: the config values are not typed by BTF: {typed}")
    _, _, text = run([args.tracer, "-v", binary(args, example), "-n", "1", "-t", "30"], what=what)
    expect(re.search(r"\n +;\s+configured = bpf_map_lookup_elem\(&config, &data->uid\);\n", text),
           f"{what} -v: no source line above the lookup")
    expect(re.search(r"\n +\d+: \(18\) r1 = map\[id:\d+\]<config>\n(?: +;[^\n]*\n)? +\d+: \(85\) call bpf_map_lookup_elem#1\n", text),
           f"{what} -v: the disassembly lacks the config lookup")
    expect('value: {message="Hi user 501!"}' in text, f"{what}: the text trace lacks the typed value")
    print(f"{what}: {config} with BTF, {prog}, config entries written, attached through {label(link)}")


def test_bcc(args, tmp, script, output_type):
    """The BCC version: the same maps, program and config entries; BCC
    attaches with perf_event_open and ioctl(PERF_EVENT_IOC_SET_BPF), and the
    trace shows both, the event named and the program on it."""
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
    event = hook_event(trace, hook, what)
    attach = [c for c in trace.syscalls("ioctl") if c["return"]["value"] == 0
              and c["args"]["request"]["name"] == "PERF_EVENT_IOC_SET_BPF"
              and c["args"]["fd"].get("label") == event and c["args"]["prog_fd"].get("label") == prog]
    expect(attach, f"{what}: no ioctl(PERF_EVENT_IOC_SET_BPF) puts {prog} on {event}: "
                   f"{[c['args'] for c in trace.syscalls('ioctl')]}")
    expect(any("now runs on every" in n for n in attach[0].get("notes", [])),
           f"{what}: the attach has no commentary: {attach[0]}")
    check_events(stdout, 3, what)
    print(f"{what}: {config} with BTF, {prog} set on {event} by ioctl, config entries written, 3 events")


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
    # The trace shows why anyway: the tracer loaded the program again itself.
    log = loads[0].get("log") or {}
    expect(log.get("source") == "tracer" and "invalid mem access 'map_value_or_null'" in log.get("text", ""),
           f"{what}: the trace lacks the verifier's reason: {log}")
    expect(log.get("tracer_load_result") == -13, f"{what}: the tracer's own load did not fail with EACCES: {log}")
    expect(any("tracer's own load" in n for n in loads[0].get("notes", [])), f"{what}: no note on the log's origin")
    # --verifier-log=never leaves it out; text output shows it under the call.
    _, _, stderr = run([args.tracer, "--verifier-log=never", binary(args, "verifier-reject")], what=what)
    expect("invalid mem access" not in stderr.split("verifier-reject: the verifier")[0],
           f"{what}: --verifier-log=never still shows a log")
    _, _, stderr = run([args.tracer, binary(args, "verifier-reject")], what=what)
    expect("  verifier log (the loader asked for none; the tracer loaded the same program again" in stderr and
           "    R0 invalid mem access 'map_value_or_null'" in stderr, f"{what}: the text trace lacks the log: {stderr}")
    rc, _, stderr, trace = trace_example(args, tmp, [binary(args, "verifier-reject"), "--log"], what, "log")
    loads = trace.of("BPF_PROG_LOAD", prog_name="reject_me")
    expect(rc == 1 and len(loads) == 2 and fields(loads[1])["log_level"] == 1 and fields(loads[1])["log_size"] > 0,
           f"{what} --log: expected a second load with log_level 1, got status {rc} and {len(loads)} loads")
    expect("invalid mem access 'map_value_or_null'" in stderr, f"{what} --log: no verifier log printed: {stderr}")
    log = loads[1].get("log") or {}
    expect(log.get("source") == "loader" and "invalid mem access" in log.get("text", ""),
           f"{what} --log: the loader's own log is not in the trace: {log}")
    print(f"{what}: one load with log_level=0 and no log_buf, EACCES; --log shows the verifier's reason")


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
    "readable-widths": test_widths,
    "readable-probes": test_probe_labels,
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
