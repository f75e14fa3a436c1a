// ntp-wait: wait for the local ntpd to synchronise (classic's ntp-wait). One
// mode 6 READVAR of the system variables per try through libntp's client;
// the decisions and texts are in wait.hh.

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "libntp/client/channel.hh"
#include "libntp/client/queries.hh"
#include "ntpwait/wait.hh"

namespace {

void write_err(const std::string& s) {
    std::fputs(s.c_str(), stderr);
}

// Reads `rv 0` from localhost like classic's `ntpq -c 'rv 0'`, keeping one
// connection across tries. Failures print what ntpq would on stderr.
class LocalProbe {
public:
    std::optional<std::uint16_t> operator()() {
        if (!client_ && !open()) return std::nullopt;
        auto r = ntp::client::read_vars(*client_, 0);
        if (r) return r->status;
        if (r.status().code() != ntp::client::query_code::local_failure) write_err(r.status().message() + "\n");
        return std::nullopt;
    }

private:
    bool open() {
        auto c = ntp::client::connect_udp("localhost");
        if (!c) {
            write_err("ntp-wait: " + c.status().message() + "\n");
            return false;
        }
        connection_ = std::move(*c);
        client_ = std::make_unique<ntp::client::Mode6Client>(*connection_.channel, connection_.display_name,
                                                              write_err, "ntp-wait");
        return true;
    }

    ntp::client::Connection connection_;
    std::unique_ptr<ntp::client::Mode6Client> client_;
};

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto cl = ntpwait::parse_command_line(args);
    if (!cl.run) {
        std::fputs(cl.out.c_str(), stdout);
        std::fputs(cl.err.c_str(), stderr);
        return cl.exit_code;
    }
    LocalProbe probe;
    return ntpwait::run(
        cl.options, [&probe] { return probe(); },
        [](long long s) {
            for (unsigned left = static_cast<unsigned>(s); left > 0;) left = ::sleep(left);
        },
        [](std::string_view s) {
            std::fwrite(s.data(), 1, s.size(), stdout);
            std::fflush(stdout);
        });
}
