// The seccomp broker's replica (tracer/broker/replica.h), run for real for
// another process: a forked child plays the tracee (its fds are not the
// test's; its memory is read and written across processes). Each call is
// decoded from the child's memory, prepared, run by the test process and
// written back into the child; the checks read the child's memory and ask
// the kernel. Calls the broker must not run are refused with a reason.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>

#include "kernel_objects.h"
#include "support.h"
#include "decoder/uapi/bpf_info.h"
#include "tracer/seccomp/broker/path_meaning.h"
#include "tracer/seccomp/broker/replica.h"
#include "tracer/seccomp/broker/tracee_identity.h"
#include "tracer/os/process_memory.h"

using namespace bpfsc::test;
namespace uapi = bpfsc::uapi;
using bpfsc::tracer::ProcessMemory;
using bpfsc::tracer::UniqueFd;
using bpfsc::tracer::broker::Replica;

namespace {

// A child process that sets its fds up (`setup`, run after fork) and waits
// to be killed: the broker's tracee.
class ChildTracee : public bpfsc::tracer::broker::TraceeAccess, public Memory {
public:
    explicit ChildTracee(const std::function<void()>& setup) {
        int ready[2];
        REQUIRE(pipe(ready) == 0);
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            close(ready[0]);
            setup();
            [[maybe_unused]] ssize_t w = ::write(ready[1], "x", 1);
            for (;;) pause();
        }
        close(ready[1]);
        char c;
        REQUIRE(::read(ready[0], &c, 1) == 1);
        close(ready[0]);
        pidfd_ = int(syscall(SYS_pidfd_open, pid_, 0));
        memory_.set_pid(pid_);
    }
    ~ChildTracee() override {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        close(pidfd_);
    }
    ReadResult read(RemoteAddr addr, std::span<std::byte> out) override { return memory_.read(addr, out); }
    bool write(RemoteAddr addr, std::span<const std::byte> data) override { return memory_.write(addr, data); }
    UniqueFd duplicate_fd(int fd) override {
        return UniqueFd(int(syscall(SYS_pidfd_getfd, pidfd_, fd, 0)));
    }
    bool same_cwd() override { return true; }

    pid_t pid() const { return pid_; }
    int pidfd() const { return pidfd_; }

    template <typename T>
    T fetch(const T& where) {  // the child's copy of an object at the test's address of it
        T value;
        REQUIRE(memory_.read(addr_of(&where), std::as_writable_bytes(std::span(&value, 1))).bytes == sizeof value);
        return value;
    }

private:
    pid_t pid_ = -1;
    int pidfd_ = -1;
    ProcessMemory memory_;
};

int open_fds() {
    int n = 0;
    DIR* d = opendir("/proc/self/fd");
    while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

int64_t make_array(uint32_t value_size) { return create_map(2 /* BPF_MAP_TYPE_ARRAY */, 4, value_size, 4); }

// struct bpf_map_info begins like struct bpf_prog_info: type, id.
uint32_t map_id_of(int fd) { return prog_id_of(fd); }

// A socket filter's load naming a map by fd: "r1 = map (ld_imm64,
// BPF_PSEUDO_MAP_FD); r0 = 0; exit".
struct ProgWithMap {
    std::array<uapi::bpf_insn_raw, 4> insns;
    const char license[4] = "GPL";
    uapi::prog_load_attr attr{};
    explicit ProgWithMap(int32_t map_fd)
        : insns{{{0x18, 0x11, 0, map_fd}, {0, 0, 0, 0}, {0xb7, 0x00, 0, 0}, {0x95, 0x00, 0, 0}}} {
        attr.prog_type = 1;  // BPF_PROG_TYPE_SOCKET_FILTER
        attr.insn_cnt = insns.size();
        attr.insns = u64_of(insns.data());
        attr.license = u64_of(license);
    }
    ProgWithMap(const ProgWithMap&) = delete;  // the attr points into it
    ProgWithMap& operator=(const ProgWithMap&) = delete;
};

// Decodes the call at entry from the child's memory and prepares it.
struct Prepared {
    DecodedCall call;
    Replica replica;
    bool ok = false;
    Prepared(ChildTracee& child, uint32_t cmd, const void* attr, uint32_t size, ObjectResolver* resolver = nullptr) {
        Decoder decoder(child, resolver);
        decoder.decode_entry(call, cmd, addr_of(attr), size);
        ok = replica.prepare(call, child);
    }
    // Runs the prepared call and writes its outputs into the child: the result.
    int64_t run_into(ChildTracee& child) {
        INFO(replica.reason());
        REQUIRE(ok);
        const int64_t ret = replica.run();
        REQUIRE(replica.write_back(child) == 0);
        return ret;
    }
};

} // namespace

TEST_CASE("a lookup run for another process reads its fd, writes its value buffer and nothing else", "[broker]") {
    BPFSC_REQUIRE_BPF();
    Fd map(make_array(8));
    REQUIRE(map.fd >= 0);
    const uint32_t zero = 0;
    const uint64_t stored = 0x1122334455667788ull;
    uapi::map_elem_attr update{};
    update.map_fd = uint32_t(map.fd);
    update.key = u64_of(&zero);
    update.value = u64_of(&stored);
    REQUIRE(real_bpf(uapi::BPF_MAP_UPDATE_ELEM, &update, sizeof update) == 0);

    // In the child the map is fd 0 (the broker must make 0 mean the child's fd 0)
    // and the test's own fd number for it is closed.
    struct {
        uint64_t before = 0xeeeeeeeeeeeeeeeeull;
        uint64_t value = 0xeeeeeeeeeeeeeeeeull;
        uint64_t after = 0xeeeeeeeeeeeeeeeeull;
    } buffer;
    uapi::map_elem_attr lookup{};
    lookup.map_fd = 0;
    lookup.key = u64_of(&zero);
    lookup.value = u64_of(&buffer.value);
    const int test_fd = map.fd;
    ChildTracee child([&] {
        dup2(test_fd, 0);
        close(test_fd);
    });
    struct stat own_fd0_before, own_fd0_after;
    const bool had_fd0 = fstat(0, &own_fd0_before) == 0;
    const int fds_before = open_fds();
    {
        Prepared p(child, uapi::BPF_MAP_LOOKUP_ELEM, &lookup, sizeof lookup);
        REQUIRE(p.ok);
        CHECK(p.replica.run() == 0);
        CHECK(p.replica.write_back(child) == 0);
        CHECK_FALSE(p.replica.take_returned_fd());
        // The exit is decoded from the replica's view: the value as written.
        uint64_t seen = 0;
        ProcessMemory fallback;
        CHECK(p.replica.view(fallback).read(addr_of(&buffer.value), std::as_writable_bytes(std::span(&seen, 1))).bytes == 8);
        CHECK(seen == stored);
        p.replica.release();
    }
    const auto in_child = child.fetch(buffer);
    CHECK(in_child.value == stored);
    CHECK(in_child.before == 0xeeeeeeeeeeeeeeeeull);
    CHECK(in_child.after == 0xeeeeeeeeeeeeeeeeull);
    CHECK(buffer.value == 0xeeeeeeeeeeeeeeeeull);  // the test's own copy is not the child's
    CHECK(open_fds() == fds_before);               // every duplicate closed
    if (had_fd0) {
        REQUIRE(fstat(0, &own_fd0_after) == 0);  // the test's fd 0 is its own again
        CHECK(own_fd0_after.st_ino == own_fd0_before.st_ino);
        CHECK(own_fd0_after.st_dev == own_fd0_before.st_dev);
    }
}

TEST_CASE("a devmap value's program fd is the tracee's, made the tracer's for the call", "[broker]") {
    BPFSC_REQUIRE_BPF();
    Fd devmap(create_map(BPF_MAP_TYPE_DEVMAP, 4, 8, 4));
    REQUIRE(devmap.fd >= 0);
    Fd prog(load_prog(BPF_PROG_TYPE_XDP, 2 /* XDP_PASS */, BPF_XDP_DEVMAP));
    REQUIRE(prog.fd >= 0);
    const int map_fd = devmap.fd, prog_fd = prog.fd;
    const uint32_t key = 0;
    struct {
        uint32_t ifindex;
        int32_t prog_fd;
    } value{1 /* lo */, 46 /* the child's fd for the program */};
    uapi::map_elem_attr update{};
    update.map_fd = 45;
    update.key = u64_of(&key);
    update.value = u64_of(&value);
    ChildTracee child([&] {
        dup2(map_fd, 45);
        dup2(prog_fd, 46);
    });
    Prepared p(child, uapi::BPF_MAP_UPDATE_ELEM, &update, sizeof update);
    REQUIRE(p.run_into(child) == 0);
    CHECK(child.fetch(value).prog_fd == 46);  // the child's value is its own
    // The map holds the child's program: a lookup reads its id back.
    struct {
        uint32_t ifindex;
        uint32_t prog_id;
    } got{};
    uapi::map_elem_attr lookup{};
    lookup.map_fd = uint32_t(map_fd);
    lookup.key = u64_of(&key);
    lookup.value = u64_of(&got);
    REQUIRE(real_bpf(uapi::BPF_MAP_LOOKUP_ELEM, &lookup, sizeof lookup) == 0);
    CHECK(got.ifindex == 1);
    CHECK(got.prog_id == prog_id_of(prog_fd));
}

TEST_CASE("a map created for another process is the tracer's fd, to install in the tracee", "[broker]") {
    BPFSC_REQUIRE_BPF();
    uapi::map_create_attr create{};
    create.map_type = 1;  // BPF_MAP_TYPE_HASH
    create.key_size = 4;
    create.value_size = 16;
    create.max_entries = 8;
    std::memcpy(create.map_name, "brokered", 9);
    ChildTracee child([] {});
    Prepared p(child, uapi::BPF_MAP_CREATE, &create, sizeof create);
    REQUIRE(p.ok);
    const int64_t fd = p.replica.run();
    REQUIRE(fd >= 0);
    CHECK(p.replica.write_back(child) == 0);
    const int own = p.replica.take_returned_fd().release();
    CHECK(own == fd);
    Fd created(own);
    std::array<uint32_t, 32> info{};  // bpf_map_info: type, id, key_size, value_size, max_entries, map_flags, name
    uapi::info_attr a{};
    a.bpf_fd = uint32_t(own);
    a.info_len = sizeof info;
    a.info = u64_of(info.data());
    REQUIRE(real_bpf(uapi::BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a) == 0);
    CHECK(info[0] == 1);
    CHECK(info[2] == 4);
    CHECK(info[3] == 16);
    CHECK(info[4] == 8);
    CHECK(std::string(reinterpret_cast<const char*>(&info[6])) == "brokered");
}

TEST_CASE("outputs of the attr are written back where the kernel changed them", "[broker]") {
    BPFSC_REQUIRE_BPF();
    Fd map(make_array(8));
    REQUIRE(map.fd >= 0);
    const int test_fd = map.fd;
    std::array<uint32_t, 32> info{};
    uapi::info_attr get{};
    get.bpf_fd = 40;  // the child's number for the map
    get.info_len = sizeof info;
    get.info = u64_of(info.data());
    ChildTracee child([&] { dup2(test_fd, 40); });
    Prepared p(child, uapi::BPF_OBJ_GET_INFO_BY_FD, &get, sizeof get);
    REQUIRE(p.ok);
    REQUIRE(p.replica.run() == 0);
    REQUIRE(p.replica.write_back(child) == 0);
    const auto attr = child.fetch(get);
    const auto written = child.fetch(info);
    CHECK(attr.bpf_fd == 40);                 // the child's fd, not the tracer's duplicate
    CHECK(attr.info == u64_of(info.data()));  // the child's address, not the tracer's copy
    CHECK(attr.info_len < sizeof info);       // the kernel's struct size
    CHECK(written[1] == map_id_of(map.fd));
    CHECK(written[3] == 8);
}

TEST_CASE("an info struct's nested buffers are filled by the kernel and written back at the tracee's addresses",
          "[broker]") {
    BPFSC_REQUIRE_BPF();
    // A program that names a map: its info has map ids and instructions.
    Fd map(make_array(8));
    REQUIRE(map.fd >= 0);
    ProgWithMap load(map.fd);
    Fd prog(real_bpf(uapi::BPF_PROG_LOAD, &load.attr, sizeof load.attr));
    REQUIRE(prog.fd >= 0);
    const int test_fd = prog.fd;

    // The caller asks for map ids, xlated instructions and tags, as bpftool does.
    std::array<uint32_t, 4> map_ids{};
    std::array<uint64_t, 8> xlated{};
    std::array<uint64_t, 2> tags{};
    alignas(8) uapi::prog_info info{};
    info.nr_map_ids = map_ids.size();
    info.map_ids = u64_of(map_ids.data());
    info.xlated_prog_len = sizeof xlated;
    info.xlated_prog_insns = u64_of(xlated.data());
    info.nr_prog_tags = tags.size();
    info.prog_tags = u64_of(tags.data());
    uapi::info_attr get{};
    get.bpf_fd = 41;  // the child's number for the program
    get.info_len = sizeof info;
    get.info = u64_of(&info);

    FakeResolver resolver;
    resolver.objects[41] = FdObject{Object::Prog, 0};
    const int fds_before = open_fds();
    {
        ChildTracee child([&] { dup2(test_fd, 41); });
        Prepared p(child, uapi::BPF_OBJ_GET_INFO_BY_FD, &get, sizeof get, &resolver);
        REQUIRE(p.run_into(child) == 0);
        const auto child_info = child.fetch(info);
        const auto child_map_ids = child.fetch(map_ids);
        const auto child_xlated = child.fetch(xlated);
        const auto child_tags = child.fetch(tags);

        // The same call made directly, for what the kernel writes.
        alignas(8) uapi::prog_info direct = info;
        std::array<uint32_t, 4> direct_map_ids{};
        std::array<uint64_t, 8> direct_xlated{};
        std::array<uint64_t, 2> direct_tags{};
        direct.map_ids = u64_of(direct_map_ids.data());
        direct.xlated_prog_insns = u64_of(direct_xlated.data());
        direct.prog_tags = u64_of(direct_tags.data());
        uapi::info_attr own = get;
        own.bpf_fd = uint32_t(test_fd);
        own.info = u64_of(&direct);
        REQUIRE(real_bpf(uapi::BPF_OBJ_GET_INFO_BY_FD, &own, sizeof own) == 0);

        CHECK(child_map_ids == direct_map_ids);
        CHECK(child_map_ids[0] == map_id_of(map.fd));
        CHECK(child_xlated == direct_xlated);
        CHECK(child_info.xlated_prog_len == 32);
        CHECK(child_tags == direct_tags);
        CHECK(child_info.nr_map_ids == 1);
        // The struct still points at the child's buffers, not the tracer's copies.
        CHECK(child_info.map_ids == u64_of(map_ids.data()));
        CHECK(child_info.xlated_prog_insns == u64_of(xlated.data()));
        CHECK(child_info.prog_tags == u64_of(tags.data()));
        CHECK(child_info.id == direct.id);
        // The test's own buffers (the tracer's side) were never the call's.
        CHECK(map_ids[0] == 0);
        CHECK(xlated[0] == 0);
    }
    CHECK(open_fds() == fds_before);  // every duplicate closed
}

TEST_CASE("info structs the broker cannot run with the same meaning are left to the tracee", "[broker]") {
    BPFSC_REQUIRE_BPF();
    Fd prog(load_prog(1));
    REQUIRE(prog.fd >= 0);
    const int test_fd = prog.fd;
    FakeResolver resolver;
    resolver.objects[41] = FdObject{Object::Prog, 0};
    std::array<uint32_t, 8> ids{};
    struct Case {
        const char* what;
        std::function<void(uapi::prog_info&)> change;
        uint32_t info_len;
        const char* reason;
    };
    const std::vector<Case> cases = {
        {"nested buffers that overlap", [&](uapi::prog_info& i) {
             i.nr_map_ids = 4;
             i.map_ids = u64_of(ids.data());
             i.nr_jited_func_lens = 4;
             i.jited_func_lens = u64_of(ids.data() + 2);
         }, sizeof(uapi::prog_info), "overlap"},
        {"a nested buffer inside the struct", [](uapi::prog_info& i) {
             i.nr_map_ids = 1;
             i.map_ids = u64_of(&i.id);
         }, sizeof(uapi::prog_info), "inside the struct"},
        {"a byte past the struct's members (set below)", [](uapi::prog_info& i) { i.nr_map_ids = 1; },
         sizeof(uapi::prog_info) + 8, "explains"},
    };
    for (const Case& c : cases) {
        INFO(c.what);
        alignas(8) std::array<uint8_t, sizeof(uapi::prog_info) + 8> buffer{};
        auto& info = *reinterpret_cast<uapi::prog_info*>(buffer.data());
        c.change(info);
        buffer[sizeof(uapi::prog_info) + 7] = c.info_len > sizeof(uapi::prog_info) ? 1 : 0;
        uapi::info_attr get{};
        get.bpf_fd = 41;
        get.info_len = c.info_len;
        get.info = u64_of(buffer.data());
        ChildTracee child([&] { dup2(test_fd, 41); });
        Prepared p(child, uapi::BPF_OBJ_GET_INFO_BY_FD, &get, sizeof get, &resolver);
        CHECK_FALSE(p.ok);
        CHECK(std::string(p.replica.reason()).find(c.reason) != std::string::npos);
    }
}

TEST_CASE("a link's name buffer (offset 8 of the union) and a BTF object's blob (offset 0) are brokered too",
          "[broker]") {
    BPFSC_REQUIRE_BPF();
    Fd prog(load_prog(17 /* BPF_PROG_TYPE_RAW_TRACEPOINT */));
    REQUIRE(prog.fd >= 0);
    Fd link(open_raw_tracepoint(prog.fd, "sys_enter"));
    REQUIRE(link.fd >= 0);
    const int test_fd = link.fd;
    std::array<char, 32> name{};
    name.fill('#');
    alignas(8) uapi::link_info info{};
    info.raw_tracepoint.tp_name = u64_of(name.data());
    info.raw_tracepoint.tp_name_len = name.size();
    uapi::info_attr get{};
    get.bpf_fd = 43;
    get.info_len = sizeof info;
    get.info = u64_of(&info);
    FakeResolver resolver;
    resolver.objects[43] = FdObject{Object::Link, 1 /* BPF_LINK_TYPE_RAW_TRACEPOINT */};
    ChildTracee child([&] { dup2(test_fd, 43); });
    Prepared p(child, uapi::BPF_OBJ_GET_INFO_BY_FD, &get, sizeof get, &resolver);
    REQUIRE(p.run_into(child) == 0);
    const auto child_info = child.fetch(info);
    const auto child_name = child.fetch(name);
    CHECK(std::string(child_name.data()) == "sys_enter");
    CHECK(child_name[10] == '#');  // past the name and its NUL: untouched
    CHECK(child_info.raw_tracepoint.tp_name == u64_of(name.data()));
    CHECK(child_info.raw_tracepoint.tp_name_len == 10);
    CHECK(child_info.type == 1);

    // A BTF object: the kernel's own (id 1, vmlinux), opened by id.
    uapi::get_id_attr by_id{};
    by_id.btf_id = 1;
    Fd vmlinux(real_bpf(uapi::BPF_BTF_GET_FD_BY_ID, &by_id, sizeof by_id));
    REQUIRE(vmlinux.fd >= 0);
    const int btf_fd = vmlinux.fd;
    std::array<char, 16> btf_name{};
    std::array<uint8_t, 24> header{};  // the BTF header: the kernel copies the first bytes
    alignas(8) uapi::btf_info binfo{};
    binfo.btf = u64_of(header.data());
    binfo.btf_size = header.size();
    binfo.name = u64_of(btf_name.data());
    binfo.name_len = btf_name.size();
    uapi::info_attr bget{};
    bget.bpf_fd = 44;
    bget.info_len = sizeof binfo;
    bget.info = u64_of(&binfo);
    resolver.objects[44] = FdObject{Object::Btf, 0};
    ChildTracee btf_child([&] { dup2(btf_fd, 44); });
    Prepared b(btf_child, uapi::BPF_OBJ_GET_INFO_BY_FD, &bget, sizeof bget, &resolver);
    // The BTF is larger than the buffer: the kernel copies what fits.
    const int64_t ret = b.run_into(btf_child);
    CHECK((ret == 0 || ret == -ENOSPC));
    const auto child_binfo = btf_child.fetch(binfo);
    const auto child_header = btf_child.fetch(header);
    CHECK(child_header[0] == 0x9f);  // BTF_MAGIC 0xeb9f, little-endian
    CHECK(child_header[1] == 0xeb);
    CHECK(child_binfo.btf == u64_of(header.data()));
    CHECK(child_binfo.btf_size > header.size());  // the whole size, out
    CHECK(std::string(btf_child.fetch(btf_name).data()) == "vmlinux");
}

TEST_CASE("a program loaded for another process gets its map through the instructions", "[broker]") {
    BPFSC_REQUIRE_BPF();
    Fd map(make_array(8));
    REQUIRE(map.fd >= 0);
    const int test_fd = map.fd;
    const ProgWithMap load(41);  // the child's fd for the map
    ChildTracee child([&] { dup2(test_fd, 41); });
    Prepared p(child, uapi::BPF_PROG_LOAD, &load.attr, sizeof load.attr);
    REQUIRE(p.ok);
    const int64_t fd = p.replica.run();
    REQUIRE(fd >= 0);
    Fd prog(p.replica.take_returned_fd().release());
    CHECK(child.fetch(load.insns)[0].imm == 41);  // the child's instructions are untouched
    // The program uses the child's map: its map_ids name it.
    uint32_t map_ids[4] = {};
    std::array<uint64_t, 40> info{};  // struct bpf_prog_info; nr_map_ids at byte 52, map_ids at 56
    uint32_t nr = 4;
    std::memcpy(reinterpret_cast<char*>(info.data()) + 52, &nr, 4);
    info[7] = u64_of(map_ids);
    uapi::info_attr a{};
    a.bpf_fd = uint32_t(prog.fd);
    a.info_len = sizeof info;
    a.info = u64_of(info.data());
    REQUIRE(real_bpf(uapi::BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a) == 0);
    CHECK(map_ids[0] == map_id_of(map.fd));
}

TEST_CASE("a rejected load's verifier log is written back into the tracee", "[broker]") {
    BPFSC_REQUIRE_BPF();
    // "exit" without setting r0: the verifier says R0 !read_ok.
    std::array<uapi::bpf_insn_raw, 1> insns{{{0x95, 0x00, 0, 0}}};
    const char license[] = "GPL";
    std::array<char, 512> log;
    log.fill('#');
    uapi::prog_load_attr load{};
    load.prog_type = 1;
    load.insn_cnt = insns.size();
    load.insns = u64_of(insns.data());
    load.license = u64_of(license);
    load.log_level = 1;
    load.log_size = log.size();
    load.log_buf = u64_of(log.data());
    ChildTracee child([] {});
    Prepared p(child, uapi::BPF_PROG_LOAD, &load, sizeof load);
    REQUIRE(p.ok);
    CHECK(p.replica.run() == -EACCES);
    REQUIRE(p.replica.write_back(child) == 0);
    const auto child_log = child.fetch(log);
    const auto child_attr = child.fetch(load);
    // The same load made directly, for the kernel's own words.
    char direct[512];
    std::memset(direct, '#', sizeof direct);
    load.log_buf = u64_of(direct);
    CHECK(real_bpf(uapi::BPF_PROG_LOAD, &load, sizeof load) == -EACCES);
    CHECK(std::string(child_log.data()) == std::string(direct));
    CHECK(std::string(child_log.data()).find("R0 !read_ok") != std::string::npos);
    CHECK(child_attr.log_true_size == load.log_true_size);  // written on the error path too
}

TEST_CASE("calls the broker cannot run with the same meaning are refused, with the reason", "[broker]") {
    BPFSC_REQUIRE_BPF();
    Fd map(make_array(8));
    REQUIRE(map.fd >= 0);
    const int test_fd = map.fd;
    ChildTracee child([&] { dup2(test_fd, 42); });
    const uint32_t key = 0;
    uint64_t value = 0;
    struct Case {
        const char* what;
        uint32_t cmd;
        std::vector<std::byte> attr;
        const char* reason;
    };
    uapi::map_elem_attr elem{};
    elem.map_fd = 42;
    elem.key = u64_of(&key);
    elem.value = u64_of(&value);
    auto with = [](auto attr, auto change) {
        change(attr);
        return bytes_of(attr);
    };
    std::vector<std::byte> tail = bytes_of(elem);
    tail.resize(64);
    tail[60] = std::byte{1};
    std::array<uint32_t, 32> info{};
    info[5] = 1;  // asks for something nested
    uapi::info_attr get{};
    get.bpf_fd = 42;
    get.info_len = sizeof info;
    get.info = u64_of(info.data());
    const std::vector<Case> cases = {
        {"an fd the tracee lacks", uapi::BPF_MAP_LOOKUP_ELEM, with(elem, [](auto& a) { a.map_fd = 77; }), "fd"},
        {"unknown flag bits", uapi::BPF_MAP_LOOKUP_ELEM, with(elem, [](auto& a) { a.flags = 1u << 30; }), "flag"},
        {"bytes past the known members", uapi::BPF_MAP_LOOKUP_ELEM, tail, "past the members"},
        {"an unreadable key", uapi::BPF_MAP_LOOKUP_ELEM, with(elem, [](auto& a) { a.key = 8; }), "cannot read"},
        {"an info buffer asking for nested data", uapi::BPF_OBJ_GET_INFO_BY_FD, bytes_of(get), "nested"},
        {"a command number past 6.18's", 99, bytes_of(elem), "command"},
    };
    const int fds_before = open_fds();
    for (const Case& c : cases) {
        INFO(c.what);
        std::vector<std::byte> attr = c.attr;
        // The child has the same bytes at the same address (its memory is a
        // copy of the test's): put them where both see them.
        ChildTracee with_attr([&] { dup2(test_fd, 42); });
        Prepared p(with_attr, c.cmd, attr.data(), uint32_t(attr.size()));
        CHECK_FALSE(p.ok);
        CHECK(std::string(p.replica.reason()).find(c.reason) != std::string::npos);
    }
    CHECK(open_fds() == fds_before);
}

TEST_CASE("a thread has the tracer's identity only with the same ids, capabilities, umask and namespaces", "[broker]") {
    BPFSC_REQUIRE_BPF();  // root: the children below drop what root has
    struct Case {
        const char* what;
        std::function<void()> change;
        const char* difference;  // "" for the same identity
    };
    const std::vector<Case> cases = {
        {"a plain fork", [] {}, ""},
        {"another umask", [] { umask(077); }, "credentials"},
        {"nobody", [] { [[maybe_unused]] int r = setresuid(65534, 65534, 65534); }, "credentials"},
        {"no capabilities", [] { [[maybe_unused]] int r = setresuid(0, 65534, 0); }, "credentials"},
        {"its own UTS namespace", [] { unshare(CLONE_NEWUTS); }, "namespaces"},
    };
    bpfsc::tracer::broker::TraceeIdentity identity;
    for (const Case& c : cases) {
        INFO(c.what);
        ChildTracee child(c.change);
        const char* why = "";
        // Through the thread's pidfd, and through /proc where there is none.
        for (const int pidfd : {child.pidfd(), -1}) {
            identity.forget_all();
            const bool same = identity.same_as_tracer(child.pid(), pidfd, true, &why);
            CHECK(same == (*c.difference == '\0'));
            CHECK(std::string(why).find(c.difference) != std::string::npos);
        }
    }
}

namespace {
// The child's change of ids: i386's setresuid32 (int 0x80), which no
// native-only filter rule would have told the identity about.
void become_nobody_through_i386(int) {
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(208L), "b"(65534L), "c"(65534L), "d"(65534L)
                     : "memory", "r8", "r9", "r10", "r11");
    (void)ret;
}

uid_t effective_uid_of(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("Uid:", 0) == 0) return uid_t(std::stoul(line.substr(line.find_first_of("0123456789"))));
    return uid_t(-1);
}
} // namespace

TEST_CASE("a thread's ids and capabilities are read again for every call, whatever was kept", "[broker]") {
    BPFSC_REQUIRE_BPF();  // root: the child drops what root has
    bpfsc::tracer::broker::TraceeIdentity identity;
    ChildTracee child([] { signal(SIGUSR1, become_nobody_through_i386); });
    const char* why = "";
    REQUIRE(identity.same_as_tracer(child.pid(), child.pidfd(), false, &why));
    // Nothing tells the identity (no forget): it must see the change itself.
    REQUIRE(kill(child.pid(), SIGUSR1) == 0);
    for (int i = 0; i < 1000 && effective_uid_of(child.pid()) != 65534; ++i) usleep(1000);
    REQUIRE(effective_uid_of(child.pid()) == 65534);
    CHECK_FALSE(identity.same_as_tracer(child.pid(), child.pidfd(), false, &why));
    CHECK(std::string(why).find("credentials") != std::string::npos);
    CHECK_FALSE(identity.same_as_tracer(child.pid(), -1, false, &why));
}

TEST_CASE("a rejected load asked for no log: run again with the tracer's own log, nothing written back", "[broker]") {
    BPFSC_REQUIRE_BPF();
    std::array<uapi::bpf_insn_raw, 1> insns{{{0x95, 0x00, 0, 0}}};  // exit without r0
    const char license[] = "GPL";
    uapi::prog_load_attr load{};
    load.prog_type = 1;
    load.insn_cnt = insns.size();
    load.insns = u64_of(insns.data());
    load.license = u64_of(license);
    ChildTracee child([] {});
    Prepared p(child, uapi::BPF_PROG_LOAD, &load, sizeof load);
    REQUIRE(p.ok);
    CHECK(p.replica.run() == -EACCES);
    // The lead's use: the same call, with a log of the tracer's own.
    const std::span<std::byte> log = p.replica.own_buffer(bpfsc::decoder::attr::prog_load::log_buf, 4096);
    REQUIRE(log.size() == 4096);
    CHECK(p.replica.set(bpfsc::decoder::attr::prog_load::log_size, 4096));
    CHECK(p.replica.set(bpfsc::decoder::attr::prog_load::log_level, 1));
    CHECK(p.replica.run() == -EACCES);
    const std::span<const std::byte> written = p.replica.buffer(bpfsc::decoder::attr::prog_load::log_buf);
    const std::string text(reinterpret_cast<const char*>(written.data()));
    CHECK(text.find("R0 !read_ok") != std::string::npos);
    CHECK(p.replica.write_back(child) == 0);  // writes nothing: not the tracee's call any more
    const auto in_child = child.fetch(load);
    CHECK(std::memcmp(&load, &in_child, sizeof load) == 0);  // the tracee's attr is as it was
    p.replica.release();
}

TEST_CASE("paths through /proc or a magic link name their caller and are not brokered", "[broker]") {
    using bpfsc::tracer::broker::path_depends_on_caller;
    const bool pin = false, get = true;
    // Magic links: the caller's cwd, fds, executable.
    CHECK(path_depends_on_caller(AT_FDCWD, "/proc/self/cwd/pinned", pin) != nullptr);
    CHECK(path_depends_on_caller(AT_FDCWD, "/proc/self/exe", get) != nullptr);
    CHECK(path_depends_on_caller(AT_FDCWD, "/dev/fd/0", get) != nullptr);
    CHECK(path_depends_on_caller(AT_FDCWD, "/dev/stdin", get) != nullptr);
    // /proc itself: /proc/self is the caller.
    CHECK(path_depends_on_caller(AT_FDCWD, "/proc/self/x", pin) != nullptr);
    CHECK(path_depends_on_caller(AT_FDCWD, "/proc/1/fdinfo", get) != nullptr);
    // A symlink of one's own into /proc counts too.
    char dir[] = "/tmp/bpfsc-paths-XXXXXX";
    REQUIRE(mkdtemp(dir) != nullptr);
    const std::string link = std::string(dir) + "/cwd";
    REQUIRE(symlink("/proc/self/cwd", link.c_str()) == 0);
    CHECK(path_depends_on_caller(AT_FDCWD, (link + "/pinned").c_str(), pin) != nullptr);
    // The link itself, not followed, is where a pin would be refused (EEXIST) for anyone.
    CHECK(path_depends_on_caller(AT_FDCWD, link.c_str(), pin) == nullptr);
    unlink(link.c_str());
    rmdir(dir);
    // Ordinary paths, present or not, mean the same to every caller.
    CHECK(path_depends_on_caller(AT_FDCWD, "/sys/fs/bpf/x", pin) == nullptr);
    CHECK(path_depends_on_caller(AT_FDCWD, "/sys/fs/bpf", get) == nullptr);
    CHECK(path_depends_on_caller(AT_FDCWD, "/no/such/dir/x", pin) == nullptr);
    CHECK(path_depends_on_caller(AT_FDCWD, "relative", pin) == nullptr);
}
