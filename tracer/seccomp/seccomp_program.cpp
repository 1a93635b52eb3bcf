// A program's own seccomp filter (see seccomp_program.h).
#include "tracer/seccomp/seccomp_program.h"

#include <linux/bpf_common.h>

#include <cstddef>
#include <cstring>

namespace bpfsc::tracer {

namespace {

constexpr uint32_t k_data_size = sizeof(seccomp_data);  // what BPF_LEN loads
constexpr uint32_t k_max_insns = 4096;                  // BPF_MAXINSNS
constexpr uint32_t k_memory_words = 16;                 // BPF_MEMWORDS

uint32_t alu(uint16_t op, uint32_t a, uint32_t operand, bool* divided_by_zero) {
    switch (op) {
    case BPF_ADD: return a + operand;
    case BPF_SUB: return a - operand;
    case BPF_MUL: return a * operand;
    case BPF_DIV:
        if (operand == 0) *divided_by_zero = true;
        return operand == 0 ? 0 : a / operand;
    case BPF_MOD:
        if (operand == 0) *divided_by_zero = true;
        return operand == 0 ? 0 : a % operand;
    case BPF_OR: return a | operand;
    case BPF_AND: return a & operand;
    case BPF_XOR: return a ^ operand;
    case BPF_LSH: return a << (operand & 31);
    case BPF_RSH: return a >> (operand & 31);
    case BPF_NEG: return uint32_t(-int64_t(a));
    default: return a;
    }
}

} // namespace

uint32_t SeccompProgram::run(const seccomp_data& call) const {
    unsigned char data[k_data_size];
    std::memcpy(data, &call, sizeof data);
    uint32_t a = 0, x = 0;
    uint32_t memory[k_memory_words] = {};
    // Classic BPF jumps only forward: at most one pass over the program.
    for (std::size_t pc = 0; pc < insns.size(); ++pc) {
        const sock_filter& i = insns[pc];
        const uint16_t cls = BPF_CLASS(i.code);
        switch (cls) {
        case BPF_LD:
        case BPF_LDX: {
            uint32_t value;
            if (i.code == (BPF_LD | BPF_W | BPF_ABS)) {
                if (i.k % 4 != 0 || i.k >= k_data_size) return SECCOMP_RET_KILL_PROCESS;
                std::memcpy(&value, data + i.k, 4);
            } else if (BPF_MODE(i.code) == BPF_LEN && BPF_SIZE(i.code) == BPF_W) {
                value = k_data_size;
            } else if (BPF_MODE(i.code) == BPF_IMM) {
                value = i.k;
            } else if (BPF_MODE(i.code) == BPF_MEM && i.k < k_memory_words) {
                value = memory[i.k];
            } else {
                return SECCOMP_RET_KILL_PROCESS;
            }
            (cls == BPF_LD ? a : x) = value;
            break;
        }
        case BPF_ST:
        case BPF_STX:
            if (i.k >= k_memory_words) return SECCOMP_RET_KILL_PROCESS;
            memory[i.k] = cls == BPF_ST ? a : x;
            break;
        case BPF_ALU: {
            bool divided_by_zero = false;
            a = alu(BPF_OP(i.code), a, BPF_SRC(i.code) == BPF_X ? x : i.k, &divided_by_zero);
            if (divided_by_zero) return 0;  // the kernel's classic BPF ends with 0 (SECCOMP_RET_KILL_THREAD)
            break;
        }
        case BPF_JMP: {
            if (BPF_OP(i.code) == BPF_JA) {
                pc += i.k;
                break;
            }
            const uint32_t operand = BPF_SRC(i.code) == BPF_X ? x : i.k;
            bool taken;
            switch (BPF_OP(i.code)) {
            case BPF_JEQ: taken = a == operand; break;
            case BPF_JGT: taken = a > operand; break;
            case BPF_JGE: taken = a >= operand; break;
            case BPF_JSET: taken = (a & operand) != 0; break;
            default: return SECCOMP_RET_KILL_PROCESS;
            }
            pc += taken ? i.jt : i.jf;
            break;
        }
        case BPF_RET: return BPF_RVAL(i.code) == BPF_A ? a : i.k;
        case BPF_MISC:
            if (BPF_MISCOP(i.code) == BPF_TAX) x = a;
            else a = x;
            break;
        default: return SECCOMP_RET_KILL_PROCESS;
        }
    }
    return SECCOMP_RET_KILL_PROCESS;  // ran off the end: the kernel refuses such a program
}

std::optional<SeccompProgram> SeccompProgram::read(decoder::Memory& memory, uint64_t address, bool compat) {
    // struct sock_fprog: an unsigned short length, then the pointer (8 or 4
    // bytes, aligned).
    std::byte header[16] = {};
    const std::size_t header_size = compat ? 8 : 16;
    if (memory.read(decoder::RemoteAddr{address}, std::span(header, header_size)).bytes != header_size)
        return std::nullopt;
    uint16_t length;
    std::memcpy(&length, header, 2);
    uint64_t filter = 0;
    std::memcpy(&filter, header + (compat ? 4 : 8), compat ? 4 : 8);
    if (length == 0 || length > k_max_insns) return std::nullopt;
    SeccompProgram p;
    p.insns.resize(length);
    const std::span<std::byte> bytes(reinterpret_cast<std::byte*>(p.insns.data()), length * sizeof(sock_filter));
    if (memory.read(decoder::RemoteAddr{filter}, bytes).bytes != bytes.size()) return std::nullopt;
    return p;
}

} // namespace bpfsc::tracer
