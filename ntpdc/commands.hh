#pragma once
// ntpdc's command interpreter: classic's command names with its unique
// prefix matching ("sysst" is sysstats, "p" is ambiguous), the read-only
// commands mode 6 can answer (listpeers, peers, dmpeers, sysstats), and for
// every other classic command one line saying it needs mode 7, which ntpd
// from this suite does not answer. Like classic, a failed command prints on
// stderr and the program still exits 0.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libntp/client/queries.hh"
#include "ntpdc/report.hh"

namespace ntpdc {

// Where the commands get their data: a Mode6Client in the program, a table
// in tests.
class Server {
public:
    virtual ~Server() = default;
    virtual ntp::client::Result<std::vector<ntp::client::Association>> associations() = 0;
    virtual ntp::client::Result<ntp::client::VarReply> vars(std::uint16_t assoc_id, std::string_view names) = 0;
};

struct Output {
    std::string out;
    std::string err;
    bool quit = false;  // `quit` / `exit`
};

// Runs one command line ("peers", "listpeers 4", "sysstats") against
// `server`; names are shown through `name`.
Output run_command(std::string_view line, Server& server, const HostName& name);

// "***Command `X' unknown", "***Command `X' ambiguous", or the full name.
std::string resolve_command(std::string_view word, std::string& error);

}  // namespace ntpdc
