#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs into test/fuzz/corpus/TARGET/seed-*:
for the decoder, one call of every command (attr, the data it points at,
the resolver's answers and a BTF), the shapes the test suite's real calls
have; for the BTF formatters, the BTF of the examples' objects; for the
disassembler, their instructions. Run it with the build directory that
holds the examples' .bpf.o files (they are not committed; the seeds are):

    test/fuzz/seeds.py build
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = 0x10000          # the tracee address where the memory pattern starts
PATTERN = 4096          # its length: addresses wrap around it


def elf_sections(path):
    """{name: bytes} of an ELF64 little-endian object."""
    data = open(path, "rb").read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names = headers[shstrndx]
    def name(off):
        start = names[4] + off
        return data[start:data.index(b"\0", start)].decode()
    return {name(h[0]): data[h[4]:h[4] + h[5]] for h in headers}


def decoder_input(cmd, attr, memory, ret=0, btf=b"", answers=bytes(range(1, 17)), size=None):
    """The decoder target's input: header, resolver answers, BTF, memory pattern
    (the attr at BASE, followed by `memory` placed at the offsets given)."""
    pattern = bytearray(PATTERN)
    pattern[:len(attr)] = attr
    for offset, blob in memory.items():
        pattern[offset:offset + len(blob)] = blob
    head = struct.pack("<BHQqB", cmd, size if size is not None else len(attr), BASE, ret, 5)
    return head + answers + struct.pack("<H", len(btf)) + btf + bytes(pattern)


def broker_input(cmd, attr, memory, answers=0x80):
    """The broker target's input: header (the fd answers: 0x80 makes fd 4
    the real map and the directory the tracer's), then the memory pattern."""
    pattern = bytearray(PATTERN)
    pattern[:len(attr)] = attr
    for offset, blob in memory.items():
        pattern[offset:offset + len(blob)] = blob
    return struct.pack("<BHQB", cmd, len(attr), BASE, answers) + bytes(pattern)


def at(offset):
    return BASE + offset


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    objects = [os.path.join(build, "examples", f) for f in sorted(os.listdir(os.path.join(build, "examples")))
               if f.endswith(".bpf.o")]
    btfs, programs = [], []
    for o in objects:
        s = elf_sections(o)
        btfs.append(s[".BTF"])
        programs += [v for k, v in s.items() if k.startswith(("tp/", "xdp", "tracepoint", "ksyscall", "kprobe"))]
    btf = min(btfs, key=len)[:4095]
    insns = programs[0][:1024]
    seeds = {"decoder": [], "info": [], "btf": [], "disasm": [], "broker": []}

    for cmd in range(42):
        seeds["decoder"].append(decoder_input(cmd, bytes(range(160)), {}, ret=3))
    # BPF_MAP_CREATE of a hash with BTF; BPF_MAP_UPDATE_ELEM with a key and a value.
    seeds["decoder"].append(decoder_input(0, struct.pack("<IIIII", 1, 4, 13, 10240, 0) + bytes(8) + b"config".ljust(16, b"\0")
                                          + struct.pack("<IIII", 0, 3, 8, 11), {}, ret=4, btf=btf))
    seeds["decoder"].append(decoder_input(2, struct.pack("<IIQQQ", 4, 0, at(512), at(640), 0), {512: b"\xf5\1\0\0",
                                          640: b"Hi user 501!\0"}, btf=btf))
    # BPF_PROG_LOAD with the examples' instructions, a license and func_info.
    load = struct.pack("<IIQQIIQII", 5, len(insns) // 8, at(1024), at(900), 1, 256, at(2048), 0, 0) + b"hello".ljust(16, b"\0")
    seeds["decoder"].append(decoder_input(5, load.ljust(128, b"\0"), {900: b"GPL\0", 1024: insns, 2048: b"0: R1=ctx\n"},
                                          ret=-13, btf=btf))
    # BPF_BTF_LOAD of the examples' BTF (a blob in memory, not the resolver's).
    seeds["decoder"].append(decoder_input(18, struct.pack("<QQIII", at(1024), 0, len(btf[:2048]), 0, 0), {1024: btf[:2048]},
                                          ret=3))
    # BPF_OBJ_GET_INFO_BY_FD of a map, a program, a link.
    for kind_answer in (1, 2, 4):
        answers = bytes([0, 1, 4, 3, 16, 0, 1, 3, 11, 2, 1, 0, kind_answer, 2, 0, 0])
        seeds["info"].append(decoder_input(15, struct.pack("<IIQ", 3, 232, at(512)), {512: bytes(range(232))},
                                           answers=answers, btf=btf))
    # The broker's plans: every command with zeros past a small attr, then
    # the shapes it runs (map elements, a load, a BTF load, a pin, an info).
    for cmd in range(42):
        seeds["broker"].append(broker_input(cmd, struct.pack("<IIII", 4, 0, 0, 0), {}))
    seeds["broker"].append(broker_input(2, struct.pack("<IIQQQ", 4, 0, at(512), at(640), 0),
                                        {512: b"\1\0\0\0", 640: b"Hi user!"}))
    seeds["broker"].append(broker_input(1, struct.pack("<IIQQQ", 4, 0, at(512), at(640), 0), {512: b"\1\0\0\0"}))
    seeds["broker"].append(broker_input(5, load.ljust(128, b"\0"), {900: b"GPL\0", 1024: insns}))
    seeds["broker"].append(broker_input(18, struct.pack("<QQIII", at(1024), 0, len(btf[:2048]), 0, 0),
                                        {1024: btf[:2048]}))
    seeds["broker"].append(broker_input(6, struct.pack("<QI", at(512), 4), {512: b"/sys/fs/bpf/x\0"}))
    seeds["broker"].append(broker_input(7, struct.pack("<QI", at(512), 0), {512: b"/proc/self/cwd/x\0"}))
    seeds["broker"].append(broker_input(15, struct.pack("<IIQ", 4, 88, at(512)), {}))
    seeds["btf"] = [struct.pack("<H", len(b[:65535])) + b[:65535] + bytes(range(64)) for b in btfs]
    seeds["disasm"] = [b"\x03" + p for p in programs]
    for target, inputs in seeds.items():
        d = os.path.join(HERE, "corpus", target)
        os.makedirs(d, exist_ok=True)
        for i, data in enumerate(inputs):
            with open(os.path.join(d, f"seed-{i:02d}"), "wb") as f:
                f.write(data)
        print(f"{target}: {len(inputs)} seeds")


if __name__ == "__main__":
    main()
