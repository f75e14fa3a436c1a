#pragma once
// Symmetric-key MACs for NTP packets, on OpenSSL 3 (EVP digests and EVP_MAC).
//
// Classic ntpd MAC (RFC 5905 appendix, ntpd 4.2.8 `MD5authencrypt`):
//   digest = H(key || data), truncated to 20 octets (MD5 gives 16, SHA1 20,
//   SHA256 and friends are cut to 20 like NTPsec and later 4.2.8 releases).
// AES-128-CMAC (RFC 8573): CMAC(key, data), 16 octets. The key is used as
// 16 octets: shorter keys are zero-padded, longer ones cut (classic behaviour).
//
// Every OpenSSL object lives behind RAII; nothing here throws or aborts on any
// packet input. Failures of OpenSSL are reported as "no MAC" / "not verified".

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ntp::auth {

inline constexpr std::size_t max_digest_size = 20;

// A MAC algorithm, resolved once (at key-file load) from its keys-file name.
// Cheap to copy (shares the fetched OpenSSL algorithm object).
class MacAlgorithm {
public:
    MacAlgorithm() = default;  // invalid(): usable only as a placeholder

    // Keys-file type names, case-insensitive: any OpenSSL digest name ("MD5",
    // "SHA1", "SHA256", "RMD160", ...), "AES128CMAC" / "AES-128-CMAC", and as
    // in classic ntpd a word starting with 'M'/'m' that OpenSSL does not know
    // (e.g. "M") means MD5. nullopt when the name is unknown or the algorithm
    // is unavailable (e.g. MD5 under a FIPS-only provider).
    static std::optional<MacAlgorithm> from_name(std::string_view name);

    bool valid() const { return static_cast<bool>(impl_); }
    // Canonical upper-case name: "MD5", "SHA1", "AES128CMAC", "SHA256"...
    std::string_view name() const;
    // Octets of digest on the wire (<= 20): 16 for MD5 and AES128CMAC, 20 for SHA1.
    std::size_t digest_size() const;
    bool is_cmac() const;

    struct Impl;

private:
    friend class MacComputer;
    std::shared_ptr<const Impl> impl_;
};

// Computes and verifies MACs. Keeps reusable OpenSSL contexts, so one per
// thread: not thread-safe itself. Construction may fail quietly (no memory):
// every call then reports failure.
class MacComputer {
public:
    MacComputer();
    ~MacComputer();
    MacComputer(const MacComputer&) = delete;
    MacComputer& operator=(const MacComputer&) = delete;

    // Writes the digest of `data` under (algorithm, secret) into `out`.
    // Returns the number of octets written (algorithm.digest_size()), or 0
    // when `out` is too small, the algorithm is invalid or OpenSSL fails.
    std::size_t compute(const MacAlgorithm& algorithm, std::span<const std::uint8_t> secret,
                        std::span<const std::uint8_t> data, std::span<std::uint8_t> out);

    // Constant-time (CRYPTO_memcmp) check. False for an empty digest (a
    // crypto-NAK never authenticates), a digest of the wrong length, or any failure.
    bool verify(const MacAlgorithm& algorithm, std::span<const std::uint8_t> secret,
                std::span<const std::uint8_t> data, std::span<const std::uint8_t> digest);

private:
    struct Contexts;
    std::unique_ptr<Contexts> contexts_;
};

// Cryptographically strong random bytes (the kernel's getrandom). False on failure
// (the caller must then not send, rather than send predictable values).
bool random_bytes(std::span<std::uint8_t> out);
std::optional<std::uint32_t> random_u32();

}  // namespace ntp::auth
