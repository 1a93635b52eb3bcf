// The broker's local copy of a call (see replica.h).
#include "tracer/seccomp/broker/replica.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "decoder/uapi/bpf_attr.h"
#include "tracer/seccomp/broker/map_layout.h"
#include "tracer/seccomp/broker/path_meaning.h"
#include "tracer/seccomp/broker/replica_internal.h"

namespace bpfsc::tracer::broker {

using decoder::Content;
using decoder::DecodedCall;
using decoder::Dir;
using decoder::Field;
using decoder::FieldValue;
using decoder::Kind;
using decoder::Length;

namespace {

constexpr uint32_t k_path_max = 4096;
constexpr uint32_t k_bpf_f_path_fd = 1u << 14;

// Every bit of a flags member is one the table knows.
bool known_flags(const decoder::Xlat& x, uint64_t value) {
    uint64_t known = 0;
    for (const decoder::XlatEntry& e : x.entries) known |= e.value;
    return (value & ~known) == 0;
}

// The running command: some of them the broker runs differently or not at all.
bool is(const DecodedCall& call, uint32_t cmd) { return call.cmd == cmd; }

} // namespace

// The tracee's memory as the call left it (see view()).
class Replica::View : public decoder::Memory {
public:
    explicit View(Replica& r) : r_(r) {}
    decoder::Memory* fallback = nullptr;
    decoder::ReadResult read(decoder::RemoteAddr addr, std::span<std::byte> out) override {
        // Piece by piece: from a copy where the address falls in one (a
        // string is read in chunks that may run past its NUL), else from
        // the tracee.
        std::size_t done = 0;
        while (done < out.size()) {
            const uint64_t at = addr.value + done;
            const std::span<std::byte> rest = out.subspan(done);
            const std::span<const std::byte> from = copy_at(at);
            if (from.empty()) {
                const decoder::ReadResult r = fallback->read(decoder::RemoteAddr{at}, rest);
                return {done + r.bytes, r.error};
            }
            const std::size_t n = std::min(rest.size(), from.size());
            std::memcpy(rest.data(), from.data(), n);
            done += n;
        }
        return {done, 0};
    }

private:
    // The copy's bytes from `at` to the end of the copy holding it, if any.
    std::span<const std::byte> copy_at(uint64_t at) const {
        // Buffers the kernel wrote first: a buffer may alias another.
        for (int pass = 0; pass < 2; ++pass)
            for (std::size_t i = 0; i < r_.used_; ++i) {
                const Buffer& b = r_.buffers_[i];
                // Tracer-owned buffers and copies whose fds were replaced are not the tracee's.
                if (b.own || b.altered || b.out != (pass == 0) || at < b.remote || at - b.remote >= b.size) continue;
                if (b.whole && r_.ret_ < 0) continue;  // not written: the tracee's bytes are its own
                return std::span(b.local.data() + (at - b.remote), b.size - (at - b.remote));
            }
        const uint64_t attr = r_.call_->attr_addr.value;
        if (at >= attr && at - attr < r_.call_->size)
            return std::span(r_.tracee_attr_.data() + (at - attr), r_.call_->size - (at - attr));
        return {};
    }

    Replica& r_;
};

Replica::Replica() : view_(new View(*this)) {}

Replica::~Replica() {
    release();
    delete view_;
}

bool Replica::refuse(const char* why) {
    reason_ = why;
    release();
    return false;
}

void Replica::put(uint32_t offset, uint32_t width, uint64_t value) {
    std::memcpy(attr_.data() + offset, &value, width);  // little-endian: the low bytes
}

uint64_t Replica::get(const std::array<std::byte, decoder::kPageSize>& attr, uint32_t offset, uint32_t width) const {
    uint64_t v = 0;
    std::memcpy(&v, attr.data() + offset, std::min<uint32_t>(width, 8));
    return v;
}

Replica::Buffer* Replica::buffer_of(const Field* field) {
    for (std::size_t i = 0; i < used_; ++i)
        if (buffers_[i].field == field) return &buffers_[i];
    return nullptr;
}

Replica::Buffer& Replica::add_buffer(const Field& field, uint64_t remote, std::size_t size, bool out, bool in_attr) {
    if (used_ == buffers_.size()) buffers_.emplace_back();
    Buffer& b = buffers_[used_++];
    b.field = &field;
    b.remote = remote;
    b.size = size;
    b.out = out;
    b.own = false;
    b.altered = false;
    b.whole = false;
    // One byte at least, so a buffer of length 0 still has an address the
    // kernel sees as non-NULL, as the tracee's was.
    if (b.local.size() < size + 1) b.local.resize(size + 1);
    // The kernel will see this buffer where the tracee's was.
    if (in_attr) put(field.offset, 8, reinterpret_cast<uintptr_t>(b.local.data()));
    return b;
}

bool Replica::copy_in(TraceeAccess& tracee, Buffer& b) {
    if (b.size == 0) return true;
    read_any_ = true;
    const decoder::ReadResult r = tracee.read(decoder::RemoteAddr{b.remote}, std::span(b.local.data(), b.size));
    if (r.bytes < b.size) return false;
    if (b.out) {
        if (b.before.size() < b.size) b.before.resize(b.size);
        std::memcpy(b.before.data(), b.local.data(), b.size);
    }
    return true;
}

bool Replica::translate(int32_t tracee_fd, int32_t& own_fd) {
    if (tracee_fd < 0) {  // not an fd: the kernel says so the same way to both
        own_fd = tracee_fd;
        return true;
    }
    if (tracee_fd == 0) {
        // 0 often means "none" and is left as it is; where the kernel reads
        // it as an fd, run() makes the tracer's fd 0 the tracee's.
        if (!fd0_) fd0_ = tracee_->duplicate_fd(0);
        uses_fd0_ = true;
        own_fd = 0;
        return fd0_.valid();
    }
    for (const auto& [theirs, ours] : fds_)
        if (theirs == tracee_fd) {
            own_fd = ours.get();
            return true;
        }
    UniqueFd dup = tracee_->duplicate_fd(tracee_fd);
    if (!dup) return false;
    own_fd = dup.get();
    fds_.emplace_back(tracee_fd, std::move(dup));
    return true;
}

bool Replica::prepare(const DecodedCall& call, TraceeAccess& tracee) {
    release();
    call_ = &call;
    reason_ = "";
    used_ = 0;
    nested_.clear();
    layout_fd_ = -1;
    read_any_ = false;
    overridden_ = false;
    tracee_ = &tracee;
    const decoder::Command* command = call.command;
    if (command == nullptr) return refuse("a command this tracer does not know");
    if (call.attr_state != decoder::AttrState::Ok || call.readable != call.size)
        return refuse("the attr is NULL, empty, too big or unreadable");
    if (!call.tail.empty()) return refuse("non-zero bytes past the members this tracer knows");
    // A signed program's keyring_id is looked up among the caller's keyrings (6.18).
    if (const FieldValue* signature = call.member(decoder::attr::prog_load::signature);
        signature != nullptr && signature->entry != 0)
        return refuse("a signed program: its keyring is the caller's");

    size_ = call.size;
    std::memset(attr_.data(), 0, attr_.size());
    std::memcpy(attr_.data(), call.entry_bytes.data(), size_);
    std::memcpy(tracee_attr_.data(), call.entry_bytes.data(), size_);

    // Every non-zero byte inside the known layout belongs to a member the
    // table shows for this call (union members of other variants are zero).
    const uint32_t known = std::min(size_, command->known_size);
    std::array<bool, decoder::kPageSize> covered{};
    for (const FieldValue& v : call.fields)
        for (uint32_t i = v.field->offset; i < v.field->end() && i < known; ++i) covered[i] = true;
    for (uint32_t i = 0; i < known; ++i)
        if (!covered[i] && attr_[i] != std::byte{0}) return refuse("a byte no member of the table explains");

    // Members first (fds, flags), then what they point to: map data needs
    // the map fd, fd_array the instructions.
    for (const FieldValue& v : call.fields) {
        const Field& f = *v.field;
        switch (f.kind) {
        case Kind::Fd: {
            if (f.object == decoder::Object::Task) break;  // another process's fd (task_fd_query)
            int32_t own = 0;
            if (!translate(int32_t(v.entry), own)) return refuse("an fd the tracee does not have open");
            put(f.offset, f.width, uint32_t(own));
            break;
        }
        case Kind::Flags:
            if (!known_flags(*f.xlat, v.entry)) return refuse("flag bits this tracer does not know");
            break;
        case Kind::Enum:
            if (f.xlat->name_of(v.entry).empty()) return refuse("a value this tracer does not know");
            break;
        default: break;
        }
    }
    // A test run executes the program in the caller's context: only
    // programs that cannot see their caller (the task, its ids) are run.
    if (is(call, uapi::BPF_PROG_TEST_RUN)) {
        const FieldValue* prog = call.member(decoder::attr::test_run::prog_fd);
        int32_t own = 0;
        if (prog == nullptr || !translate(int32_t(prog->entry), own) ||
            !test_run_shows_no_caller(own == 0 ? fd0_.get() : own))
            return refuse("BPF_PROG_TEST_RUN of a program that sees its caller");
    }
    for (const FieldValue& v : call.fields)
        if (v.field->kind == Kind::Pointer && v.field->content != Content::FdArray && !prepare_pointer(v, tracee))
            return false;
    for (const FieldValue& v : call.fields)
        if (v.field->kind == Kind::Pointer && v.field->content == Content::FdArray && !prepare_fd_array(v, tracee))
            return false;
    // What the broker read itself is the tracee's only if its call still waits.
    if (read_any_ && !tracee.confirm()) return refuse("the thread is gone");
    std::memcpy(attr_before_.data(), attr_.data(), attr_.size());
    return true;
}

bool Replica::prepare_pointer(const FieldValue& v, TraceeAccess& tracee) {
    const Field& f = *v.field;
    if (v.entry == 0) return true;  // NULL: the kernel sees NULL
    if (f.holds_hidden_fds) return refuse("a buffer holding fds the table does not lay out");
    const decoder::AttrView view = call_->entry_view();
    const bool out = f.dir != Dir::In;
    switch (f.content) {
    case Content::Opaque:
        if (decoder::attr::map_batch::in_batch.names(f) || decoder::attr::map_batch::out_batch.names(f))
            return prepare_batch_token(v, tracee);
        return refuse("an address the table does not describe");
    case Content::StringArray: return refuse("an array of strings (kprobe_multi.syms)");
    case Content::String: return prepare_string(v, tracee);
    case Content::MapKey:
    case Content::MapValue:
    case Content::MapKeys:
    case Content::MapValues: return prepare_map_data(v, tracee);
    case Content::FdArray: return true;  // prepare_fd_array, after the instructions
    default: break;
    }
    // Sized and plain buffers: the length the kernel uses.
    const Length& l = f.length;
    uint64_t size = 0;
    switch (l.from) {
    case Length::From::Field: size = count_of(view, l) * l.scale; break;
    case Length::From::FieldTimesField: size = count_of(view, l) * view.get(l.scale_offset, 4); break;
    case Length::From::Return: size = count_of(view, l); break;  // the capacity the kernel may fill
    default: return refuse("a buffer whose length the table does not give");
    }
    if (size > k_max_buffer) return refuse("a buffer larger than the broker copies");
    // BPF_OBJ_GET_INFO_BY_FD: the kernel reads the info buffer too (input
    // counts and pointers to nested arrays, by object kind).
    const bool info = (f.content == Content::Sized || f.content == Content::InfoStruct) && out;
    Buffer& b = add_buffer(f, v.entry, std::size_t(size), out);
    if (!copy_in(tracee, b)) return refuse("a buffer the tracee cannot read whole");
    if (info && std::any_of(b.local.begin(), b.local.begin() + long(b.size), [](std::byte x) { return x != std::byte{0}; }))
        return prepare_info_struct(used_ - 1, tracee);
    if (is(*call_, uapi::BPF_PROG_LOAD) && decoder::attr::prog_load::insns.names(f)) {
        b.altered = true;
        const char* why = "";
        if (!translate_insn_fds(std::span(b.local.data(), b.size), *this, fd_array_indexes_, &why)) return refuse(why);
    }
    return true;
}

bool Replica::prepare_string(const FieldValue& v, TraceeAccess& tracee) {
    const Field& f = *v.field;
    // Up to PATH_MAX, in pieces that never cross a page.
    if (used_ == buffers_.size()) buffers_.emplace_back();
    Buffer& scratch = buffers_[used_];
    if (scratch.local.size() < k_path_max + 1) scratch.local.resize(k_path_max + 1);
    std::size_t length = 0;
    bool ended = false;
    while (!ended && length < k_path_max) {
        const uint64_t at = v.entry + length;
        const std::size_t piece = std::min<uint64_t>(decoder::kPageSize - at % decoder::kPageSize, k_path_max - length);
        read_any_ = true;
        const decoder::ReadResult r = tracee.read(decoder::RemoteAddr{at}, std::span(scratch.local.data() + length, piece));
        const void* nul = std::memchr(scratch.local.data() + length, 0, r.bytes);
        if (nul != nullptr) {
            length = std::size_t(static_cast<const std::byte*>(nul) - scratch.local.data());
            ended = true;
        } else {
            length += r.bytes;
            if (r.bytes < piece) return refuse("a string the tracee cannot read whole");
        }
    }
    if (!ended) return refuse("a string longer than PATH_MAX");
    const bool path = decoder::attr::obj::pathname.names(f) || decoder::attr::link_create::uprobe_multi::path.names(f);
    if (path) {
        int32_t dirfd = AT_FDCWD;
        if (scratch.local[0] != std::byte{'/'}) {
            // A relative path means the same to the tracer only from the
            // same directory: the tracee's path_fd (translated) or its cwd.
            const FieldValue* flags = call_->member(decoder::attr::obj::file_flags);
            const FieldValue* path_fd = call_->member(decoder::attr::obj::path_fd);
            const bool from_fd = flags != nullptr && (flags->entry & k_bpf_f_path_fd);
            if (from_fd && (path_fd == nullptr || !translate(int32_t(path_fd->entry), dirfd)))
                return refuse("a path_fd the tracer cannot duplicate");
            if (from_fd && dirfd == 0) dirfd = fd0_.get();
            if (!from_fd && !tracee.same_cwd()) return refuse("a relative path from another directory");
        }
        // Neither /proc/self nor a magic link: they name whoever resolves them.
        const bool follow_last = !is(*call_, uapi::BPF_OBJ_PIN);
        if (const char* why = path_depends_on_caller(dirfd, reinterpret_cast<const char*>(scratch.local.data()), follow_last))
            return refuse(why);
    }
    // The whole string and its NUL, placed where the kernel will read it.
    Buffer& b = add_buffer(f, v.entry, length + 1, false);
    (void)b;  // add_buffer reused the scratch slot: the string is in place
    return true;
}

bool Replica::layout_of_map(int32_t tracee_fd, MapLayout& out) {
    // Asked once per call, of the tracer's own duplicate: the kernel's word.
    if (layout_fd_ != tracee_fd || tracee_fd < 0) {
        int32_t own = 0;
        if (!translate(tracee_fd, own) || !map_layout_of(own == 0 ? fd0_.get() : own, layout_)) return false;
        layout_fd_ = tracee_fd;
    }
    out = layout_;
    return true;
}

bool Replica::prepare_map_data(const FieldValue& v, TraceeAccess& tracee) {
    const Field& f = *v.field;
    const decoder::AttrView view = call_->entry_view();
    MapLayout map;
    if (!layout_of_map(int32_t(view.get(f.length.fd_offset, 4)), map))
        return refuse("keys or values of something that is not a map this tracer knows");
    const bool keys = f.content == Content::MapKey || f.content == Content::MapKeys;
    if (keys && map.fd_keys) return refuse("a map whose keys are fds");
    const bool out = f.dir != Dir::In;
    if (!keys && !out && map.value_fds == ValueFds::Hidden) return refuse("values that hold fds inside a struct");
    const uint64_t count = f.length.count_width != 0 ? count_of(view, f.length) : 1;
    const uint64_t each = keys ? map.key_size : map.value_size;
    const uint64_t size = count * each;
    if (count != 0 && size / count != each) return refuse("a batch larger than the broker copies");
    if (size > k_max_buffer) return refuse("a batch larger than the broker copies");
    Buffer& b = add_buffer(f, v.entry, std::size_t(size), out);
    const bool one = f.length.count_width == 0;
    if (out && one) {
        // One key or value out: the kernel writes it whole on success and
        // not at all on failure. Nothing to read first.
        b.whole = true;
    } else if (!out && v.data.state == decoder::DataState::Ok && v.data.bytes.size() == b.size) {
        // The decoder read it whole at entry, through the same checks.
        std::memcpy(b.local.data(), v.data.bytes.data(), b.size);
    } else if (!copy_in(tracee, b)) {
        return refuse("keys or values the tracee cannot read whole");
    }
    if (!keys && !out && map.value_fds == ValueFds::Fds) {
        b.altered = true;
        if (!translate_value_fds(b, each)) return refuse("a value that is not an fd of the tracee");
    }
    if (!keys && !out && map.value_fds == ValueFds::ProgFdAt4) {
        b.altered = true;
        if (!translate_value_prog_fds(b, each)) return refuse("a program fd in a value that the tracee does not have open");
    }
    return true;
}

bool Replica::prepare_batch_token(const FieldValue& v, TraceeAccess& tracee) {
    // The batch commands' position token: its size is the map's (map_layout.h).
    const decoder::FieldValue* map_fd = call_->member(decoder::attr::map_batch::map_fd);
    MapLayout map;
    if (map_fd == nullptr || !layout_of_map(int32_t(map_fd->entry), map))
        return refuse("a batch token of something that is not a map this tracer knows");
    Buffer& b = add_buffer(*v.field, v.entry, map.batch_token_size, v.field->dir != Dir::In);
    if (!copy_in(tracee, b)) return refuse("a batch token the tracee cannot read whole");
    return true;
}

bool Replica::translate_value_prog_fds(Buffer& b, uint64_t value_size) {
    // The kernel takes the program only for an fd above 0 (devmap and
    // cpumap alike); 0 and negative values mean none and stay as they are.
    for (std::size_t at = 0; at + value_size <= b.size; at += value_size) {
        int32_t fd;
        std::memcpy(&fd, b.local.data() + at + 4, 4);
        if (fd <= 0) continue;
        int32_t own = 0;
        if (!translate(fd, own)) return false;
        std::memcpy(b.local.data() + at + 4, &own, 4);
    }
    return true;
}

bool Replica::translate_value_fds(Buffer& b, uint64_t value_size) {
    // Each value is an fd: 4 bytes, or 8 with the upper half zero (socket maps).
    if (value_size != 4 && value_size != 8) return false;
    for (std::size_t at = 0; at + value_size <= b.size; at += value_size) {
        int32_t fd;
        std::memcpy(&fd, b.local.data() + at, 4);
        if (value_size == 8) {
            uint32_t high;
            std::memcpy(&high, b.local.data() + at + 4, 4);
            if (high != 0) return false;
        }
        int32_t own = 0;
        if (!translate(fd, own)) return false;
        std::memcpy(b.local.data() + at, &own, 4);
    }
    return true;
}

bool Replica::prepare_fd_array(const FieldValue& v, TraceeAccess& tracee) {
    const Field& f = *v.field;
    if (v.entry == 0) return true;
    // fd_array_cnt (6.14) says how many the kernel reads; without it, the
    // kernel reads the slots the instructions name.
    const uint64_t declared = count_of(call_->entry_view(), f.length);
    uint64_t slots = declared;
    for (const uint32_t i : fd_array_indexes_) slots = std::max<uint64_t>(slots, uint64_t(i) + 1);
    if (slots * 4 > k_max_buffer) return refuse("an fd_array larger than the broker copies");
    Buffer& b = add_buffer(f, v.entry, std::size_t(slots * 4), false);
    b.altered = true;
    if (!copy_in(tracee, b)) return refuse("an fd_array the tracee cannot read whole");
    auto fix = [&](uint64_t slot) {
        int32_t fd, own = 0;
        std::memcpy(&fd, b.local.data() + slot * 4, 4);
        if (!translate(fd, own)) return false;
        std::memcpy(b.local.data() + slot * 4, &own, 4);
        return true;
    };
    for (uint64_t slot = 0; slot < declared; ++slot)
        if (!fix(slot)) return refuse("an fd_array entry the tracee does not have open");
    std::sort(fd_array_indexes_.begin(), fd_array_indexes_.end());
    fd_array_indexes_.erase(std::unique(fd_array_indexes_.begin(), fd_array_indexes_.end()), fd_array_indexes_.end());
    for (const uint32_t slot : fd_array_indexes_)
        if (slot >= declared && !fix(slot)) return refuse("an fd_array entry the tracee does not have open");
    return true;
}

bool Replica::set(const decoder::AttrMember& member, uint64_t value) {
    if (call_ == nullptr || call_->command == nullptr) return false;
    for (const Field& f : call_->command->fields) {
        if (!member.names(f)) continue;
        overridden_ = true;
        put(f.offset, f.width, value);
        size_ = std::max<uint32_t>(size_, f.end());
        return true;
    }
    return false;
}

std::span<std::byte> Replica::own_buffer(const decoder::AttrMember& member, std::size_t size) {
    if (call_ == nullptr || call_->command == nullptr) return {};
    for (const Field& f : call_->command->fields) {
        if (!member.names(f) || f.kind != Kind::Pointer) continue;
        overridden_ = true;
        Buffer* b = buffer_of(&f);
        if (b == nullptr) b = &add_buffer(f, 0, size, true);
        if (b->local.size() < size + 1) b->local.resize(size + 1);
        b->size = size;
        b->own = true;
        std::memset(b->local.data(), 0, size);
        put(f.offset, 8, reinterpret_cast<uintptr_t>(b->local.data()));
        size_ = std::max<uint32_t>(size_, f.end());
        return std::span(b->local.data(), size);
    }
    return {};
}

std::span<const std::byte> Replica::buffer(const decoder::AttrMember& member) const {
    for (std::size_t i = 0; i < used_; ++i)
        if (member.names(*buffers_[i].field)) return std::span(buffers_[i].local.data(), buffers_[i].size);
    return {};
}

namespace {
// A member holding fd 0 must mean the tracee's fd 0: for as long as this
// lives, the tracer's own fd 0 stands aside (kept above 2) and the
// tracee's takes its place; then the tracer's comes back (or fd 0 is
// closed again, when the tracer had none).
class Fd0StandIn {
public:
    explicit Fd0StandIn(const UniqueFd& theirs) : saved_(fcntl(0, F_DUPFD_CLOEXEC, 3)) { dup2(theirs.get(), 0); }
    ~Fd0StandIn() {
        if (saved_) dup2(saved_.get(), 0);
        else UniqueFd(0).reset();  // the stand-in was the only fd 0
    }
    Fd0StandIn(const Fd0StandIn&) = delete;
    Fd0StandIn& operator=(const Fd0StandIn&) = delete;

private:
    UniqueFd saved_;
};
} // namespace

int64_t Replica::run() {
    {
        std::optional<Fd0StandIn> stand_in;
        if (uses_fd0_) stand_in.emplace(fd0_);
        const long r = syscall(SYS_bpf, call_->cmd, attr_.data(), size_);
        ret_ = r < 0 ? -int64_t(errno) : int64_t(r);
    }
    if (!nested_.empty()) restore_nested_pointers();
    if (ret_ >= 0 && call_->command->returns == decoder::Returns::Fd) returned_fd_.reset(int(ret_));
    return ret_;
}

int Replica::write_back(TraceeAccess& tracee) {
    // A call the tracer changed (set, own_buffer) is not the tracee's call.
    if (overridden_) return 0;
    // In the kernel's order: buffers, then the attr members that count
    // them. Everything is written that can be; one failed write makes the
    // call's result EFAULT, as the kernel's own copy would.
    bool all_written = true;
    // Buffers: the bytes the kernel changed, from the first to the last.
    for (std::size_t i = 0; i < used_; ++i) {
        const Buffer& b = buffers_[i];
        if (!b.out || b.own || b.size == 0) continue;
        if (b.whole) {
            if (ret_ >= 0 && !tracee.write(decoder::RemoteAddr{b.remote}, std::span(b.local.data(), b.size)))
                all_written = false;
            continue;
        }
        std::size_t first = 0, last = b.size;
        while (first < b.size && b.local[first] == b.before[first]) ++first;
        if (first == b.size) continue;
        while (last > first && b.local[last - 1] == b.before[last - 1]) --last;
        if (!tracee.write(decoder::RemoteAddr{b.remote + first}, std::span(b.local.data() + first, last - first)))
            all_written = false;
    }
    // Members of the attr the kernel wrote (also on the error paths where
    // it does: counts, log_true_size...), where they changed, and those it
    // stores on every success whatever they held: on a read-only attr, the
    // kernel's call fails with EFAULT, and so does this write.
    for (const FieldValue& v : call_->fields) {
        const Field& f = *v.field;
        if (f.dir == Dir::In || f.kind == Kind::Pointer || f.offset >= call_->size) continue;
        const uint32_t width = std::min<uint32_t>(f.width, call_->size - f.offset);
        const bool stored = f.always_written && ret_ >= 0 && f.end() <= call_->size;
        if (!stored && std::memcmp(attr_.data() + f.offset, attr_before_.data() + f.offset, width) == 0) continue;
        if (!tracee.write(call_->attr_addr + f.offset, std::span(attr_.data() + f.offset, width))) {
            all_written = false;
            continue;
        }
        std::memcpy(tracee_attr_.data() + f.offset, attr_.data() + f.offset, width);
    }
    return all_written ? 0 : -EFAULT;
}

UniqueFd Replica::take_returned_fd() { return std::move(returned_fd_); }

void Replica::release() {
    fds_.clear();
    fd_array_indexes_.clear();
    fd0_.reset();
    uses_fd0_ = false;
    returned_fd_.reset();
}

decoder::Memory& Replica::view(decoder::Memory& fallback) {
    view_->fallback = &fallback;
    return *view_;
}

} // namespace bpfsc::tracer::broker
