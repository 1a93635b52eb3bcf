// BPF_OBJ_PIN and BPF_OBJ_GET against the real kernel, on a private bpffs
// mounted on a fresh temporary directory for each run (unmounted and removed
// at the end; the tests skip with the reason when bpffs cannot be mounted):
// a real map pinned and got back at full and partial sizes, the pathname
// string (and its truncation at the string limit), an EEXIST pin, file_flags
// with BPF_F_RDONLY and unknown bits, path_fd (6.5) with BPF_F_PATH_FD
// relative to a directory fd, an unreadable pathname, and the JSON form.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel_objects.h"
#include "support.h"

using namespace bpfsc::test;
using bpfsc::uapi::obj_attr;

static CoverCommand cover{bpfsc::uapi::BPF_OBJ_PIN, bpfsc::uapi::BPF_OBJ_GET};

namespace {

constexpr uint32_t kPin = bpfsc::uapi::BPF_OBJ_PIN;
constexpr uint32_t kGet = bpfsc::uapi::BPF_OBJ_GET;
constexpr uint32_t kFull = 20;  // offsetofend(obj_attr, path_fd)
constexpr uint32_t kRdonly = 1u << 3;
constexpr uint32_t kPathFd = 1u << 14;

// A bpffs mounted on a new directory under /tmp, gone again at scope exit.
class BpfFs {
public:
    BpfFs() {
        char tmpl[] = "/tmp/bpfsc-pin.XXXXXX";
        if (mkdtemp(tmpl) == nullptr) {
            why_ = fmt::format("mkdtemp fails with {}", errno_name(errno));
            return;
        }
        dir_ = tmpl;
        if (mount("bpf", dir_.c_str(), "bpf", 0, nullptr) != 0) {
            why_ = fmt::format("mount -t bpf on {} fails with {}: run as root", dir_, errno_name(errno));
            return;
        }
        mounted_ = true;
    }
    ~BpfFs() {
        if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
        if (!dir_.empty()) rmdir(dir_.c_str());
    }
    BpfFs(const BpfFs&) = delete;
    BpfFs& operator=(const BpfFs&) = delete;

    bool ok() const { return mounted_; }
    const std::string& why() const { return why_; }
    std::string path(std::string_view name) const { return dir_ + "/" + std::string(name); }
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
    std::string why_;
    bool mounted_ = false;
};

#define BPFSC_REQUIRE_BPFFS(fs)                                                        \
    do {                                                                               \
        if (!(fs).ok()) {                                                              \
            if (std::getenv("CI") && std::string(std::getenv("CI")) == "true")         \
                FAIL("CI=true and bpffs is unusable: " << (fs).why());                 \
            WARN("SKIPPED: " << (fs).why());                                           \
            return;                                                                    \
        }                                                                              \
    } while (0)

int64_t create_array_map() {
    bpfsc::uapi::map_create_attr a{};
    a.map_type = 2;  // BPF_MAP_TYPE_ARRAY
    a.key_size = 4;
    a.value_size = 8;
    a.max_entries = 1;
    return real_bpf(bpfsc::uapi::BPF_MAP_CREATE, &a, sizeof a);
}

obj_attr pin_attr(const std::string& path, int fd) {
    obj_attr a{};
    a.pathname = u64_of(path.c_str());
    a.bpf_fd = uint32_t(fd);
    return a;
}

} // namespace

TEST_CASE("BPF_OBJ_PIN size cases", "[BPF_OBJ_PIN]") {
    BPFSC_REQUIRE_BPF();
    BpfFs fs;
    BPFSC_REQUIRE_BPFFS(fs);
    const Fd map(create_array_map());
    REQUIRE(map.fd >= 0);
    const std::string path = fs.path("map");
    REQUIRE(path.size() < 32);  // shown whole at the default string limit
    SizeCases c;
    c.cmd = kPin;
    c.full = bytes_of(pin_attr(path, map.fd));
    c.partial = 12;  // pathname and bpf_fd: a 4.4-era caller
    c.kernel = real_kernel(kPin);
    c.expected_partial = fmt::format("bpf(BPF_OBJ_PIN, {{pathname=\"{}\", bpf_fd={}}}, 12) = {{ret}}\n", path, map.fd);
    c.expected_full = fmt::format("bpf(BPF_OBJ_PIN, {{pathname=\"{}\", bpf_fd={}, file_flags=0, path_fd=0}}, 20) = "
                                  "{{ret}}\n",
                                  path, map.fd);
    check_size_cases(c);
}

TEST_CASE("BPF_OBJ_GET size cases", "[BPF_OBJ_GET]") {
    BPFSC_REQUIRE_BPF();
    BpfFs fs;
    BPFSC_REQUIRE_BPFFS(fs);
    const Fd map(create_array_map());
    REQUIRE(map.fd >= 0);
    const std::string path = fs.path("map");
    obj_attr pin = pin_attr(path, map.fd);
    REQUIRE(real_bpf(kPin, &pin, kFull) == 0);
    obj_attr get = pin_attr(path, 0);
    get.file_flags = kRdonly;
    SizeCases c;
    c.cmd = kGet;
    c.full = bytes_of(get);
    c.partial = 12;  // no file_flags: a 4.4-era caller opens read-write
    c.kernel = real_kernel_closing(kGet);
    c.expected_partial = fmt::format("bpf(BPF_OBJ_GET, {{pathname=\"{}\", bpf_fd=0}}, 12) = {{ret}}\n", path);
    c.expected_full = fmt::format("bpf(BPF_OBJ_GET, {{pathname=\"{}\", bpf_fd=0, file_flags=BPF_F_RDONLY, "
                                  "path_fd=0}}, 20) = {{ret}}\n",
                                  path);
    check_size_cases(c);
}

TEST_CASE("BPF_OBJ_PIN and BPF_OBJ_GET of a real map, then EEXIST", "[BPF_OBJ_PIN]") {
    BPFSC_REQUIRE_BPF();
    BpfFs fs;
    BPFSC_REQUIRE_BPFFS(fs);
    const Fd map(create_array_map());
    REQUIRE(map.fd >= 0);
    const std::string path = fs.path("counts");
    GuardedPage page;

    obj_attr a = pin_attr(path, map.fd);
    std::byte* attr = page.place(&a, kFull);
    const Rendered pinned = run_call(kPin, attr, kFull, real_kernel(kPin));
    CHECK(pinned.ret == 0);
    CHECK(pinned.text == fmt::format("bpf(BPF_OBJ_PIN, {{pathname=\"{}\", bpf_fd={}, file_flags=0, path_fd=0}}, 20) "
                                     "= 0\n",
                                     path, map.fd));
    CHECK(pinned.json.find(fmt::format("\"fields\":{{\"pathname\":{{\"addr\":{},\"string\":\"{}\"}},\"bpf_fd\":{{\"fd\":{}}},"
                                       "\"file_flags\":{{\"value\":0,\"names\":[],\"unknown_bits\":0}},\"path_fd\":{{\"fd\":0}}}}",
                                       u64_of(path.c_str()), path, map.fd)) != std::string::npos);
    CHECK(pinned.json.find("\"return\":{\"value\":0}") != std::string::npos);
    struct stat st{};
    CHECK(stat(path.c_str(), &st) == 0);

    const Rendered again = run_call(kPin, attr, kFull, real_kernel(kPin));
    CHECK(again.ret == -EEXIST);
    CHECK(again.text == fmt::format("bpf(BPF_OBJ_PIN, {{pathname=\"{}\", bpf_fd={}, file_flags=0, path_fd=0}}, 20) "
                                    "= -1 EEXIST (File exists)\n",
                                    path, map.fd));
    CHECK(again.json.find("\"return\":{\"value\":-1,\"errno\":17,\"error\":\"EEXIST\",\"message\":\"File exists\"}") !=
          std::string::npos);

    obj_attr g = pin_attr(path, 0);
    g.file_flags = kRdonly;
    attr = page.place(&g, kFull);
    const Rendered got = run_call(kGet, attr, kFull, real_kernel(kGet));
    REQUIRE(got.ret >= 0);
    const Fd got_fd(got.ret);
    CHECK(got.text == fmt::format("bpf(BPF_OBJ_GET, {{pathname=\"{}\", bpf_fd=0, file_flags=BPF_F_RDONLY, "
                                  "path_fd=0}}, 20) = {}\n",
                                  path, got.ret));
    CHECK(got.json.find("\"file_flags\":{\"value\":8,\"names\":[\"BPF_F_RDONLY\"],\"unknown_bits\":0}") !=
          std::string::npos);
    CHECK(got.json.find(fmt::format("\"return\":{{\"value\":{0},\"fd\":{{\"fd\":{0}}}}}", got.ret)) != std::string::npos);
}

TEST_CASE("BPF_OBJ_PIN and BPF_OBJ_GET with path_fd relative to a directory fd", "[BPF_OBJ_PIN]") {
    BPFSC_REQUIRE_BPF();
    BpfFs fs;
    BPFSC_REQUIRE_BPFFS(fs);
    const Fd map(create_array_map());
    REQUIRE(map.fd >= 0);
    const Fd dir(open(fs.dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(dir.fd >= 0);
    static const std::string rel = "relative";
    GuardedPage page;

    obj_attr a = pin_attr(rel, map.fd);
    a.file_flags = kPathFd;
    a.path_fd = dir.fd;
    std::byte* attr = page.place(&a, kFull);
    const Rendered pinned = run_call(kPin, attr, kFull, real_kernel(kPin));
    CHECK(pinned.ret == 0);
    CHECK(pinned.text == fmt::format("bpf(BPF_OBJ_PIN, {{pathname=\"relative\", bpf_fd={}, file_flags=BPF_F_PATH_FD, "
                                     "path_fd={}}}, 20) = 0\n",
                                     map.fd, dir.fd));
    CHECK(pinned.json.find(fmt::format("\"file_flags\":{{\"value\":16384,\"names\":[\"BPF_F_PATH_FD\"],"
                                       "\"unknown_bits\":0}},\"path_fd\":{{\"fd\":{}}}}}",
                                       dir.fd)) != std::string::npos);
    struct stat st{};
    CHECK(stat(fs.path(rel).c_str(), &st) == 0);  // it landed in the directory of path_fd

    obj_attr g = pin_attr(rel, 0);
    g.file_flags = kPathFd | kRdonly;
    g.path_fd = dir.fd;
    attr = page.place(&g, kFull);
    const Rendered got = run_call(kGet, attr, kFull, real_kernel(kGet));
    REQUIRE(got.ret >= 0);
    const Fd got_fd(got.ret);
    CHECK(got.text == fmt::format("bpf(BPF_OBJ_GET, {{pathname=\"relative\", bpf_fd=0, "
                                  "file_flags=BPF_F_RDONLY|BPF_F_PATH_FD, path_fd={}}}, 20) = {}\n",
                                  dir.fd, got.ret));

    SECTION("path_fd without BPF_F_PATH_FD is refused but still shown") {
        obj_attr bad = pin_attr(rel, 0);
        bad.path_fd = dir.fd;
        attr = page.place(&bad, kFull);
        const Rendered r = run_call(kGet, attr, kFull, real_kernel_closing(kGet));
        CHECK(r.ret == -EINVAL);
        CHECK(r.text == fmt::format("bpf(BPF_OBJ_GET, {{pathname=\"relative\", bpf_fd=0, file_flags=0, "
                                    "path_fd={}}}, 20) = -1 EINVAL (Invalid argument)\n",
                                    dir.fd));
    }
    SECTION("path_fd=-1 with BPF_F_PATH_FD is shown signed") {
        obj_attr bad = pin_attr(rel, 0);
        bad.file_flags = kPathFd;
        bad.path_fd = -1;
        attr = page.place(&bad, kFull);
        const Rendered r = run_call(kGet, attr, kFull, real_kernel_closing(kGet));
        CHECK(r.ret == -EBADF);
        CHECK(r.text.ends_with("file_flags=BPF_F_PATH_FD, path_fd=-1}, 20) = -1 EBADF (Bad file descriptor)\n"));
        CHECK(r.json.find("\"path_fd\":{\"fd\":-1}") != std::string::npos);
    }
}

TEST_CASE("BPF_OBJ_GET unknown file_flags bits stay visible", "[BPF_OBJ_GET]") {
    BPFSC_REQUIRE_BPF();
    BpfFs fs;
    BPFSC_REQUIRE_BPFFS(fs);
    const std::string path = fs.path("none");
    GuardedPage page;
    obj_attr g = pin_attr(path, 0);
    g.file_flags = kRdonly | (1u << 20) | (1u << 0);
    std::byte* attr = page.place(&g, kFull);
    const Rendered r = run_call(kGet, attr, kFull, real_kernel_closing(kGet));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_OBJ_GET, {{pathname=\"{}\", bpf_fd=0, "
                                "file_flags=BPF_F_RDONLY|0x100001 /* BPF_F_??? */, path_fd=0}}, 20) = "
                                "-1 EINVAL (Invalid argument)\n",
                                path));
    CHECK(r.json.find("\"file_flags\":{\"value\":1048585,\"names\":[\"BPF_F_RDONLY\"],\"unknown_bits\":1048577}") !=
          std::string::npos);

    // Both access bits at once: named, and refused by the kernel.
    g.file_flags = kRdonly | (1u << 4);
    attr = page.place(&g, kFull);
    const Rendered both = run_call(kGet, attr, kFull, real_kernel_closing(kGet));
    CHECK(both.ret == -EINVAL);
    CHECK(both.text.find("file_flags=BPF_F_RDONLY|BPF_F_WRONLY, path_fd=0}") != std::string::npos);
}

TEST_CASE("BPF_OBJ_GET of a missing pin: ENOENT, and a long pathname shown whole whatever -s says", "[BPF_OBJ_GET]") {
    // strace prints paths whole: a path cut at -s names another file (the
    // trace used to cut pins at 32 bytes).
    BPFSC_REQUIRE_BPF();
    BpfFs fs;
    BPFSC_REQUIRE_BPFFS(fs);
    const std::string path = fs.path("a_pin_name_much_longer_than_the_limit");
    REQUIRE(path.size() > 32);
    GuardedPage page;
    obj_attr g = pin_attr(path, 0);
    std::byte* attr = page.place(&g, kFull);
    const Rendered r = run_call(kGet, attr, kFull, real_kernel_closing(kGet));
    CHECK(r.ret == -ENOENT);
    CHECK(r.text == fmt::format("bpf(BPF_OBJ_GET, {{pathname=\"{}\", bpf_fd=0, file_flags=0, path_fd=0}}, 20) = "
                                "-1 ENOENT (No such file or directory)\n",
                                path));
    CHECK(r.json.find(fmt::format("\"pathname\":{{\"addr\":{},\"string\":\"{}\"", u64_of(path.c_str()), path)) !=
          std::string::npos);
    CHECK(r.json.find("\"truncated\":true") == std::string::npos);

    // Up to PATH_MAX: a longer string is cut there (the kernel refuses it
    // with ENAMETOOLONG).
    const std::string huge(5000, 'x');
    g = pin_attr(huge, 0);
    attr = page.place(&g, kFull);
    const Rendered cut = run_call(kGet, attr, kFull, returns(-ENAMETOOLONG));
    CHECK(cut.text.find(fmt::format("pathname=\"{}\"..., ", std::string(4095, 'x'))) != std::string::npos);
}

TEST_CASE("BPF_OBJ_PIN pathname at an unreadable address", "[BPF_OBJ_PIN]") {
    BPFSC_REQUIRE_BPF();
    const Fd map(create_array_map());
    REQUIRE(map.fd >= 0);
    GuardedPage page;
    obj_attr a{};
    a.pathname = u64_of(page.guard());
    a.bpf_fd = uint32_t(map.fd);
    std::byte* attr = page.place(&a, kFull);
    const Rendered r = run_call(kPin, attr, kFull, real_kernel(kPin));
    CHECK(r.ret == -EFAULT);
    CHECK(r.text == fmt::format("bpf(BPF_OBJ_PIN, {{pathname={} (unreadable: EFAULT), bpf_fd={}, file_flags=0, "
                                "path_fd=0}}, 20) = -1 EFAULT (Bad address)\n",
                                hex(page.guard()), map.fd));
    CHECK(r.json.find(fmt::format("\"pathname\":{{\"addr\":{},\"string\":\"\",\"error\":\"EFAULT\",\"errno\":14,"
                                  "\"read\":0}}",
                                  u64_of(page.guard()))) != std::string::npos);
}

TEST_CASE("BPF_OBJ_PIN pathname running into the guard page", "[BPF_OBJ_PIN]") {
    GuardedPage page;
    const char no_nul[] = {'/', 's', 'y', 's'};
    obj_attr a{};
    a.pathname = u64_of(page.place(no_nul, sizeof no_nul));  // no NUL before the guard page
    a.bpf_fd = 3;
    std::vector<std::byte> attr = bytes_of(a);
    const Rendered r = run_call(kPin, attr.data(), kFull, returns(-EFAULT));
    CHECK(r.text == "bpf(BPF_OBJ_PIN, {pathname=\"/sys\" (unreadable after 4 bytes: EFAULT), bpf_fd=3, "
                    "file_flags=0, path_fd=0}, 20) = -1 EFAULT (Bad address)\n");
}

TEST_CASE("BPF_OBJ_PIN of an fd that is no BPF object", "[BPF_OBJ_PIN]") {
    BPFSC_REQUIRE_BPF();
    BpfFs fs;
    BPFSC_REQUIRE_BPFFS(fs);
    const std::string path = fs.path("null");
    const Fd null(open("/dev/null", O_RDONLY | O_CLOEXEC));
    REQUIRE(null.fd >= 0);
    GuardedPage page;
    obj_attr a = pin_attr(path, null.fd);
    std::byte* attr = page.place(&a, kFull);
    const Rendered r = run_call(kPin, attr, kFull, real_kernel(kPin));
    CHECK(r.ret == -EINVAL);
    CHECK(r.text == fmt::format("bpf(BPF_OBJ_PIN, {{pathname=\"{}\", bpf_fd={}, file_flags=0, path_fd=0}}, 20) = "
                                "-1 EINVAL (Invalid argument)\n",
                                path, null.fd));

    a.bpf_fd = uint32_t(-1);  // shown signed, as an fd
    attr = page.place(&a, kFull);
    const Rendered none = run_call(kPin, attr, kFull, real_kernel(kPin));
    CHECK(none.ret < 0);
    CHECK(none.text.find(", bpf_fd=-1, file_flags=0, ") != std::string::npos);
    CHECK(none.json.find("\"bpf_fd\":{\"fd\":-1}") != std::string::npos);
}
