// ntpstat: show the local ntpd's synchronisation state (classic ntpstat).
// One READVAR to 127.0.0.1:123 through libntp's client channel, one second
// to answer; see report.hh.

#include <cerrno>
#include <chrono>
#include <cstdio>

#include "libntp/client/channel.hh"
#include "ntpstat/report.hh"

namespace {

int finish(const ntpstat::Report& r) {
    std::fputs(r.out.c_str(), stdout);
    std::fflush(stdout);
    std::fputs(r.err.c_str(), stderr);
    return r.exit_code;
}

ntpstat::Report query() {
    auto c = ntp::client::connect_udp("127.0.0.1", 123, 4);
    if (!c) {
        if (c.status().message().rfind("socket:", 0) == 0) return ntpstat::failure("unable to open socket");
        errno = c.status().code();
        std::perror("On connect");
        return ntpstat::failure("unable to connect to socket");
    }
    auto& channel = *c->channel;
    if (int err = channel.send(ntpstat::request()); err != 0) {
        errno = err;
        std::perror("On send");
        return ntpstat::failure("unable to send command to NTP port");
    }
    auto got = channel.receive(std::chrono::milliseconds(1000));
    while (got.what == ntp::client::Channel::Wait::interrupted)
        got = channel.receive(std::chrono::milliseconds(1000));
    switch (got.what) {
    case ntp::client::Channel::Wait::timeout: return ntpstat::timeout();
    case ntp::client::Channel::Wait::datagram: return ntpstat::interpret(got.bytes);
    default: return ntpstat::unreachable();
    }
}

}  // namespace

int main() { return finish(query()); }
