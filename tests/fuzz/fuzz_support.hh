#pragma once
// Shared bits of the libFuzzer targets: an invariant check that stops the
// fuzzer with a crash report (and the input that broke it), and a reader
// that walks the fuzz input.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string_view>

namespace ntp::fuzz {

// libFuzzer saves the input and prints the stack on any trap; the message
// says which invariant broke.
[[noreturn]] inline void invariant_failed(const char* what, const char* file, int line) {
    std::fprintf(stderr, "fuzz invariant violated: %s (%s:%d)\n", what, file, line);
    __builtin_trap();
}

#define FUZZ_CHECK(cond) \
    ((cond) ? static_cast<void>(0) : ::ntp::fuzz::invariant_failed(#cond, __FILE__, __LINE__))

// Consumes the fuzz input from the front.
class InputReader {
public:
    explicit InputReader(std::span<const std::uint8_t> bytes) : rest_(bytes) {}

    bool empty() const { return rest_.empty(); }
    std::span<const std::uint8_t> rest() const { return rest_; }

    // One octet, 0 once the input is used up.
    std::uint8_t byte() {
        if (rest_.empty()) return 0;
        const std::uint8_t b = rest_[0];
        rest_ = rest_.subspan(1);
        return b;
    }
    // A 2-octet big-endian length, then that many octets (fewer at the end).
    std::span<const std::uint8_t> chunk() {
        const std::size_t want = (std::size_t{byte()} << 8) | byte();
        const std::size_t n = want < rest_.size() ? want : rest_.size();
        const auto out = rest_.first(n);
        rest_ = rest_.subspan(n);
        return out;
    }

private:
    std::span<const std::uint8_t> rest_;
};

inline std::string_view as_text(std::span<const std::uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace ntp::fuzz
