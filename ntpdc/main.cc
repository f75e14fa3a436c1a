// ntpdc: classic ntpdc's read-only commands over mode 6 (see commands.hh).
// Options as classic: -c COMMAND (repeatable), -l (listpeers), -p (peers),
// -s (dmpeers), -n (numeric), -i (interactive), -4/-6, then hosts (default
// localhost); without commands, lines are read from standard input with the
// "ntpdc> " prompt on a terminal.

#include <getopt.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "libntp/client/channel.hh"
#include "libntp/client/refclock_text.hh"
#include "ntpdc/commands.hh"

namespace {

void write_err(const std::string& s) {
    std::fputs(s.c_str(), stderr);
}

class Mode6Server final : public ntpdc::Server {
public:
    explicit Mode6Server(ntp::client::Connection c)
        : connection_(std::move(c)), client_(*connection_.channel, connection_.display_name, write_err, "ntpdc") {}
    ntp::client::Result<std::vector<ntp::client::Association>> associations() override {
        return ntp::client::read_associations(client_);
    }
    ntp::client::Result<ntp::client::VarReply> vars(std::uint16_t id, std::string_view names) override {
        return ntp::client::read_vars(client_, id, names);
    }

private:
    ntp::client::Connection connection_;
    ntp::client::Mode6Client client_;
};

// ntpdc's nntohost(): the number with -n; else "LOCAL(0)" for a reference
// clock, the reverse lookup's name, or the number when there is none.
std::string host_name(const ntp::io::IpAddress& a, bool numeric) {
    if (numeric || a.family == ntp::io::Family::none) return a.to_string();
    if (ntp::client::is_refclock_address(a)) return ntp::client::refclock_name(a);
    ntp::io::Endpoint e;
    e.addr = a;
    sockaddr_storage ss{};
    const socklen_t len = e.to_sockaddr(ss);
    char host[NI_MAXHOST];
    if (len != 0 && ::getnameinfo(reinterpret_cast<const sockaddr*>(&ss), len, host, sizeof host, nullptr, 0,
                                  NI_NAMEREQD) == 0)
        return host;
    return a.to_string();
}

// Runs the commands against one host; false after `quit`.
bool run_all(ntpdc::Server& server, const std::vector<std::string>& commands, bool numeric) {
    const ntpdc::HostName name = [numeric](const ntp::io::IpAddress& a) { return host_name(a, numeric); };
    for (const auto& c : commands) {
        const auto r = ntpdc::run_command(c, server, name);
        std::fputs(r.out.c_str(), stdout);
        std::fflush(stdout);
        std::fputs(r.err.c_str(), stderr);
        if (r.quit) return false;
    }
    return true;
}

void interactive(ntpdc::Server& server, bool numeric, bool prompt) {
    std::string line;
    for (;;) {
        if (prompt) {
            std::fputs("ntpdc> ", stdout);
            std::fflush(stdout);
        }
        if (!std::getline(std::cin, line)) break;
        if (!run_all(server, {line}, numeric)) break;
    }
}

std::unique_ptr<Mode6Server> open_host(const std::string& host, int family) {
    auto c = ntp::client::connect_udp(host, 123, family);
    if (!c) {
        write_err(c.status().code() == -1 ? c.status().message() + "\n" : "ntpdc: " + c.status().message() + "\n");
        return nullptr;
    }
    return std::make_unique<Mode6Server>(std::move(*c));
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> commands;
    bool numeric = false;
    bool force_prompt = false;
    int family = 0;
    for (int opt; (opt = ::getopt(argc, argv, "46c:dilnps")) != -1;) {
        switch (opt) {
        case '4': family = 4; break;
        case '6': family = 6; break;
        case 'c': commands.emplace_back(optarg); break;
        case 'd': break;  // classic's debug level: nothing to show over mode 6
        case 'i': force_prompt = true; break;
        case 'l': commands.emplace_back("listpeers"); break;
        case 'n': numeric = true; break;
        case 'p': commands.emplace_back("peers"); break;
        case 's': commands.emplace_back("dmpeers"); break;
        default:
            std::fprintf(stderr, "usage: %s [-46dilnps] [-c cmd] [host ...]\n", argv[0]);
            return 1;
        }
    }
    std::vector<std::string> hosts(argv + optind, argv + argc);
    if (hosts.empty()) hosts.emplace_back("localhost");
    if (commands.empty() || force_prompt) {
        if (auto server = open_host(hosts[0], family))
            interactive(*server, numeric, force_prompt || ::isatty(0));
        return 0;
    }
    for (const auto& h : hosts) {
        auto server = open_host(h, family);
        if (!server) continue;
        if (hosts.size() > 1) std::printf("--- %s ---\n", h.c_str());
        if (!run_all(*server, commands, numeric)) break;
    }
    return 0;
}
