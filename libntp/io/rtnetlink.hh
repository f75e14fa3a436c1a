#pragma once
// Linux rtnetlink notifications of local addresses and links coming and
// going, for ntpd's interface tracking.
//
// parse_rtnetlink() turns the octets of one read from a NETLINK_ROUTE socket
// into events; it is pure and bounds-checked (a truncated or malformed
// message ends the parse, never reads past the buffer). RtnetlinkWatch owns
// the non-blocking socket subscribed to RTMGRP_LINK, RTMGRP_IPV4_IFADDR and
// RTMGRP_IPV6_IFADDR; the caller puts its fd in the event loop, so waiting
// for a change costs no timer and no wake-up.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libntp/io/endpoint.hh"
#include "libntp/io/unique_fd.hh"

namespace ntp::io {

enum class RtnlKind {
    new_address,      // RTM_NEWADDR (also sent when an address's flags change)
    deleted_address,  // RTM_DELADDR
    new_link,         // RTM_NEWLINK (created, up, down, renamed)
    deleted_link,     // RTM_DELLINK
    overrun,          // the kernel dropped notifications (ENOBUFS): rescan everything
};

struct RtnlEvent {
    RtnlKind kind = RtnlKind::overrun;
    int ifindex = 0;
    std::string ifname;                // IFA_LABEL or IFLA_IFNAME, when sent
    std::optional<IpAddress> address;  // IFA_LOCAL, else IFA_ADDRESS
    unsigned prefix_len = 0;
    // Address events: IFA_F_* (the 32-bit IFA_FLAGS attribute when present);
    // link events: IFF_* from ifi_flags.
    std::uint32_t flags = 0;

    // IPv6 duplicate address detection is still running: not bindable yet.
    bool tentative() const;
};

// The address and link events in `bytes` (one or more netlink messages, as
// read from the socket); other message types are skipped.
std::vector<RtnlEvent> parse_rtnetlink(std::span<const std::uint8_t> bytes);

class RtnetlinkWatch {
public:
    // Opens and subscribes. nullopt with `error` set (e.g. "socket(AF_NETLINK):
    // Invalid argument" under a network simulator) when it cannot.
    static std::optional<RtnetlinkWatch> open(std::string& error);

    int fd() const { return fd_.get(); }

    // Reads everything queued without blocking. A kernel overrun (ENOBUFS)
    // shows as an `overrun` event; other read errors end the read quietly.
    std::vector<RtnlEvent> read_pending();

private:
    explicit RtnetlinkWatch(UniqueFd fd) : fd_(std::move(fd)) {}
    UniqueFd fd_;
};

}  // namespace ntp::io
