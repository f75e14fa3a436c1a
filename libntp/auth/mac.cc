#include "libntp/auth/mac.hh"

#include <sys/random.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <climits>

namespace ntp::auth {

namespace {

struct MdFree {
    void operator()(EVP_MD* p) const { EVP_MD_free(p); }
};
struct MacFree {
    void operator()(EVP_MAC* p) const { EVP_MAC_free(p); }
};
struct CipherFree {
    void operator()(EVP_CIPHER* p) const { EVP_CIPHER_free(p); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct MacCtxFree {
    void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
};

constexpr std::size_t cmac_key_size = 16;  // AES-128
constexpr char cmac_cipher[] = "AES-128-CBC";

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

struct MacAlgorithm::Impl {
    std::string name;
    std::size_t digest_size = 0;
    std::unique_ptr<EVP_MD, MdFree> md;     // classic digest MACs
    std::unique_ptr<EVP_MAC, MacFree> mac;  // CMAC
};

std::optional<MacAlgorithm> MacAlgorithm::from_name(std::string_view name) {
    if (name.empty()) return std::nullopt;
    auto impl = std::make_shared<Impl>();
    const std::string up = upper(name);
    if (up == "AES128CMAC" || up == "AES-128-CMAC") {
        impl->mac.reset(EVP_MAC_fetch(nullptr, "CMAC", nullptr));
        std::unique_ptr<EVP_CIPHER, CipherFree> cipher(EVP_CIPHER_fetch(nullptr, cmac_cipher, nullptr));
        if (!impl->mac || !cipher) return std::nullopt;
        impl->name = "AES128CMAC";
        impl->digest_size = 16;
    } else {
        impl->md.reset(EVP_MD_fetch(nullptr, up.c_str(), nullptr));
        impl->name = up;
        // Classic ntpd: a type word starting with 'M' that the library does
        // not know means MD5 (the historic "M" column).
        if (!impl->md && up[0] == 'M') {
            impl->md.reset(EVP_MD_fetch(nullptr, "MD5", nullptr));
            impl->name = "MD5";
        }
        if (!impl->md) return std::nullopt;
        // Extendable-output functions have no fixed digest to truncate.
        if ((EVP_MD_get_flags(impl->md.get()) & EVP_MD_FLAG_XOF) != 0) return std::nullopt;
        const int size = EVP_MD_get_size(impl->md.get());
        if (size <= 0) return std::nullopt;
        impl->digest_size = std::min<std::size_t>(static_cast<std::size_t>(size), max_digest_size);
    }
    MacAlgorithm a;
    a.impl_ = std::move(impl);
    return a;
}

std::string_view MacAlgorithm::name() const {
    return impl_ ? std::string_view(impl_->name) : std::string_view();
}

std::size_t MacAlgorithm::digest_size() const { return impl_ ? impl_->digest_size : 0; }

bool MacAlgorithm::is_cmac() const { return impl_ && impl_->mac; }

struct MacComputer::Contexts {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> md;
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> cmac;  // made on first CMAC use
};

MacComputer::MacComputer() : contexts_(std::make_unique<Contexts>()) {}

MacComputer::~MacComputer() = default;

std::size_t MacComputer::compute(const MacAlgorithm& algorithm, std::span<const std::uint8_t> secret,
                                 std::span<const std::uint8_t> data, std::span<std::uint8_t> out) {
    if (!algorithm.valid() || out.size() < algorithm.digest_size()) return 0;
    const MacAlgorithm::Impl& impl = *algorithm.impl_;
    std::array<unsigned char, EVP_MAX_MD_SIZE> full{};

    if (impl.mac) {
        if (!contexts_->cmac) contexts_->cmac.reset(EVP_MAC_CTX_new(impl.mac.get()));
        EVP_MAC_CTX* ctx = contexts_->cmac.get();
        if (ctx == nullptr) return 0;
        // Classic ntpd zero-pads short keys to 16 octets and cuts long ones.
        std::array<unsigned char, cmac_key_size> key{};
        std::copy_n(secret.begin(), std::min(secret.size(), key.size()), key.begin());
        char cipher_name[sizeof cmac_cipher];
        std::copy(std::begin(cmac_cipher), std::end(cmac_cipher), cipher_name);
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher_name, 0),
            OSSL_PARAM_construct_end(),
        };
        std::size_t len = 0;
        const bool ok = EVP_MAC_init(ctx, key.data(), key.size(), params) == 1 &&
                        EVP_MAC_update(ctx, data.data(), data.size()) == 1 &&
                        EVP_MAC_final(ctx, full.data(), &len, full.size()) == 1;
        OPENSSL_cleanse(key.data(), key.size());
        if (!ok || len < impl.digest_size) return 0;
    } else {
        if (!contexts_->md) contexts_->md.reset(EVP_MD_CTX_new());  // on first use
        EVP_MD_CTX* ctx = contexts_->md.get();
        unsigned int len = 0;
        // digest(key || data): RFC 5905 appendix, the classic MD5 MAC.
        const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, impl.md.get(), nullptr) == 1 &&
                        EVP_DigestUpdate(ctx, secret.data(), secret.size()) == 1 &&
                        EVP_DigestUpdate(ctx, data.data(), data.size()) == 1 &&
                        EVP_DigestFinal_ex(ctx, full.data(), &len) == 1;
        if (!ok || len < impl.digest_size) return 0;
    }
    std::copy_n(full.begin(), impl.digest_size, out.begin());
    OPENSSL_cleanse(full.data(), full.size());
    return impl.digest_size;
}

bool MacComputer::verify(const MacAlgorithm& algorithm, std::span<const std::uint8_t> secret,
                         std::span<const std::uint8_t> data, std::span<const std::uint8_t> digest) {
    // An empty digest is a crypto-NAK: it must never pass, whatever the key.
    if (digest.empty() || digest.size() != algorithm.digest_size()) return false;
    std::array<std::uint8_t, max_digest_size> expected{};
    const std::size_t n = compute(algorithm, secret, data, expected);
    return n == digest.size() && CRYPTO_memcmp(expected.data(), digest.data(), n) == 0;
}

bool random_bytes(std::span<std::uint8_t> out) {
    // The kernel's generator: as strong as OpenSSL's (which seeds from it)
    // and it does not make OpenSSL load its providers in a daemon that has
    // no keys, which costs megabytes of resident memory.
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

std::optional<std::uint32_t> random_u32() {
    std::array<std::uint8_t, 4> b{};
    if (!random_bytes(b)) return std::nullopt;
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

}  // namespace ntp::auth
