#include "libntp/io/resolver.hh"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace ntp::io;

TEST_CASE("resolve_now handles numeric names without the network") {
    auto r4 = resolve_now("127.0.0.1", ResolveFamily::any);
    REQUIRE(r4.ok());
    CHECK(r4.addresses.size() == 1);
    CHECK(r4.addresses[0].to_string() == "127.0.0.1");

    auto r6 = resolve_now("::1", ResolveFamily::v6);
    REQUIRE(r6.ok());
    CHECK(r6.addresses[0].to_string() == "::1");

    // An IPv4 literal asked for as IPv6 only fails cleanly.
    auto bad = resolve_now("127.0.0.1", ResolveFamily::v6);
    CHECK_FALSE(bad.ok());
    CHECK(bad.gai_error != 0);
    CHECK_FALSE(bad.error_text.empty());
}

TEST_CASE("ThreadedResolver answers through poll() and never blocks") {
    ThreadedResolver resolver;
    CHECK(resolver.poll().empty());
    const auto a = resolver.submit("127.0.0.2", ResolveFamily::any);
    const auto b = resolver.submit("::1", ResolveFamily::any);
    CHECK(a != b);

    std::vector<ResolveResult> got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (got.size() < 2 && std::chrono::steady_clock::now() < deadline) {
        for (auto& r : resolver.poll()) got.push_back(std::move(r));
        if (got.size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(got.size() == 2);
    CHECK(got[0].id == a);  // one worker: answers come in submission order
    CHECK(got[0].addresses.at(0).to_string() == "127.0.0.2");
    CHECK(got[1].id == b);
    CHECK(got[1].host == "::1");
}

TEST_CASE("destroying a ThreadedResolver with queued work does not wait") {
    const auto start = std::chrono::steady_clock::now();
    {
        ThreadedResolver resolver;
        for (int i = 0; i < 50; ++i) resolver.submit("127.0.0.1", ResolveFamily::v4);
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}
