// Repeated questions: a call that asks what an earlier one asked (the same
// command, the same objects, the same inputs) and got the same answer (the
// same result, the same members and data written back) is said to repeat
// it, `the same question as #3, and the same answer`, instead of having
// its commentary repeated (bpftool reads a map's info three times). Only
// commands that change nothing are compared: the info, lookup, next-key,
// next-id and query commands. Memory is one entry per distinct question.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "../decoded_call.h"

namespace bpfsc::notes {

class RepeatedQuestions {
public:
    // For a completed call numbered `seq`: the number of the earlier call it
    // repeats, or none (then it is remembered as the one to point at).
    std::optional<uint64_t> repeat_of(const decoder::DecodedCall& call, uint64_t seq);

private:
    struct Asked {
        uint64_t answer;  // a hash of what came back
        uint64_t seq;     // the first call that got this answer
    };
    std::unordered_map<uint64_t, Asked> asked_;  // by a hash of the question
};

} // namespace bpfsc::notes
