// Which calls repeat an earlier question and answer (see repeats.h).
#include "repeats.h"

#include <string_view>

#include "../info/info_struct.h"
#include "../uapi/bpf_attr.h"

namespace bpfsc::notes {

namespace {

using decoder::Content;
using decoder::Data;
using decoder::DataState;
using decoder::Dir;
using decoder::FieldValue;
using decoder::Kind;

// FNV-1a, 64 bits: two different questions share a hash once in 2^64.
class Hash {
public:
    void add(std::string_view bytes) {
        for (const char c : bytes) {
            h_ ^= uint8_t(c);
            h_ *= 0x100000001b3ull;
        }
        add_number(bytes.size());
    }
    void add_number(uint64_t v) {
        for (int i = 0; i < 8; ++i) {
            h_ ^= (v >> (8 * i)) & 0xff;
            h_ *= 0x100000001b3ull;
        }
    }
    uint64_t value() const { return h_; }

private:
    uint64_t h_ = 0xcbf29ce484222325ull;
};

bool read_only(uint32_t cmd) {
    using namespace uapi;
    switch (cmd) {
    case BPF_OBJ_GET_INFO_BY_FD: case BPF_MAP_LOOKUP_ELEM: case BPF_MAP_GET_NEXT_KEY: case BPF_PROG_QUERY:
    case BPF_TASK_FD_QUERY: case BPF_MAP_GET_NEXT_ID: case BPF_PROG_GET_NEXT_ID: case BPF_BTF_GET_NEXT_ID:
    case BPF_LINK_GET_NEXT_ID:
        return true;
    default: return false;
    }
}

void add_data(Hash& h, const Data& d) {
    h.add_number(uint64_t(d.state));
    h.add_number(d.wanted);
    h.add(std::string_view(d.bytes.data(), d.bytes.size()));
    for (const Data& item : d.items) h.add(std::string_view(item.bytes.data(), item.bytes.size()));
}

// What a member asks: an fd by the object it is (another fd on the same
// map asks the same), a pointer by what it points to, a number by itself.
void add_question(Hash& h, const FieldValue& v) {
    const decoder::Field& f = *v.field;
    if (f.dir == Dir::Out) return;
    if (f.kind == Kind::Fd && !v.label.empty()) return h.add(std::string_view(v.label.data(), v.label.size()));
    if (f.kind == Kind::Pointer) {
        if (f.content == Content::InfoStruct) return;  // the buffer the kernel fills
        if (f.dir == Dir::In) add_data(h, v.data);
        else h.add_number(v.entry != 0);             // asked for, or not
        return;
    }
    h.add_number(v.entry);
}

void add_answer(Hash& h, const FieldValue& v) {
    const decoder::Field& f = *v.field;
    if (f.kind == Kind::Pointer && f.dir != Dir::In) return add_data(h, v.data);
    if (v.has_exit) h.add_number(v.exit);
}

} // namespace

std::optional<uint64_t> RepeatedQuestions::repeat_of(const decoder::DecodedCall& call, uint64_t seq) {
    if (!read_only(call.cmd) || !call.exited || call.attr_state != decoder::AttrState::Ok) return std::nullopt;
    Hash question, answer;
    question.add_number(call.cmd);
    question.add_number(call.size);
    answer.add_number(uint64_t(call.ret));
    for (const FieldValue& v : call.fields) {
        add_question(question, v);
        add_answer(answer, v);
    }
    if (call.info != nullptr) {
        answer.add_number(uint64_t(call.info->state));
        answer.add_number(call.info->length);
        for (const FieldValue& v : call.info->members) {
            answer.add_number(v.has_exit ? v.exit : v.entry);
            add_data(answer, v.data);
        }
        answer.add(std::string_view(call.info->tail.data(), call.info->tail.size()));
    }
    auto [it, fresh] = asked_.try_emplace(question.value(), Asked{answer.value(), seq});
    if (fresh) return std::nullopt;
    if (it->second.answer == answer.value()) return it->second.seq;
    it->second = Asked{answer.value(), seq};  // a new answer: the next repeat points here
    return std::nullopt;
}

} // namespace bpfsc::notes
