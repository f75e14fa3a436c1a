#include "libntp/auth/mac.hh"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ntp::auth;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

Bytes from_hex(std::string_view hex) {
    Bytes out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

Bytes mac_of(std::string_view algorithm, const Bytes& key, const Bytes& data) {
    auto alg = MacAlgorithm::from_name(algorithm);
    REQUIRE(alg);
    MacComputer macs;
    Bytes out(max_digest_size);
    const std::size_t n = macs.compute(*alg, key, data, out);
    out.resize(n);
    return out;
}

}  // namespace

TEST_CASE("algorithm names", "[mac]") {
    CHECK(MacAlgorithm::from_name("MD5")->digest_size() == 16);
    CHECK(MacAlgorithm::from_name("md5")->name() == "MD5");
    CHECK(MacAlgorithm::from_name("M")->name() == "MD5");
    CHECK(MacAlgorithm::from_name("m")->name() == "MD5");
    CHECK(MacAlgorithm::from_name("SHA1")->digest_size() == 20);
    CHECK(MacAlgorithm::from_name("sha1")->name() == "SHA1");
    CHECK(MacAlgorithm::from_name("SHA256")->digest_size() == 20);  // truncated
    CHECK(MacAlgorithm::from_name("AES128CMAC")->is_cmac());
    CHECK(MacAlgorithm::from_name("aes-128-cmac")->digest_size() == 16);
    CHECK_FALSE(MacAlgorithm::from_name("MD5")->is_cmac());
    CHECK_FALSE(MacAlgorithm::from_name("NOSUCHDIGEST"));
    CHECK_FALSE(MacAlgorithm::from_name(""));
    CHECK_FALSE(MacAlgorithm::from_name("SHAKE128"));  // XOF: no fixed length
    CHECK_FALSE(MacAlgorithm().valid());
}

// Expected digests are published test vectors, not outputs of this code.
// The classic MAC is H(key || data), so splitting a vector's message into
// key and data must give the vector's digest.
TEST_CASE("MD5 MAC matches RFC 1321 vectors", "[mac]") {
    CHECK(mac_of("MD5", bytes_of("mess"), bytes_of("age digest")) ==
          from_hex("f96b697d7cb7938d525a2f31aaf161d0"));
    CHECK(mac_of("MD5", bytes_of("a"), bytes_of("bc")) == from_hex("900150983cd24fb0d6963f7d28e17f72"));
    CHECK(mac_of("M", {}, {}) == from_hex("d41d8cd98f00b204e9800998ecf8427e"));
}

TEST_CASE("SHA1 and truncated SHA256 match FIPS 180 vectors", "[mac]") {
    CHECK(mac_of("SHA1", bytes_of("a"), bytes_of("bc")) ==
          from_hex("a9993e364706816aba3e25717850c26c9cd0d89d"));
    CHECK(mac_of("SHA256", bytes_of("ab"), bytes_of("c")) ==
          from_hex("ba7816bf8f01cfea414140de5dae2223b00361a3"));
}

TEST_CASE("AES-128-CMAC matches RFC 4493 vectors", "[mac]") {
    const Bytes key = from_hex("2b7e151628aed2a6abf7158809cf4f3c");
    CHECK(mac_of("AES128CMAC", key, {}) == from_hex("bb1d6929e95937287fa37d129b756746"));
    CHECK(mac_of("AES128CMAC", key, from_hex("6bc1bee22e409f96e93d7e117393172a")) ==
          from_hex("070a16b46b4d4144f79bdd9dd04a287c"));
    // Twice through the same computer: the reused context is reset properly.
    auto alg = MacAlgorithm::from_name("AES128CMAC");
    MacComputer macs;
    Bytes out(16);
    for (int i = 0; i < 2; ++i) {
        REQUIRE(macs.compute(*alg, key, {}, out) == 16);
        CHECK(out == from_hex("bb1d6929e95937287fa37d129b756746"));
    }
}

TEST_CASE("verify is exact about content and length", "[mac]") {
    auto alg = MacAlgorithm::from_name("SHA1");
    REQUIRE(alg);
    MacComputer macs;
    const Bytes key = bytes_of("a");
    const Bytes data = bytes_of("bc");
    Bytes digest = from_hex("a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(macs.verify(*alg, key, data, digest));
    CHECK_FALSE(macs.verify(*alg, bytes_of("b"), data, digest));
    CHECK_FALSE(macs.verify(*alg, key, bytes_of("bd"), digest));
    CHECK_FALSE(macs.verify(*alg, key, data, Bytes(digest.begin(), digest.begin() + 16)));
    CHECK_FALSE(macs.verify(*alg, key, data, {}));  // crypto-NAK
    digest[19] ^= 1;
    CHECK_FALSE(macs.verify(*alg, key, data, digest));
    CHECK_FALSE(macs.verify(MacAlgorithm(), key, data, digest));
    Bytes small(8);
    CHECK(macs.compute(*alg, key, data, small) == 0);
}

TEST_CASE("random bytes come from OpenSSL", "[mac]") {
    Bytes a(32), b(32);
    REQUIRE(random_bytes(a));
    REQUIRE(random_bytes(b));
    CHECK(a != b);  // 2^-256 chance of a false failure
    CHECK(random_bytes({}));
    auto x = random_u32();
    auto y = random_u32();
    REQUIRE(x);
    REQUIRE(y);
    // Not a randomness test: just that the values are not a constant.
    bool differs = *x != *y;
    for (int i = 0; i < 4 && !differs; ++i) differs = *random_u32() != *x;
    CHECK(differs);
}
