#pragma once
// Datagram channels for mode 6 clients: the Channel interface (a connected
// UDP socket in the tools, a scripted fake in tests) and the way a tool opens
// one to a host given on its command line (numeric address first, then a name
// lookup with the canonical name, like classic ntpq's openhost()).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libntp/client/status.hh"
#include "libntp/io/endpoint.hh"
#include "libntp/io/unique_fd.hh"

namespace ntp::client {

class Channel {
public:
    virtual ~Channel() = default;
    enum class Wait { datagram, timeout, interrupted, error };
    struct Received {
        Wait what = Wait::timeout;
        std::vector<std::uint8_t> bytes;
        int error = 0;  // errno for Wait::error
    };
    // 0 on success, else errno.
    virtual int send(std::span<const std::uint8_t> datagram) = 0;
    virtual Received receive(std::chrono::milliseconds timeout) = 0;
};

// A connected UDP socket (classic ntpq connects, so an ICMP port unreachable
// shows up as "read: Connection refused").
class UdpChannel final : public Channel {
public:
    // `error` gets "socket: ..." / "connect: ..." on failure; `err_no`, when
    // given, the errno behind it.
    static std::unique_ptr<UdpChannel> open(const void* sockaddr, unsigned len, int family,
                                            std::string& error, int* err_no = nullptr);
    int send(std::span<const std::uint8_t> datagram) override;
    Received receive(std::chrono::milliseconds timeout) override;

private:
    explicit UdpChannel(ntp::io::UniqueFd fd) : fd_(std::move(fd)) {}
    ntp::io::UniqueFd fd_;
};

// A channel to a named host.
struct Connection {
    std::unique_ptr<Channel> channel;
    std::string display_name;  // canonical name, or the numeric address
    bool numeric = false;      // the name was (or resolved without) a canonical name
    std::optional<ntp::io::IpAddress> address;
};

// Opens a UDP channel to `host` ("10.0.0.1", "::1", "[::1]", "ntp.example")
// on `port`. `family` 0 any, 4 or 6. On failure the Status message is what
// classic ntpq prints: gai_strerror() text for name errors, "socket: ..." or
// "connect: ..." (code = errno) for socket errors, "bad hostname/address:
// Invalid argument" for a bad bracket form.
Result<Connection> connect_udp(const std::string& host, std::uint16_t port = 123, int family = 0);

}  // namespace ntp::client
