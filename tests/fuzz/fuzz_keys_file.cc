// libFuzzer target: the keys-file parser (libntp/auth/keys_file.hh).
// Input: the text of a keys file. Invariants: the verdict agrees with the
// error count (any error rejects the whole file; no line is read after the
// 16th error), diagnostics point at real positions, every accepted key is usable
// (id 1..65535, a valid algorithm, 1..32 secret octets, prefixes in range)
// and computes and verifies a MAC.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "libntp/auth/keys_file.hh"
#include "libntp/auth/mac.hh"
#include "tests/fuzz/fuzz_support.hh"

namespace auth = ntp::auth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto r = auth::parse_keys(ntp::fuzz::as_text({data, size}), "fuzz.keys");

    FUZZ_CHECK(r.readable);
    FUZZ_CHECK(r.rejected() == (r.error_count > 0));
    FUZZ_CHECK(r.verdict.empty() == !r.rejected());
    if (r.rejected()) FUZZ_CHECK(r.keys.empty());

    // The emergency break: no line is read once more than 15 errors were
    // counted (one line may add several, as in classic ntpd).
    unsigned errors = 0;
    unsigned break_line = 0;
    for (const auto& d : r.diagnostics) {
        if (break_line != 0) FUZZ_CHECK(d.line == break_line);
        if (d.level == auth::KeysDiagnostic::Level::error) ++errors;
        if (errors > auth::keys_file_max_errors && break_line == 0) break_line = d.line;
        FUZZ_CHECK(d.line >= 1);
        FUZZ_CHECK(d.column >= 1);
        FUZZ_CHECK(!d.message.empty());
        FUZZ_CHECK(d.file == "fuzz.keys");
        FUZZ_CHECK(!d.to_string().empty());
    }
    FUZZ_CHECK(errors == r.error_count);

    if (r.keys.empty()) return 0;
    auth::MacComputer macs;
    static constexpr std::array<std::uint8_t, 48> packet{0x23};
    for (const auto& k : r.keys) {
        FUZZ_CHECK(k.id >= 1 && k.id <= auth::max_key_id);
        FUZZ_CHECK(k.algorithm.valid());
        FUZZ_CHECK(!k.secret.empty() && k.secret.size() <= 32);
        for (const auto& a : k.allowed) {
            FUZZ_CHECK(a.size == 4 || a.size == 16);
            FUZZ_CHECK(a.prefix_len <= 8 * a.size);
        }
        std::array<std::uint8_t, 64> digest{};
        const std::size_t n = macs.compute(k.algorithm, k.secret, packet, digest);
        FUZZ_CHECK(n == k.algorithm.digest_size());
        FUZZ_CHECK(n > 0 && n <= 20);
        FUZZ_CHECK(macs.verify(k.algorithm, k.secret, packet, std::span(digest).first(n)));
    }
    return 0;
}
