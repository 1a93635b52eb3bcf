// The kernel symbol table of xlated calls (decoder/kernel_symbols.h): read
// from a kallsyms file, text symbols only, by offset from __bpf_call_base,
// aliases kept; and from the running kernel's /proc/kallsyms.
#include <unistd.h>

#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

#include "kernel_symbols.h"
#include "support.h"

using bpfsc::decoder::KernelSymbols;

namespace {

// A kallsyms file with these contents, removed at the end of the test.
struct TempFile {
    std::string path;
    explicit TempFile(const std::string& text) {
        char name[] = "/tmp/bpfsc-kallsyms-XXXXXX";
        const int fd = mkstemp(name);
        REQUIRE(fd >= 0);
        REQUIRE(write(fd, text.data(), text.size()) == ssize_t(text.size()));
        close(fd);
        path = name;
    }
    ~TempFile() { unlink(path.c_str()); }
};

} // namespace

TEST_CASE("kernel symbols: calls by offset from __bpf_call_base, text symbols, aliases", "[kernel_symbols]") {
    const TempFile f("ffffffff81000000 T _stext\n"
                     "ffffffff81100000 T __bpf_call_base\n"
                     "ffffffff81100040 t __htab_map_lookup_elem\n"
                     "ffffffff81100040 T htab_lookup_alias\n"
                     "ffffffff81100080 D some_data\n"
                     "ffffffff810fff00 T bpf_perf_event_output_tp\n"
                     "garbage line\n"
                     "ffffffffc0001000 t mod_func\t[some_module]\n");
    const auto table = KernelSymbols::load(f.path.c_str());
    REQUIRE(table != nullptr);
    CHECK(table->call_target(0x40) == "__htab_map_lookup_elem");
    CHECK(table->call_target(-0x100) == "bpf_perf_event_output_tp");
    CHECK(table->call_target(0x80).empty());  // data, not a function
    CHECK(table->call_target(0x44).empty());  // inside a function, not its start
    CHECK(table->call_address(-0x100) == 0xffffffff810fff00);
    CHECK(table->names_at(0xffffffff81100040) ==
          std::vector<std::string_view>{"__htab_map_lookup_elem", "htab_lookup_alias"});
    CHECK(table->names_at(0xffffffffc0001000) == std::vector<std::string_view>{"mod_func"});
}

TEST_CASE("kernel symbols: nothing without __bpf_call_base, addresses or the file", "[kernel_symbols]") {
    // kptr_restrict: every address reads as 0.
    const TempFile hidden("0000000000000000 T _stext\n0000000000000000 T __bpf_call_base\n"
                          "0000000000000000 t __htab_map_lookup_elem\n");
    CHECK(KernelSymbols::load(hidden.path.c_str()) == nullptr);
    const TempFile no_base("ffffffff81000000 T _stext\n");
    CHECK(KernelSymbols::load(no_base.path.c_str()) == nullptr);
    CHECK(KernelSymbols::load("/nonexistent/kallsyms") == nullptr);
}

TEST_CASE("kernel symbols: the running kernel's", "[kernel_symbols]") {
    BPFSC_REQUIRE_BPF();  // root: /proc/kallsyms shows addresses
    const auto table = KernelSymbols::load();
    REQUIRE(table != nullptr);
    // __bpf_call_base is itself a function: offset 0 is its own name.
    CHECK(table->call_target(0) == "__bpf_call_base");
}
