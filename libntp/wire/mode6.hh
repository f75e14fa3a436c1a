#pragma once
// Mode 6 control messages (RFC 9327 and the behaviour of classic ntpd's
// ntp_control.c): the 12-octet header, padding, MAC
// trailer detection, fragmentation of a response the way classic ntpd cuts it,
// fragment reassembly for clients, and the system / peer / clock status words
// with their classic texts.
//
// Pure codec: no sockets, no clocks, no logging. Every decoder is bounds
// checked and reports malformed input as a value (std::nullopt or a result
// enum); nothing here throws on network input.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ntp::wire::mode6 {

inline constexpr std::size_t header_len = 12;
// CTL_MAX_DATA_LEN: payload octets per datagram; a full fragment is 480 octets.
inline constexpr std::size_t max_data_len = 468;
// Key ID (4) + the longest digest classic accepts (SHA-1, 20).
inline constexpr std::size_t max_mac_len = 24;
inline constexpr std::size_t min_mac_len = 4;
// Largest datagram a compliant peer sends: full fragment + MAC (ntpd's buffer).
inline constexpr std::size_t max_datagram_len = header_len + max_data_len + max_mac_len;
// Classic ntpq MAXFRAGS: a response of more fragments is "too much data".
inline constexpr std::size_t max_frags = 32;
inline constexpr std::uint8_t mode_control = 6;

enum class Opcode : std::uint8_t {
    unspec = 0,
    read_status = 1,   // READSTAT
    read_var = 2,      // READVAR
    write_var = 3,     // WRITEVAR (authenticated)
    read_clock = 4,    // READCLOCK
    write_clock = 5,   // WRITECLOCK (always refused)
    set_trap = 6,      // SETTRAP
    async_msg = 7,     // ASYNCMSG (server to trap receiver only)
    configure = 8,     // CONFIGURE (authenticated)
    save_config = 9,   // SAVECONFIG (authenticated)
    read_mru = 10,     // READ_MRU
    read_ordlist_a = 11,  // READ_ORDLIST_A (authenticated): ifstats, reslist
    req_nonce = 12,    // REQ_NONCE
    unset_trap = 31,   // UNSETTRAP
};

// Error codes, sent in the high octet of Status with the E bit set (§5).
enum class ErrorCode : std::uint8_t {
    unspec = 0,
    permission = 1,
    bad_format = 2,
    bad_op = 3,
    bad_assoc = 4,
    unknown_var = 5,
    bad_value = 6,
    restrict_ = 7,  // defined, unused by classic
};

// Classic ntpq's text for an error code, e.g. "Server disallowed request
// (authentication?)" (without the leading "***"). Unknown codes give
// "Server returned an unspecified error". Code 4 needs the association ID:
// "Association ID 9999 unknown to server".
std::string error_text(std::uint8_t code, std::uint16_t assoc_id);

struct Header {
    std::uint8_t leap = 0;     // 0..3
    std::uint8_t version = 2;  // 0..7 on the wire; servers accept 1..4
    std::uint8_t mode = mode_control;
    bool response = false;     // R
    bool error = false;        // E
    bool more = false;         // M
    std::uint8_t opcode = 0;   // 0..31, kept raw so unknown opcodes survive a round trip
    std::uint16_t sequence = 0;
    std::uint16_t status = 0;
    std::uint16_t assoc_id = 0;
    std::uint16_t offset = 0;  // byte offset of this fragment's data in the response
    std::uint16_t count = 0;   // data octets in this datagram (padding excluded)

    bool operator==(const Header&) const = default;
};

// Writes the 12 header octets (fields masked to their widths).
void encode_header(const Header& h, std::span<std::uint8_t, header_len> out);
// std::nullopt only when fewer than 12 octets are given; no semantic checks.
std::optional<Header> decode_header(std::span<const std::uint8_t> datagram);

// A MAC trailer located by the classic rule (§2.2): properlen = 12 + count
// rounded up to a multiple of 8; the trailer is everything after properlen if
// the datagram length is a multiple of 4 and 4 <= trailer <= 24.
struct Mac {
    std::uint32_t key_id = 0;
    std::span<const std::uint8_t> digest;        // 0..20 octets (0 = crypto-NAK shape)
    std::span<const std::uint8_t> signed_bytes;  // datagram[0, properlen): what the digest covers
};
std::optional<Mac> find_mac(std::span<const std::uint8_t> datagram, std::uint16_t count);

struct Message {
    Header header;
    std::span<const std::uint8_t> data;  // exactly header.count octets
    std::optional<Mac> mac;
};
// Splits a datagram. std::nullopt when shorter than 12 octets or when Count
// exceeds the octets present. Spans point into `datagram`.
std::optional<Message> decode_message(std::span<const std::uint8_t> datagram);

// Length checks a client applies to a reply (§2.5): the datagram is a multiple
// of 4 and at least (12 + count + 3) & ~3 octets.
bool reply_length_ok(std::size_t datagram_len, std::uint16_t count);

// Header + data, zero padded to a multiple of 4. header.count is set from
// data.size(); data longer than 65535 octets is truncated to fit the field.
std::vector<std::uint8_t> encode_message(const Header& h, std::span<const std::uint8_t> data);
inline std::vector<std::uint8_t> encode_message(const Header& h, std::string_view text) {
    return encode_message(
        h, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()),
                                         text.size()));
}

// Authenticating a datagram: pad_for_mac() zero-pads to a multiple of 8 (the
// octets the digest covers), then append_mac() adds the key ID and digest.
//   auto d = encode_message(h, data); pad_for_mac(d);
//   append_mac(d, key_id, compute_digest(key, d));
void pad_for_mac(std::vector<std::uint8_t>& datagram);
void append_mac(std::vector<std::uint8_t>& datagram, std::uint32_t key_id,
                std::span<const std::uint8_t> digest);

// ---------------------------------------------------------------------------
// Server side: build one response and cut it into datagrams exactly as classic
// ntpd does (§2.4): text items separated by ", " or ",\r\n" (a line would reach
// 72 columns), an item may straddle a fragment boundary, every fragment but the
// last has M set, and "\r\n" ends a text response when two octets of room
// remain. Binary data (READSTAT) gets no separators.
class ResponseBuilder {
public:
    // `reply` supplies leap/version/opcode/sequence/status/assoc_id; the R bit
    // is set and offset/count/more are filled per fragment.
    explicit ResponseBuilder(const Header& reply, std::size_t max_data = max_data_len);

    void add_item(std::string_view item);  // "name=value"
    void add_binary(std::span<const std::uint8_t> bytes);

    // Datagrams so far, counting the one being filled if it holds data.
    std::size_t fragments() const;
    // Datagrams completed so far (sent with M set), not counting the one being filled.
    std::size_t flushed() const { return done_.size(); }
    // Octets of data produced so far (all fragments).
    std::size_t data_size() const;

    // Flushes the last fragment (with M clear) and returns every datagram,
    // each zero padded to a multiple of 4 (no MAC; see pad_for_mac). A response
    // with no data is one datagram with Count 0.
    std::vector<std::vector<std::uint8_t>> finish();

private:
    void put(std::span<const std::uint8_t> bytes, bool text);
    void flush(bool more);

    Header reply_;
    std::size_t max_data_;
    std::vector<std::uint8_t> current_;  // data of the fragment being filled
    std::vector<std::vector<std::uint8_t>> done_;
    std::size_t offset_ = 0;             // data offset of current_
    std::size_t line_len_ = 0;
    bool item_sent_ = false;
    bool text_ = false;
};

// ---------------------------------------------------------------------------
// Client side: collect the fragments of one response (§2.5). Fragments may come
// in any order; duplicates and overlaps are ignored; a Count 0 fragment with M
// set is ignored; at most max_frags fragments and max_frags * 468 octets.
class Reassembler {
public:
    enum class Result {
        accepted,         // stored
        complete,         // stored, and the response is now whole
        duplicate,        // same offset seen before: ignored
        overlap,          // overlaps data already held: ignored
        empty_more,       // Count 0 with M set: ignored
        out_of_bounds,    // offset + count beyond the response limit: ignored
        after_last,       // data beyond the end given by the last fragment: ignored
        too_many,         // more than max_frags fragments: the response is unusable
    };

    explicit Reassembler(std::size_t max_fragments = max_frags,
                         std::size_t max_bytes = max_frags * max_data_len);

    // `m.header` gives offset/count/more; m.data holds the octets.
    Result add(const Message& m);
    Result add(std::uint16_t offset, std::span<const std::uint8_t> data, bool more);

    bool complete() const;
    bool empty() const { return frags_.empty(); }
    std::size_t fragment_count() const { return frags_.size(); }
    // The whole response (only meaningful once complete()).
    std::vector<std::uint8_t> data() const;
    void reset();

private:
    struct Frag {
        std::size_t offset;
        std::vector<std::uint8_t> bytes;
    };
    std::size_t max_fragments_;
    std::size_t max_bytes_;
    std::vector<Frag> frags_;          // sorted by offset
    std::optional<std::size_t> end_;   // total length once the M=0 fragment arrived
};

// ---------------------------------------------------------------------------
// Status words (§4).

// LI(2) | clock source(6) | event count(4) | last event(4).
struct SystemStatus {
    std::uint8_t leap = 0;         // 0..3
    std::uint8_t source = 0;       // 0..63
    std::uint8_t event_count = 0;  // 0..15
    std::uint8_t last_event = 0;   // 0..15
    bool operator==(const SystemStatus&) const = default;
};
std::uint16_t encode(const SystemStatus& s);
SystemStatus decode_system_status(std::uint16_t word);

// Peer select codes (low 3 bits of the high octet).
namespace select {
inline constexpr std::uint8_t reject = 0;
inline constexpr std::uint8_t falsetick = 1;
inline constexpr std::uint8_t excess = 2;
inline constexpr std::uint8_t outlier = 3;
inline constexpr std::uint8_t candidate = 4;
inline constexpr std::uint8_t backup = 5;
inline constexpr std::uint8_t sys_peer = 6;
inline constexpr std::uint8_t pps_peer = 7;
}  // namespace select

// Peer event codes (the event nibble).
namespace peer_event {
inline constexpr std::uint8_t none = 0;
inline constexpr std::uint8_t mobilize = 1;
inline constexpr std::uint8_t demobilize = 2;
inline constexpr std::uint8_t unreachable = 3;
inline constexpr std::uint8_t reachable = 4;
inline constexpr std::uint8_t restart = 5;
inline constexpr std::uint8_t no_reply = 6;
inline constexpr std::uint8_t rate_exceeded = 7;
inline constexpr std::uint8_t access_denied = 8;
inline constexpr std::uint8_t leap_armed = 9;
inline constexpr std::uint8_t sys_peer = 10;
inline constexpr std::uint8_t clock_event = 11;
inline constexpr std::uint8_t bad_auth = 12;
inline constexpr std::uint8_t popcorn = 13;
inline constexpr std::uint8_t interleave_mode = 14;
inline constexpr std::uint8_t interleave_error = 15;
}  // namespace peer_event

// conf(0x80) authenb(0x40) auth(0x20) reach(0x10) bcast(0x08) | select(3) in the
// high octet; event count(4) | last event(4) in the low octet.
struct PeerStatus {
    bool configured = false;    // conf
    bool auth_enabled = false;  // authenb: a key is configured
    bool authentic = false;     // auth: last packet's MAC verified
    bool reachable = false;     // reach register != 0
    bool broadcast = false;     // bcast
    std::uint8_t select = 0;    // 0..7
    std::uint8_t event_count = 0;
    std::uint8_t last_event = 0;
    bool operator==(const PeerStatus&) const = default;
};
std::uint16_t encode(const PeerStatus& s);
PeerStatus decode_peer_status(std::uint16_t word);

// Clock status word (READCLOCK) as classic ntpd builds it on the wire
// (ctlclkstatus: CTL_PEER_STATUS(0, lastevent, currentstatus)): high octet 0,
// last event code in bits 7..4, current status code in bits 3..0. Classic
// ntpq reads it with the system layout ("no events, clk_unspec" for 0000).
struct ClockStatus {
    std::uint8_t status = 0;
    std::uint8_t last_event = 0;
    bool operator==(const ClockStatus&) const = default;
};
std::uint16_t encode(const ClockStatus& s);
ClockStatus decode_clock_status(std::uint16_t word);

// Classic texts (libntp/statestr.c). Unknown codes print as "<prefix>_<n>"
// like classic ("sync_12", "sel_9" cannot happen, "clk_9").
std::string leap_name(unsigned code);           // leap_none, leap_add_sec, ...
std::string sync_source_name(unsigned code);    // sync_unspec, sync_ntp, ...
std::string system_event_name(unsigned code);   // unspecified, freq_not_set, ...
std::string select_name(unsigned code);         // sel_reject ... sel_pps.peer
std::string peer_event_name(unsigned code);     // mobilize ... interleave_error
std::string clock_status_name(unsigned code);   // clk_unspec ... clk_bad_time
// "no events", "1 event", "N events".
std::string event_count_text(unsigned count);

// The decoded part of ntpq's "status=%04x <text>," line:
//   system: "leap_alarm, sync_ntp, 1 event, restart"
//   peer:   "conf, reach, sel_sys.peer, 3 events, sys_peer" (event omitted when 0)
//   clock:  "no events, clk_unspec"
std::string describe_system_status(std::uint16_t word);
std::string describe_peer_status(std::uint16_t word);
std::string describe_clock_status(std::uint16_t word);

// Peer `flash` test bits (mode6.md §8): names of the set bits in bit order
// ("pkt_dup", ... "peer_unreach"); empty when none is set (ntpq prints " ok").
std::vector<std::string_view> flash_names(std::uint32_t flash);

}  // namespace ntp::wire::mode6
