#pragma once
// Host name resolution off the event loop.
//
// NameResolver is what the core talks to: submit a name, later poll() for
// finished lookups. The core calls poll() from its once-a-second tick, so no
// file descriptor is involved: the LD_PRELOAD simulator ntpd must run under
// treats pipes and socketpairs as always readable, so a wake-up pipe would
// spin the loop.
//
// ThreadedResolver runs getaddrinfo() on one worker thread fed by a queue.
// Destroying it never waits for a lookup in progress (a stuck DNS server must
// not delay a SIGTERM exit): the worker owns its shared state and finishes
// on its own, its result dropped.
//
// Tests use a fake NameResolver (see core_test.cc).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "libntp/io/endpoint.hh"

namespace ntp::io {

enum class ResolveFamily { any, v4, v6 };

struct ResolveResult {
    std::uint64_t id = 0;
    std::string host;
    std::vector<IpAddress> addresses;  // de-duplicated, in getaddrinfo order
    int gai_error = 0;                           // 0 on success (EAI_* otherwise)
    std::string error_text;                      // gai_strerror() text when failed
    bool ok() const { return gai_error == 0 && !addresses.empty(); }
};

class NameResolver {
public:
    virtual ~NameResolver() = default;
    // Queue a lookup; the returned id comes back in ResolveResult::id.
    virtual std::uint64_t submit(const std::string& host, ResolveFamily family) = 0;
    // Lookups finished since the last call. Never blocks.
    virtual std::vector<ResolveResult> poll() = 0;
};

class ThreadedResolver final : public NameResolver {
public:
    ThreadedResolver();
    ~ThreadedResolver() override;
    ThreadedResolver(const ThreadedResolver&) = delete;
    ThreadedResolver& operator=(const ThreadedResolver&) = delete;

    std::uint64_t submit(const std::string& host, ResolveFamily family) override;
    std::vector<ResolveResult> poll() override;

    struct Shared;  // queue state shared with the worker (resolver.cc)

private:
    std::shared_ptr<Shared> shared_;
    std::uint64_t next_id_ = 1;
};

// One blocking lookup (what the worker runs), UDP/NTP-style hints. Exposed
// for tests with numeric names, which never touch the network.
ResolveResult resolve_now(const std::string& host, ResolveFamily family);

}  // namespace ntp::io
