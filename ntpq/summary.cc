#include "ntpq/summary.hh"

#include <array>
#include <optional>

#include "ntpq/format.hh"
#include "ntpq/client.hh"

namespace ntpq {
namespace {

using T = SummaryType;

const std::array<SummaryCommand, 8>& commands() {
    static const std::array<SummaryCommand, 8> table{{
        {"sysinfo",
         {{"peeradr", "system peer:      ", T::addr_port},
          {"peermode", "system peer mode: ", T::mode},
          {"leap", "leap indicator:   ", T::leap},
          {"stratum", "stratum:          ", T::text},
          {"precision", "log2 precision:   ", T::text},
          {"rootdelay", "root delay:       ", T::text},
          {"rootdisp", "root dispersion:  ", T::text},
          {"refid", "reference ID:     ", T::text},
          {"reftime", "reference time:   ", T::time},
          {"sys_jitter", "system jitter:    ", T::text},
          {"clk_jitter", "clock jitter:     ", T::text},
          {"clk_wander", "clock wander:     ", T::text},
          {"bcastdelay", "broadcast delay:  ", T::text},
          {"authdelay", "symm. auth. delay:", T::text}},
         false,
         true},
        {"sysstats",
         {{"ss_uptime", "uptime:               ", T::text},
          {"ss_reset", "sysstats reset:       ", T::text},
          {"ss_received", "packets received:     ", T::text},
          {"ss_thisver", "current version:      ", T::text},
          {"ss_oldver", "older version:        ", T::text},
          {"ss_badformat", "bad length or format: ", T::text},
          {"ss_badauth", "authentication failed:", T::text},
          {"ss_declined", "declined:             ", T::text},
          {"ss_restricted", "restricted:           ", T::text},
          {"ss_limited", "rate limited:         ", T::text},
          {"ss_kodsent", "KoD responses:        ", T::text},
          {"ss_processed", "processed for time:   ", T::text}},
         false,
         false},
        {"kerninfo",
         {{"koffset", "pll offset:          ", T::text},
          {"kfreq", "pll frequency:       ", T::text},
          {"kmaxerr", "maximum error:       ", T::text},
          {"kesterr", "estimated error:     ", T::text},
          {"kstflags", "kernel status:       ", T::text},
          {"ktimeconst", "pll time constant:   ", T::text},
          {"kprecis", "precision:           ", T::text},
          {"kfreqtol", "frequency tolerance: ", T::text},
          {"kppsfreq", "pps frequency:       ", T::text},
          {"kppsstab", "pps stability:       ", T::text},
          {"kppsjitter", "pps jitter:          ", T::text},
          {"kppscalibdur", "calibration interval ", T::text},
          {"kppscalibs", "calibration cycles:  ", T::text},
          {"kppsjitexc", "jitter exceeded:     ", T::text},
          {"kppsstbexc", "stability exceeded:  ", T::text},
          {"kppscaliberrs", "calibration errors:  ", T::text}},
         false,
         true},
        {"monstats",
         {{"mru_enabled", "enabled:            ", T::text},
          {"mru_depth", "addresses:          ", T::text},
          {"mru_deepest", "peak addresses:     ", T::text},
          {"mru_maxdepth", "maximum addresses:  ", T::text},
          {"mru_mindepth", "reclaim above count:", T::text},
          {"mru_maxage", "reclaim older than: ", T::text},
          {"mru_mem", "kilobytes:          ", T::text},
          {"mru_maxmem", "maximum kilobytes:  ", T::text}},
         false,
         false},
        {"iostats",
         {{"iostats_reset", "time since reset:     ", T::text},
          {"total_rbuf", "receive buffers:      ", T::text},
          {"free_rbuf", "free receive buffers: ", T::text},
          {"used_rbuf", "used receive buffers: ", T::text},
          {"rbuf_lowater", "low water refills:    ", T::text},
          {"io_dropped", "dropped packets:      ", T::text},
          {"io_ignored", "ignored packets:      ", T::text},
          {"io_received", "received packets:     ", T::text},
          {"io_sent", "packets sent:         ", T::text},
          {"io_sendfailed", "packet send failures: ", T::text},
          {"io_wakeups", "input wakeups:        ", T::text},
          {"io_goodwakeups", "useful input wakeups: ", T::text}},
         false,
         false},
        {"timerstats",
         {{"timerstats_reset", "time since reset:  ", T::text},
          {"timer_overruns", "timer overruns:    ", T::text},
          {"timer_xmts", "calls to transmit: ", T::text}},
         false,
         false},
        {"authinfo",
         {{"authreset", "time since reset:", T::text},
          {"authkeys", "stored keys:     ", T::text},
          {"authfreek", "free keys:       ", T::text},
          {"authklookups", "key lookups:     ", T::text},
          {"authknotfound", "keys not found:  ", T::text},
          {"authkuncached", "uncached keys:   ", T::text},
          {"authkexpired", "expired keys:    ", T::text},
          {"authencrypts", "encryptions:     ", T::text},
          {"authdecrypts", "decryptions:     ", T::text}},
         false,
         false},
        {"pstats",
         {{"src", "remote host:         ", T::addr_pair},
          {"dst", "local address:       ", T::addr_pair},
          {"timerec", "time last received:  ", T::text},
          {"timer", "time until next send:", T::text},
          {"timereach", "reachability change: ", T::text},
          {"sent", "packets sent:        ", T::text},
          {"received", "packets received:    ", T::text},
          {"badauth", "bad authentication:  ", T::text},
          {"bogusorg", "bogus origin:        ", T::text},
          {"oldpkt", "duplicate:           ", T::text},
          {"seldisp", "bad dispersion:      ", T::text},
          {"selbroken", "bad reference time:  ", T::text},
          {"candidate", "candidate order:     ", T::text}},
         true,
         true},
    }};
    return table;
}

struct Collected {
    std::optional<std::string> text;
    ntp::wire::NtpTimestamp time;
    ntp::io::Endpoint endpoint;  // family none until set
};

}  // namespace

const SummaryCommand* find_summary_command(std::string_view name) {
    for (const auto& c : commands())
        if (c.name == name) return &c;
    return nullptr;
}

std::string summary_request(const SummaryCommand& cmd) {
    std::string out;
    auto add = [&out](std::string_view name) {
        if (!out.empty()) out += ',';
        out += name;
    };
    for (const auto& f : cmd.fields) {
        if (f.type == T::addr_pair) {
            add(std::string(f.tag) + "adr");
            add(std::string(f.tag) + "port");
        } else {
            add(f.tag);
        }
    }
    return out;
}

std::string format_summary(const SummaryCommand& cmd, std::string_view data, const Namer& namer,
                           ntp::wire::NtpTime now, bool local_time, std::string* warnings) {
    std::vector<Collected> values(cmd.fields.size());
    for (const auto& v : parse_vars(data)) {
        for (std::size_t i = 0; i < cmd.fields.size(); ++i) {
            const auto& f = cmd.fields[i];
            auto& slot = values[i];
            if (f.type == T::addr_pair) {
                if (v.name.size() <= f.tag.size() || v.name.compare(0, f.tag.size(), f.tag) != 0)
                    continue;
                const std::string_view suffix = std::string_view(v.name).substr(f.tag.size());
                if (suffix == "adr") {
                    if (auto e = decode_netnum(v.value)) slot.endpoint.addr = e->addr;
                    else if (warnings) *warnings += "malformed " + std::string(f.tag) + "=" + v.value + "\n";
                } else if (suffix == "port") {
                    if (auto p = decode_uint(v.value); p && *p <= 65535)
                        slot.endpoint.port = static_cast<std::uint16_t>(*p);
                } else {
                    continue;
                }
                break;
            }
            if (v.name != f.tag) continue;
            switch (f.type) {
            case T::text: {
                std::string_view s = v.value;
                if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
                slot.text = std::string(s);
                break;
            }
            case T::mode:
            case T::leap:
                slot.text = v.value;
                break;
            case T::time:
                if (auto ts = decode_timestamp(v.value)) slot.time = *ts;
                break;
            case T::addr_port:
                if (auto e = decode_netnum(v.value)) slot.endpoint = *e;
                else if (warnings) *warnings += "malformed " + std::string(f.tag) + "=" + v.value + "\n";
                break;
            case T::addr_pair:
                break;
            }
            break;
        }
    }

    std::string out;
    for (std::size_t i = 0; i < cmd.fields.size(); ++i) {
        const auto& f = cmd.fields[i];
        const auto& slot = values[i];
        std::string value;
        switch (f.type) {
        case T::text:
            if (!slot.text) continue;
            value = cat_v(*slot.text, true);
            break;
        case T::mode:
            value = mode_name(slot.text ? decode_int(*slot.text).value_or(0) : 0);
            break;
        case T::leap: {
            static constexpr const char* bits[] = {"00", "01", "10", "11"};
            value = bits[(slot.text ? decode_uint(*slot.text).value_or(0) : 0) & 0x3];
            break;
        }
        case T::time:
            value = pretty_date(slot.time, now, local_time);
            break;
        case T::addr_port:
        case T::addr_pair:
            if (slot.endpoint.addr.family == ntp::io::Family::none) {
                ntp::io::Endpoint zero;
                zero.addr = ntp::io::IpAddress::any(ntp::io::Family::v4);
                zero.port = slot.endpoint.port;
                value = address_port_text(zero);
            } else {
                value = namer.host_port(slot.endpoint);
            }
            break;
        }
        out += std::string(f.label) + "  " + value + "\n";
    }
    return out;
}

}  // namespace ntpq
