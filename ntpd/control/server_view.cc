#include "ntpd/control/server_view.hh"

#include "libntp/wire/ntp_time.hh"

namespace ntpd {

namespace {

std::uint64_t ntp_of(double unix_s) {
    return ntp::wire::NtpTime::from_unix_seconds(unix_s).timestamp().raw();
}

std::string match_words(std::uint32_t match) {
    std::string out;
    if (match & rmatch::ntpport) out += "ntpport";
    if (match & rmatch::interface) out += out.empty() ? "interface" : " interface";
    if (match & rmatch::source) out += out.empty() ? "source" : " source";
    return out;
}

}  // namespace

control::MruRow mru_row(const MruEntry& e) {
    control::MruRow r;
    r.remote = e.source;
    r.local = e.local;
    r.first_ntp = ntp_of(e.first_s);
    r.last_ntp = ntp_of(e.last_s);
    r.count = e.count;
    r.mode_version = e.mode_version();
    r.restrict_flags = e.restrict_flags;
    return r;
}

void visit_mru_rows(const MruList& mru, const std::function<bool(const control::MruRow&)>& visit) {
    mru.for_each_oldest_first([&](const MruEntry& e) { return visit(mru_row(e)); });
}

control::MruStats mru_stats(const MruList& mru, std::uint32_t enabled) {
    control::MruStats s;
    s.enabled = enabled;
    s.depth = mru.depth();
    s.deepest = mru.deepest();
    s.min_depth = mru.min_depth();
    s.max_age_s = static_cast<std::int64_t>(mru.max_age_s());
    s.max_depth = mru.max_depth();
    s.mem_kb = mru.mem_kb();
    s.max_mem_kb = mru.max_mem_kb();
    return s;
}

std::vector<control::RestrictionRow> restriction_rows(const RestrictList& list) {
    std::vector<control::RestrictionRow> rows;
    for (auto family : {ntp::io::Family::v4, ntp::io::Family::v6}) {
        for (const auto& r : list.rules(family)) {
            control::RestrictionRow row;
            row.address = r.address;
            row.mask = r.mask;
            row.hits = r.hits;
            std::string m = match_words(r.match);
            std::string f = restrict_flags_text(r.flags);
            row.flags = m.empty() ? f : (f.empty() ? m : m + " " + f);
            rows.push_back(row);
        }
    }
    return rows;
}

void fill_sys_stats(const ResponderCounters& c, control::SysStats& out) {
    out.received = c.received;
    out.current_version = c.current_version;
    out.old_version = c.old_version;
    out.bad_format = c.bad_format;
    out.bad_auth = c.bad_auth;
    out.declined = c.declined;
    out.restricted = c.restricted;
    out.limited = c.limited;
    out.kod_sent = c.kod_sent;
    out.processed = c.processed;
}

}  // namespace ntpd
