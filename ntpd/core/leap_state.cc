#include "ntpd/core/leap_state.hh"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "ntpd/core/peer_manager.hh"

namespace ntpd {
namespace {

using ntp::clock::LeapDirection;
using ntp::sync::LeapTransition;

constexpr std::int64_t seconds_per_day = 86400;
constexpr double file_check_interval_s = 3600;  // classic: hourly, with a daily full check
constexpr int checks_per_day = 24;
constexpr double near_leap_s = 3;     // samples this close to the leap are not used
constexpr double jump_window_s = 5;   // the leap's jump is expected this close to it
constexpr double jump_tolerance_s = 0.2;

std::tm utc(std::int64_t unix_s) {
    const std::time_t t = static_cast<std::time_t>(unix_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
}

std::int64_t month_start(int year, int month0) {
    std::tm tm{};
    tm.tm_year = year - 1900 + (month0 < 0 ? -1 : month0 / 12);
    tm.tm_mon = (month0 % 12 + 12) % 12;
    tm.tm_mday = 1;
    return static_cast<std::int64_t>(timegm(&tm));
}

// Classic takes notice of a leap from the first day of the month before it.
std::int64_t schedule_start(std::int64_t transition_unix_s) {
    const std::tm tm = utc(transition_unix_s);
    return month_start(tm.tm_year + 1900, tm.tm_mon - 1);
}

std::optional<std::pair<std::int64_t, std::int64_t>> stat_stamp(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return std::make_pair(static_cast<std::int64_t>(st.st_mtime), static_cast<std::int64_t>(st.st_ctime));
}

void append(LeapActions& to, LeapActions&& from) {
    for (auto& e : from.events) to.events.push_back(std::move(e));
    for (auto& m : from.messages) to.messages.push_back(std::move(m));
}

}  // namespace

LeapVotes count_leap_votes(const PeerManager& peers) {
    LeapVotes v;
    bool refclock_insert = false, refclock_remove = false;
    for (const auto& e : peers.entries()) {
        const Peer& p = e->peer;
        if (p.select() != PeerSelect::candidate && p.select() != PeerSelect::sys_peer) continue;
        ++v.survivors;
        const std::uint8_t li = p.header().leap;
        const bool refclock = p.config().is_refclock();
        if (li == leap::add_second) {
            ++v.insert;
            refclock_insert = refclock_insert || refclock;
        } else if (li == leap::delete_second) {
            ++v.remove;
            refclock_remove = refclock_remove || refclock;
        }
    }
    // A refclock's word is the whole vote (classic).
    if (refclock_insert) v.insert = v.survivors;
    if (refclock_remove) v.remove = v.survivors;
    return v;
}

LeapState::LeapState(std::optional<std::string> leapfile, bool may_arm_clock) : may_arm_clock_(may_arm_clock) {
    if (leapfile && !leapfile->empty()) path_ = std::move(leapfile);
}

std::int64_t LeapState::table_unix_s() const {
    if (!table_) return 0;
    return table_->last_transition_unix_s().value_or(0);
}

std::int64_t LeapState::expire_unix_s() const { return table_ ? table_->expires_unix_s : 0; }

LeapActions LeapState::load(std::int64_t now_unix_s, bool force) {
    LeapActions out;
    if (!path_) return out;
    const auto stamp = stat_stamp(*path_);
    if (!stamp) {
        if (force)
            out.messages.push_back({ntp::util::Severity::error,
                                    "leapsecond file ('" + *path_ + "'): stat failed: " + std::strerror(errno)});
        return out;
    }
    if (!force && file_stamp_ == stamp) return out;
    file_stamp_ = stamp;
    auto r = ntp::sync::load_leap_file(*path_);
    out.messages = std::move(r.messages);
    if (!r.table) return out;
    table_ = std::move(r.table);
    next_.reset();
    armed_event_ = false;
    if (const auto last = table_->last_transition_unix_s()) {
        // Classic's TAI event: "37 leap 201701010000 expires 202606280000".
        out.events.push_back({SystemEvent::tai, std::to_string(table_->entries.back().tai_offset_s) + " leap " +
                                                    ntp::sync::leap_filestamp(*last) + " " +
                                                    (table_->expired_at(now_unix_s) ? "expired" : "expires") + " " +
                                                    ntp::sync::leap_filestamp(table_->expires_unix_s)});
    }
    if (auto w = ntp::sync::leap_expiry_warning(*table_, *path_, now_unix_s, true)) out.messages.push_back(*w);
    tai_offset_s_ = table_->tai_offset_at(now_unix_s);
    return out;
}

std::optional<LeapTransition> LeapState::next_from_sources(std::int64_t after_unix_s) const {
    std::optional<LeapTransition> n;
    if (table_) n = table_->next_after(after_unix_s);
    if (dynamic_ && dynamic_->unix_s > after_unix_s && (!n || dynamic_->unix_s < n->unix_s)) n = dynamic_;
    return n;
}

void LeapState::consider_vote(const LeapVotes& votes, std::int64_t now_unix_s) {
    // A valid leap file is authoritative; a scheduled leap is not re-voted.
    if (table_ && !table_->expired_at(now_unix_s)) return;
    if (next_ || (dynamic_ && dynamic_->unix_s > done_until_unix_s_) || votes.survivors <= 0) return;
    int change = 0;
    if (votes.insert > votes.remove && votes.insert > votes.survivors / 2) change = 1;
    if (votes.remove > votes.insert && votes.remove > votes.survivors / 2) change = -1;
    if (change == 0) return;
    const std::tm tm = utc(now_unix_s);
    // Leap bits still set just after a leap must not schedule another.
    if (tm.tm_mday == 1 && tm.tm_hour == 0) return;
    LeapTransition t;
    t.unix_s = month_start(tm.tm_year + 1900, tm.tm_mon + 1);
    if (table_ && table_->last_transition_unix_s() && t.unix_s <= *table_->last_transition_unix_s()) return;
    t.change_s = change;
    t.tai_offset_s = tai_offset_s_ > 0 ? tai_offset_s_ + change : 0;
    dynamic_ = t;
}

void LeapState::arm_clock(ntp::clock::Clock& clock, LeapDirection direction, LeapActions& out) {
    if (direction == clock_armed_) return;
    clock_armed_ = direction;
    if (!may_arm_clock_) return;
    // The current TAI offset: the kernel steps its own copy at the leap.
    const auto r = clock.arm_leap(direction, tai_offset_s_);
    if (!r.ok && !arm_failed_logged_) {
        arm_failed_logged_ = true;
        out.messages.push_back({ntp::util::Severity::warning, "leap second: cannot arm the clock: " + r.error});
    }
}

LeapActions LeapState::tick(const timespec& now, double steady_s, const LeapVotes& votes, ntp::clock::Clock& clock) {
    LeapActions out;
    // The whole second from the timespec itself: a double of the Unix time
    // resolves only ~0.24 us, so a reading a few ns before midnight would
    // round up to M and disarm the clock before it has leapt.
    const auto ts = static_cast<std::int64_t>(now.tv_sec);

    if (path_ && steady_s >= next_file_check_steady_s_) {
        next_file_check_steady_s_ = steady_s + file_check_interval_s;
        const bool daily = ++file_checks_ % checks_per_day == 0;
        LeapActions loaded = load(ts, false);
        const bool reloaded = !loaded.events.empty();
        append(out, std::move(loaded));
        if (table_ && !reloaded)
            if (auto w = ntp::sync::leap_expiry_warning(*table_, *path_, ts, daily)) out.messages.push_back(*w);
    }

    consider_vote(votes, ts);
    // A transition more than a few seconds past (at start, after a step
    // forward) is history, not an event.
    const std::int64_t after = std::max(done_until_unix_s_, ts - static_cast<std::int64_t>(near_leap_s));
    auto n = next_from_sources(after);

    if (next_ && ts >= next_->unix_s && ts < next_->unix_s + static_cast<std::int64_t>(near_leap_s)) {
        // The clock has been through the leap (its reading reached M).
        out.events.push_back({SystemEvent::leap_event, ""});
        done_until_unix_s_ = last_leap_unix_s_ = next_->unix_s;
        next_.reset();
        armed_event_ = false;
        jump_taken_ = false;
        n = next_from_sources(done_until_unix_s_);
    }
    if (n && next_ && n->unix_s == next_->unix_s) n = next_;
    if (next_ && (!n || n->unix_s != next_->unix_s)) {
        if (armed_event_) out.events.push_back({SystemEvent::leap_disarmed, ""});
        armed_event_ = false;
    }
    next_ = n;

    if (next_ && !armed_event_ && ts >= schedule_start(next_->unix_s)) {
        armed_event_ = true;
        out.events.push_back({SystemEvent::leap_armed, ""});
    }
    LeapDirection want = LeapDirection::none;
    if (next_ && ts >= next_->unix_s - seconds_per_day && ts < next_->unix_s)
        want = next_->change_s > 0 ? LeapDirection::insert : LeapDirection::remove;
    if (table_) tai_offset_s_ = table_->tai_offset_at(ts);
    if (!table_ && done_until_unix_s_ != 0 && dynamic_ && dynamic_->unix_s == done_until_unix_s_ &&
        dynamic_->tai_offset_s > 0)
        tai_offset_s_ = dynamic_->tai_offset_s;
    arm_clock(clock, want, out);
    return out;
}

std::uint8_t LeapState::announcement() const {
    if (clock_armed_ == LeapDirection::insert) return leap::add_second;
    if (clock_armed_ == LeapDirection::remove) return leap::delete_second;
    return leap::none;
}

bool LeapState::take_leap_jump(double jump_s, const timespec& now) {
    if (clock_armed_ == LeapDirection::none || jump_taken_ || !next_) return false;
    const double expected = clock_armed_ == LeapDirection::insert ? -1.0 : 1.0;
    if (std::fabs(ntp::clock::to_seconds(now) - static_cast<double>(next_->unix_s)) > jump_window_s) return false;
    if (std::fabs(jump_s - expected) > jump_tolerance_s) return false;
    jump_taken_ = true;
    return true;
}

bool LeapState::near_leap(double unix_s) const {
    if (next_ && std::fabs(unix_s - static_cast<double>(next_->unix_s)) < near_leap_s) return true;
    return last_leap_unix_s_ != 0 && std::fabs(unix_s - static_cast<double>(last_leap_unix_s_)) < near_leap_s;
}

}  // namespace ntpd
