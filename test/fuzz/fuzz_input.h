// What the fuzz targets make of their input bytes: a reader that takes
// numbers and blobs from the front (zeros once it runs out), a tracee's
// memory whose every byte comes from the input (addresses below 4096 or
// above the user half fail with EFAULT, and a read stops short at every
// odd 64 KiB boundary, as at an unmapped page: no read is longer than
// 128 KiB, so one input cannot cost seconds of output), and a resolver whose
// answers (map shapes, BTF, object kinds, labels) come from the input too.
// Nothing here trusts the input: it is the hostile tracee.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "btf/btf_types.h"
#include "memory.h"
#include "resolver.h"

namespace bpfsc::fuzz {

class InputReader {
public:
    explicit InputReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
    template <typename T>
    T take() {
        T v{};
        const std::size_t n = std::min(sizeof v, bytes_.size() - at_);
        std::memcpy(&v, bytes_.data() + at_, n);
        at_ += n;
        return v;
    }
    // Up to n bytes from the front.
    std::string_view blob(std::size_t n) {
        n = std::min(n, bytes_.size() - at_);
        const std::string_view s(reinterpret_cast<const char*>(bytes_.data() + at_), n);
        at_ += n;
        return s;
    }
    std::span<const uint8_t> rest() const { return bytes_.subspan(at_); }

private:
    std::span<const uint8_t> bytes_;
    std::size_t at_ = 0;
};

class InputMemory : public decoder::Memory {
public:
    explicit InputMemory(std::span<const uint8_t> pattern) : pattern_(pattern) {}
    decoder::ReadResult read(decoder::RemoteAddr addr, std::span<std::byte> out) override {
        constexpr uint64_t kUserEnd = 0x0000800000000000ull;
        const uint64_t a = addr.value;
        if (a < 4096 || a >= kUserEnd || out.size() > kUserEnd - a) return {0, 14 /* EFAULT */};
        std::size_t n = 0;
        for (; n < out.size(); ++n) {
            const uint64_t at = a + n;
            // Every odd 64 KiB boundary ends the mapping.
            if (n != 0 && at % (1u << 16) == 0 && (at >> 16) % 2 == 1) return {n, 14};
            out[n] = pattern_.empty() ? std::byte{0} : std::byte(pattern_[at % pattern_.size()]);
        }
        return {n, 0};
    }

private:
    std::span<const uint8_t> pattern_;
};

class InputResolver : public decoder::ObjectResolver {
public:
    // `answers`: 16 bytes that decide the shapes and kinds; `btf_blob`: the
    // BTF every fd leads to (hostile: whatever libbpf accepts to parse).
    InputResolver(std::span<const uint8_t> answers, std::string_view btf_blob) {
        std::memcpy(answers_, answers.data(), std::min(answers.size(), sizeof answers_));
        int error = 0;
        if (!btf_blob.empty()) btf_ = decoder::BtfTypes::parse(btf_blob, &error);
    }
    std::optional<decoder::MapShape> map_shape(int32_t fd) override {
        if ((answers_[0] >> (fd & 7)) & 1) return std::nullopt;
        decoder::MapShape m;
        m.map_type = answers_[1] % 40;
        m.key_size = answers_[2] % 64;
        m.value_size = uint32_t(answers_[3]) * 4 % 1024;
        m.max_entries = answers_[4];
        m.map_flags = answers_[5];
        if (btf_ != nullptr && (answers_[6] & 1)) {
            m.btf = btf_.get();
            m.btf_key_type_id = answers_[7] % 64;
            m.btf_value_type_id = answers_[8] % 64;
        }
        return m;
    }
    uint32_t possible_cpus() override { return 1 + answers_[9] % 4; }
    void fd_label(int32_t fd, std::pmr::string& out) override {
        if (answers_[10] & 1) out = std::to_string(fd) + "<map#\"\\\n\x01\xff:x>";
    }
    const decoder::BtfTypes* btf_of_fd(int32_t) override { return btf_.get(); }
    const decoder::BtfTypes* btf_by_id(uint32_t) override { return btf_.get(); }
    const decoder::BtfTypes* vmlinux_btf() override { return (answers_[11] & 1) ? btf_.get() : nullptr; }
    decoder::FdObject fd_object(int32_t fd) override {
        decoder::FdObject o;
        o.kind = decoder::Object(uint32_t(answers_[12] + fd) % 6);
        o.link_type = answers_[13] % 16;
        return o;
    }

private:
    uint8_t answers_[16] = {};
    std::unique_ptr<decoder::BtfTypes> btf_;
};

} // namespace bpfsc::fuzz
