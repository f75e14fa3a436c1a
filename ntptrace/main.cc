// ntptrace: trace the chain of NTP servers back to the primary source
// (classic's ntptrace). Mode 6 reads through libntp's client, one
// connection per host; the rules and the output are in trace.hh.

#include <netdb.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "libntp/client/channel.hh"
#include "libntp/client/queries.hh"
#include "ntptrace/trace.hh"

namespace {

void write_err(const std::string& s) {
    std::fputs(s.c_str(), stderr);
}

// One `rv ASSOC NAMES` to a host, as classic's `ntpq -n -c 'rv ...' HOST`:
// errors go to stderr and give nullopt.
std::optional<std::vector<ntp::client::Var>> read_from(const std::string& host, std::uint16_t assoc,
                                                       std::string_view names) {
    auto c = ntp::client::connect_udp(host);
    if (!c) {
        write_err(c.status().code() == -1 ? c.status().message() + "\n"
                                          : "ntptrace: " + c.status().message() + "\n");
        return std::nullopt;
    }
    ntp::client::Mode6Client client(*c->channel, c->display_name, write_err, "ntptrace");
    auto r = ntp::client::read_vars(client, assoc, names);
    if (r) return std::move(r->vars);
    if (r.status().code() != ntp::client::query_code::local_failure) write_err(r.status().message() + "\n");
    return std::nullopt;
}

// ntpq's association argument: a decimal number up to 65535.
std::optional<std::uint16_t> association_id(const std::string& text) {
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    const long v = std::strtol(text.c_str(), nullptr, 10);
    if (v > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(v);
}

// NTP::Util's do_dns: getaddrinfo, then getnameinfo without NI_NAMEREQD (so
// the numeric form when there is no name); a failed lookup ends the program
// as the script's die does.
std::string display_name(const std::string& host) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_RAW;
    addrinfo* res = nullptr;
    if (int e = ::getaddrinfo(host.c_str(), nullptr, &hints, &res); e != 0) {
        write_err(std::string("getaddrinfo failed: ") + ::gai_strerror(e) + "\n");
        std::exit(255);
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, &::freeaddrinfo);
    char name[NI_MAXHOST];
    const int e = ::getnameinfo(res->ai_addr, res->ai_addrlen, name, sizeof name, nullptr, 0, 0);
    if (e != 0) {
        write_err(std::string("getnameinfo failed: ") + ::gai_strerror(e) + "\n");
        std::exit(255);
    }
    return name;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto cl = ntptrace::parse_command_line(args);
    if (!cl.run) {
        std::fputs(cl.out.c_str(), stdout);
        std::fputs(cl.err.c_str(), stderr);
        return cl.exit_code;
    }
    ntptrace::Io io;
    io.read_system = [](const std::string& host) { return read_from(host, 0, {}); };
    io.read_source = [](const std::string& host, const std::string& peer) -> std::optional<std::string> {
        const auto id = association_id(peer);
        if (!id) return std::nullopt;
        auto vars = read_from(host, *id, "srcadr");
        if (!vars) return std::nullopt;
        const auto* v = ntp::client::find_var(*vars, "srcadr");
        if (v == nullptr) return std::nullopt;
        return *v;
    };
    io.display_name = display_name;
    io.out = [](std::string_view s) {
        std::fwrite(s.data(), 1, s.size(), stdout);
        std::fflush(stdout);
    };
    return ntptrace::run(cl.options, io);
}
