#include "libntp/wire/mode6.hh"

#include <algorithm>
#include <array>

namespace ntp::wire::mode6 {

namespace {

std::uint16_t get16(std::span<const std::uint8_t> b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

void put16(std::span<std::uint8_t> b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}

constexpr std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

// Unknown codes print as "<prefix>_<n>" (classic getcode()).
std::string lookup(unsigned code, std::span<const std::string_view> names, std::string_view prefix) {
    if (code < names.size()) return std::string(names[code]);
    return std::string(prefix) + "_" + std::to_string(code);
}

constexpr std::array<std::string_view, 4> leap_names = {"leap_none", "leap_add_sec",
                                                          "leap_del_sec", "leap_alarm"};
constexpr std::array<std::string_view, 10> sync_names = {
    "sync_unspec",   "sync_pps",   "sync_lf_radio", "sync_hf_radio",   "sync_uhf_radio",
    "sync_local",    "sync_ntp",   "sync_other",    "sync_wristwatch", "sync_telephone"};
constexpr std::array<std::string_view, 16> sys_event_names = {
    "unspecified", "freq_not_set", "freq_set",      "spike_detect", "freq_mode",  "clock_sync",
    "restart",     "panic_stop",   "no_sys_peer",   "leap_armed",   "leap_disarmed",
    "leap_event",  "clock_step",   "kern",          "TAI",          "stale_leapsecond_values"};
constexpr std::array<std::string_view, 8> select_names = {
    "sel_reject",    "sel_falsetick", "sel_excess",   "sel_outlier",
    "sel_candidate", "sel_backup",    "sel_sys.peer", "sel_pps.peer"};
// Index 0 is "no event"; classic prints nothing for it.
constexpr std::array<std::string_view, 16> peer_event_names = {
    "",           "mobilize",    "demobilize",  "unreachable", "reachable",     "restart",
    "no_reply",   "rate_exceeded", "access_denied", "leap_armed", "sys_peer",   "clock_event",
    "bad_auth",   "popcorn",     "interleave_mode", "interleave_error"};
constexpr std::array<std::string_view, 7> clock_names = {
    "clk_unspec", "clk_no_reply", "clk_bad_format", "clk_fault",
    "clk_bad_signal", "clk_bad_date", "clk_bad_time"};
constexpr std::array<std::string_view, 13> flash_bit_names = {
    "pkt_dup",    "pkt_bogus",   "pkt_unsync",   "pkt_denied", "pkt_auth",
    "pkt_stratum", "pkt_header", "pkt_autokey",  "pkt_crypto", "peer_stratum",
    "peer_dist",  "peer_loop",   "peer_unreach"};

}  // namespace

std::string error_text(std::uint8_t code, std::uint16_t assoc_id) {
    switch (static_cast<ErrorCode>(code)) {
        case ErrorCode::permission:
            return "Server disallowed request (authentication?)";
        case ErrorCode::bad_format:
            return "Server reports a bad format request packet";
        case ErrorCode::bad_op:
            return "Server reports a bad opcode in request";
        case ErrorCode::bad_assoc:
            return "Association ID " + std::to_string(assoc_id) + " unknown to server";
        case ErrorCode::unknown_var:
            return "A request variable unknown to the server";
        case ErrorCode::bad_value:
            return "Server indicates a request variable was bad";
        default:
            return "Server returned an unspecified error";
    }
}

void encode_header(const Header& h, std::span<std::uint8_t, header_len> out) {
    out[0] = static_cast<std::uint8_t>(((h.leap & 0x3u) << 6) | ((h.version & 0x7u) << 3) |
                                       (h.mode & 0x7u));
    out[1] = static_cast<std::uint8_t>((h.response ? 0x80u : 0u) | (h.error ? 0x40u : 0u) |
                                       (h.more ? 0x20u : 0u) | (h.opcode & 0x1fu));
    put16(out, 2, h.sequence);
    put16(out, 4, h.status);
    put16(out, 6, h.assoc_id);
    put16(out, 8, h.offset);
    put16(out, 10, h.count);
}

std::optional<Header> decode_header(std::span<const std::uint8_t> d) {
    if (d.size() < header_len) return std::nullopt;
    Header h;
    h.leap = static_cast<std::uint8_t>(d[0] >> 6);
    h.version = static_cast<std::uint8_t>((d[0] >> 3) & 0x7);
    h.mode = static_cast<std::uint8_t>(d[0] & 0x7);
    h.response = (d[1] & 0x80) != 0;
    h.error = (d[1] & 0x40) != 0;
    h.more = (d[1] & 0x20) != 0;
    h.opcode = static_cast<std::uint8_t>(d[1] & 0x1f);
    h.sequence = get16(d, 2);
    h.status = get16(d, 4);
    h.assoc_id = get16(d, 6);
    h.offset = get16(d, 8);
    h.count = get16(d, 10);
    return h;
}

std::optional<Mac> find_mac(std::span<const std::uint8_t> d, std::uint16_t count) {
    const std::size_t proper_len = round_up(header_len + count, 8);
    if (d.size() % 4 != 0 || d.size() < proper_len) return std::nullopt;
    const std::size_t mac_len = d.size() - proper_len;
    if (mac_len < min_mac_len || mac_len > max_mac_len) return std::nullopt;
    Mac m;
    m.key_id = (std::uint32_t{d[proper_len]} << 24) | (std::uint32_t{d[proper_len + 1]} << 16) |
               (std::uint32_t{d[proper_len + 2]} << 8) | d[proper_len + 3];
    m.digest = d.subspan(proper_len + 4);
    m.signed_bytes = d.first(proper_len);
    return m;
}

std::optional<Message> decode_message(std::span<const std::uint8_t> d) {
    auto h = decode_header(d);
    if (!h || h->count > d.size() - header_len) return std::nullopt;
    Message m;
    m.header = *h;
    m.data = d.subspan(header_len, h->count);
    m.mac = find_mac(d, h->count);
    return m;
}

bool reply_length_ok(std::size_t datagram_len, std::uint16_t count) {
    return datagram_len % 4 == 0 && datagram_len >= round_up(header_len + count, 4);
}

std::vector<std::uint8_t> encode_message(const Header& h, std::span<const std::uint8_t> data) {
    const std::size_t n = std::min<std::size_t>(data.size(), 0xffff);
    std::vector<std::uint8_t> out(round_up(header_len + n, 4), 0);
    Header hh = h;
    hh.count = static_cast<std::uint16_t>(n);
    encode_header(hh, std::span<std::uint8_t, header_len>(out.data(), header_len));
    std::copy_n(data.begin(), n, out.begin() + header_len);
    return out;
}

void pad_for_mac(std::vector<std::uint8_t>& d) { d.resize(round_up(d.size(), 8), 0); }

void append_mac(std::vector<std::uint8_t>& d, std::uint32_t key_id,
                std::span<const std::uint8_t> digest) {
    d.push_back(static_cast<std::uint8_t>(key_id >> 24));
    d.push_back(static_cast<std::uint8_t>(key_id >> 16));
    d.push_back(static_cast<std::uint8_t>(key_id >> 8));
    d.push_back(static_cast<std::uint8_t>(key_id));
    d.insert(d.end(), digest.begin(), digest.end());
}

// ---------------------------------------------------------------------------

ResponseBuilder::ResponseBuilder(const Header& reply, std::size_t max_data)
    : reply_(reply), max_data_(std::clamp<std::size_t>(max_data, 8, max_data_len)) {
    reply_.response = true;
    reply_.error = false;
    current_.reserve(max_data_);
}

void ResponseBuilder::add_item(std::string_view item) {
    put(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(item.data()),
                                      item.size()),
        true);
}

void ResponseBuilder::add_binary(std::span<const std::uint8_t> bytes) { put(bytes, false); }

// Classic ctl_putdata(): the separator goes in first; when the item together
// with 3 spare octets (room for a later ",\r\n") does not fit, the fragment is
// filled up to the limit with the start of the item and sent with M set. An
// item that fits but leaves fewer than 3 octets is still flushed, so the next
// fragment may be short of 468 octets; clients rely only on offsets.
void ResponseBuilder::put(std::span<const std::uint8_t> bytes, bool text) {
    const std::size_t overhead = text ? 3 : 0;
    if (text) {
        text_ = true;
        if (item_sent_) {
            // Only reachable when binary and text are mixed; classic never does.
            if (current_.size() + 3 > max_data_) flush(true);
            current_.push_back(',');
            ++line_len_;
            if (bytes.size() + line_len_ + 1 >= 72) {
                current_.push_back('\r');
                current_.push_back('\n');
                line_len_ = 0;
            } else {
                current_.push_back(' ');
                ++line_len_;
            }
        }
    }
    while (bytes.size() + overhead + current_.size() > max_data_) {
        const std::size_t n = std::min(bytes.size(), max_data_ - current_.size());
        current_.insert(current_.end(), bytes.begin(), bytes.begin() + static_cast<long>(n));
        bytes = bytes.subspan(n);
        line_len_ += n;
        flush(true);
    }
    current_.insert(current_.end(), bytes.begin(), bytes.end());
    line_len_ += bytes.size();
    item_sent_ = true;
}

void ResponseBuilder::flush(bool more) {
    if (!more && text_ && current_.size() + 2 <= max_data_) {
        current_.push_back('\r');
        current_.push_back('\n');
    }
    Header h = reply_;
    h.more = more;
    h.offset = static_cast<std::uint16_t>(offset_);
    done_.push_back(encode_message(h, current_));
    offset_ += current_.size();
    current_.clear();
}

std::size_t ResponseBuilder::fragments() const {
    return done_.size() + (current_.empty() ? 0 : 1);
}

std::size_t ResponseBuilder::data_size() const { return offset_ + current_.size(); }

std::vector<std::vector<std::uint8_t>> ResponseBuilder::finish() {
    flush(false);
    auto out = std::move(done_);
    done_.clear();
    offset_ = 0;
    line_len_ = 0;
    item_sent_ = false;
    text_ = false;
    return out;
}

// ---------------------------------------------------------------------------

Reassembler::Reassembler(std::size_t max_fragments, std::size_t max_bytes)
    : max_fragments_(max_fragments), max_bytes_(max_bytes) {}

Reassembler::Result Reassembler::add(const Message& m) {
    return add(m.header.offset, m.data, m.header.more);
}

Reassembler::Result Reassembler::add(std::uint16_t offset, std::span<const std::uint8_t> data,
                                     bool more) {
    if (data.empty() && more) return Result::empty_more;
    const std::size_t begin = offset;
    const std::size_t end = begin + data.size();
    if (end > max_bytes_) return Result::out_of_bounds;
    if (end_ && !more) return Result::duplicate;  // a second last fragment
    if (end_ && end > *end_) return Result::after_last;
    auto pos = std::lower_bound(frags_.begin(), frags_.end(), begin,
                                [](const Frag& f, std::size_t o) { return f.offset < o; });
    if (pos != frags_.end() && pos->offset == begin) return Result::duplicate;
    if (pos != frags_.end() && pos->offset < end) return Result::overlap;
    if (pos != frags_.begin()) {
        const auto& prev = *(pos - 1);
        if (prev.offset + prev.bytes.size() > begin) return Result::overlap;
    }
    if (!more) {
        // Data already held beyond the announced end makes the set inconsistent.
        if (!frags_.empty() &&
            frags_.back().offset + frags_.back().bytes.size() > end)
            return Result::after_last;
    }
    if (frags_.size() >= max_fragments_) return Result::too_many;
    frags_.insert(pos, Frag{begin, std::vector<std::uint8_t>(data.begin(), data.end())});
    if (!more) end_ = end;
    return complete() ? Result::complete : Result::accepted;
}

bool Reassembler::complete() const {
    if (!end_) return false;
    std::size_t at = 0;
    for (const auto& f : frags_) {
        if (f.offset != at) return false;
        at += f.bytes.size();
    }
    return at == *end_;
}

std::vector<std::uint8_t> Reassembler::data() const {
    std::vector<std::uint8_t> out;
    for (const auto& f : frags_) out.insert(out.end(), f.bytes.begin(), f.bytes.end());
    return out;
}

void Reassembler::reset() {
    frags_.clear();
    end_.reset();
}

// ---------------------------------------------------------------------------

std::uint16_t encode(const SystemStatus& s) {
    return static_cast<std::uint16_t>(((s.leap & 0x3u) << 14) | ((s.source & 0x3fu) << 8) |
                                      ((s.event_count & 0xfu) << 4) | (s.last_event & 0xfu));
}

SystemStatus decode_system_status(std::uint16_t w) {
    return SystemStatus{static_cast<std::uint8_t>(w >> 14),
                        static_cast<std::uint8_t>((w >> 8) & 0x3f),
                        static_cast<std::uint8_t>((w >> 4) & 0xf),
                        static_cast<std::uint8_t>(w & 0xf)};
}

std::uint16_t encode(const PeerStatus& s) {
    const unsigned high = (s.configured ? 0x80u : 0u) | (s.auth_enabled ? 0x40u : 0u) |
                          (s.authentic ? 0x20u : 0u) | (s.reachable ? 0x10u : 0u) |
                          (s.broadcast ? 0x08u : 0u) | (s.select & 0x7u);
    return static_cast<std::uint16_t>((high << 8) | ((s.event_count & 0xfu) << 4) |
                                      (s.last_event & 0xfu));
}

PeerStatus decode_peer_status(std::uint16_t w) {
    const unsigned high = w >> 8;
    PeerStatus s;
    s.configured = (high & 0x80) != 0;
    s.auth_enabled = (high & 0x40) != 0;
    s.authentic = (high & 0x20) != 0;
    s.reachable = (high & 0x10) != 0;
    s.broadcast = (high & 0x08) != 0;
    s.select = static_cast<std::uint8_t>(high & 0x7);
    s.event_count = static_cast<std::uint8_t>((w >> 4) & 0xf);
    s.last_event = static_cast<std::uint8_t>(w & 0xf);
    return s;
}

std::uint16_t encode(const ClockStatus& s) {
    return static_cast<std::uint16_t>(((s.last_event & 0xfu) << 4) | (s.status & 0xfu));
}

ClockStatus decode_clock_status(std::uint16_t w) {
    return ClockStatus{static_cast<std::uint8_t>(w & 0xf), static_cast<std::uint8_t>((w >> 4) & 0xf)};
}

std::string leap_name(unsigned code) { return lookup(code, leap_names, "leap"); }
std::string sync_source_name(unsigned code) { return lookup(code, sync_names, "sync"); }
std::string system_event_name(unsigned code) { return lookup(code, sys_event_names, ""); }
std::string select_name(unsigned code) { return lookup(code, select_names, "sel"); }
std::string peer_event_name(unsigned code) { return lookup(code, peer_event_names, ""); }
std::string clock_status_name(unsigned code) { return lookup(code, clock_names, "clk"); }

std::string event_count_text(unsigned count) {
    if (count == 0) return "no events";
    return std::to_string(count) + (count == 1 ? " event" : " events");
}

std::string describe_system_status(std::uint16_t w) {
    const auto s = decode_system_status(w);
    return leap_name(s.leap) + ", " + sync_source_name(s.source) + ", " +
           event_count_text(s.event_count) + ", " + system_event_name(s.last_event);
}

// Classic statustoa(): flag words joined by ", ", then ", " and the select
// name even when no flag is set (so an ephemeral unreachable association reads
// ", sel_reject, ..." in classic ntpq; we keep that byte for byte).
std::string describe_peer_status(std::uint16_t w) {
    const auto s = decode_peer_status(w);
    std::string out;
    auto flag = [&out](bool on, std::string_view word) {
        if (!on) return;
        if (!out.empty()) out += ", ";
        out += word;
    };
    flag(s.configured, "conf");
    flag(s.auth_enabled, "authenb");
    flag(s.authentic, "auth");
    flag(s.reachable, "reach");
    flag(s.broadcast, "bcast");
    out += ", " + select_name(s.select) + ", " + event_count_text(s.event_count);
    if (s.last_event != peer_event::none) out += ", " + peer_event_name(s.last_event);
    return out;
}

// Classic ntpq decodes the clock word with the system layout: an "event
// count" from bits 7..4 (where ntpd put the last event code) and the status
// from the low nibble ("0000" -> "no events, clk_unspec").
std::string describe_clock_status(std::uint16_t w) {
    return event_count_text((w >> 4) & 0xf) + ", " + clock_status_name(w & 0xf);
}

std::vector<std::string_view> flash_names(std::uint32_t flash) {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < flash_bit_names.size(); ++i)
        if (flash & (1u << i)) out.push_back(flash_bit_names[i]);
    return out;
}

}  // namespace ntp::wire::mode6
