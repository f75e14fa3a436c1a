#pragma once
// The one-shot clients' (ntpdate, sntp) contact with the network: resolving
// server names (synchronously: a one-shot tool has nothing else to do
// meanwhile) and their sockets.

#include <optional>
#include <string>
#include <vector>

#include "libntp/io/endpoint.hh"
#include "libntp/io/udp_socket.hh"

namespace ntp::oneshot {

// -4 / -6: which address family the names resolve to.
enum class AddressFamily { any, v4, v6 };

struct Resolution {
    int gai_error = 0;                      // 0 or an EAI_* code
    std::string error_text;                 // gai_strerror()
    std::vector<ntp::io::Endpoint> addresses;  // every address, port 123, in order
    // EAI_AGAIN / EAI_FAIL: the name server itself is unusable (classic exits).
    bool name_server_failed() const;
};

// getaddrinfo(name, "ntp") (service "123" if "ntp" is unknown), UDP only.
Resolution resolve(const std::string& name, AddressFamily family);

// Classic's is_reachable(): a UDP connect() to the address succeeds (there
// is a route). Sends nothing.
bool is_reachable(const ntp::io::Endpoint& address);

// The sockets requests go out on, one per address family.
struct SocketSet {
    std::optional<ntp::io::UdpSocket> v4;
    std::optional<ntp::io::UdpSocket> v6;
    ntp::io::UdpSocket* for_family(ntp::io::Family f);
};

struct SocketSetup {
    SocketSet sockets;
    // Classic's texts, LOG_ERR and exit 1: "the NTP socket is in use,
    // exiting" or "bind() fails: <errno text>". Empty on success.
    std::string fatal_error;
};

// `bind_ntp_port`: normal mode binds the wildcard address, port 123, with
// SO_REUSEADDR (so a daemon that keeps port 123 without SO_REUSEADDR makes
// the bind fail with EADDRINUSE), for both families unless -4/-6. Otherwise
// (-q, -d, -u) each needed family gets an ephemeral port.
SocketSetup open_sockets(bool bind_ntp_port, AddressFamily family, bool need_v4, bool need_v6);

}  // namespace ntp::oneshot
