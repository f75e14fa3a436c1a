#pragma once
// How ntpq turns addresses into the text it shows, honouring -n / `hostnames`
// (classic nntohost() and nntohostp()). The reverse lookup itself is a
// function supplied by main (getnameinfo) or by a test (a fixed table), so
// the formatting code stays pure.

#include <functional>
#include <optional>
#include <string>

#include "libntp/io/endpoint.hh"

namespace ntpq {

class Namer {
public:
    // Returns the host name for an address, or nullopt when it has none.
    using ReverseLookup = std::function<std::optional<std::string>(const ntp::io::IpAddress&)>;

    Namer() = default;
    explicit Namer(ReverseLookup reverse) : reverse_(std::move(reverse)) {}

    bool show_names() const { return show_names_; }
    void set_show_names(bool on) { show_names_ = on; }

    // nntohost(): numeric when -n or unspecified; 127.127.t.u as a clock name
    // (unless -n); else the reverse name, or the numeric text without one.
    std::string host(const ntp::io::IpAddress& a) const;
    // nntohostp(): like host() with ":port" ("0.0.0.0:0" stays numeric).
    std::string host_port(const ntp::io::Endpoint& e) const;

    // The getnameinfo()-backed lookup main uses (NI_NAMEREQD).
    static std::optional<std::string> system_reverse(const ntp::io::IpAddress& a);

private:
    std::string name_or_number(const ntp::io::IpAddress& a) const;

    ReverseLookup reverse_;
    bool show_names_ = true;
};

}  // namespace ntpq
