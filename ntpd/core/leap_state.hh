#pragma once
// ntpd's leap second state (ntpd.md §9): where the next leap comes from, when
// it is announced, when the clock executes it, and what mode 6 shows.
//
// Sources, as classic ntpd 4.2.8:
//   * the `leapfile` (leap-seconds.list), authoritative while not expired;
//     re-read when it changes (checked hourly) and on SIGHUP;
//   * otherwise the survivors' leap bits: more than half of them with LI 01
//     (or 10), or any refclock survivor, schedule a leap for the end of the
//     current month (not in the first hour of a month). Once scheduled it
//     stays, as in classic.
//
// Timeline of a leap at UTC midnight M (the transition: the first second
// with the new TAI offset):
//   from the first day of the month before M   `leap_armed` event
//   M - 24 h .. M                              announced: LI 01 (insert) or 10
//                                              (delete) in replies and mode 6
//                                              `leap`; the clock is armed
//                                              (Clock::arm_leap: STA_INS/STA_DEL)
//   M                                          the clock repeats 23:59:59 (or
//                                              skips it) by itself, like the
//                                              kernel ("electric" mode)
//   first tick at or after M                   `leap_event`, the clock disarmed,
//                                              TAI offset +1, LI back to 00
// The daemon does not see the leap as an offset: servers leap at the same
// moment. The clock reading jumps by -1 s against CLOCK_MONOTONIC; the core
// asks take_leap_jump() before taking that for a foreign step, and samples
// whose exchange lies within 3 s of M are not used (near_leap()).
//
// Differences from classic: the clock is armed whatever `enable kernel` says
// (Linux executes STA_INS without its PLL), so there is no "dumb mode" where
// ntpd steps the clock back itself; a clock that cannot arm is reported and
// the discipline then corrects the second as an ordinary offset. A leap
// scheduled by the peers' vote is logged as the system `leap_armed` event.

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "libntp/clock/clock.hh"
#include "libntp/sync/leap_file.hh"
#include "ntpd/core/system_state.hh"

namespace ntpd {

class PeerManager;

// What the core logs after a LeapState call.
struct LeapActions {
    std::vector<std::pair<SystemEvent, std::string>> events;  // system events with their detail text
    std::vector<ntp::sync::LeapMessage> messages;
};

// The survivors' leap bits (classic clock_select's leap vote).
struct LeapVotes {
    int insert = 0;
    int remove = 0;
    int survivors = 0;
};
LeapVotes count_leap_votes(const PeerManager& peers);

class LeapState {
public:
    // `leapfile`: the configured path; empty or nullopt: no leap file.
    // `may_arm_clock` false (`disable ntp`, -q): the leap is announced but the
    // clock is never asked to execute it.
    explicit LeapState(std::optional<std::string> leapfile, bool may_arm_clock = true);

    // Reads the leap file: at start and on SIGHUP (`force`), or when it
    // changed since the last read. Logs classic's load messages, the `TAI`
    // event and the expiry warning. A rejected file keeps the table loaded
    // before, if any.
    LeapActions load(std::int64_t now_unix_s, bool force);

    // Once a second with the clock reading and the steady time (for the
    // hourly file check). Schedules, announces, arms the clock and notices
    // the leap having happened. `votes` matter only without a valid file.
    LeapActions tick(const timespec& now, double steady_s, const LeapVotes& votes, ntp::clock::Clock& clock);

    // LI for replies and mode 6 while synchronised: leap::add_second or
    // leap::delete_second in the last day before the leap, else leap::none.
    std::uint8_t announcement() const;

    // A jump of the clock reading (realtime minus monotonic) that is the
    // armed leap being executed: true once per leap, within a few seconds of
    // it. The core then does not treat it as someone else's step.
    bool take_leap_jump(double jump_s, const timespec& now);

    // Is `unix_s` within 3 s of a leap scheduled or just executed? Samples
    // taken then may mix readings from both sides of the leap.
    bool near_leap(double unix_s) const;

    // Mode 6: `tai` (0 = unknown), `leapsec` (the file's last transition) and
    // `expire`, 0 when there is no file.
    int tai_offset_s() const { return tai_offset_s_; }
    std::int64_t table_unix_s() const;
    std::int64_t expire_unix_s() const;
    bool has_table() const { return table_.has_value(); }
    // The next leap being tracked (transition time), for tests and logs.
    std::optional<ntp::sync::LeapTransition> scheduled() const { return next_; }

private:
    std::optional<ntp::sync::LeapTransition> next_from_sources(std::int64_t now_unix_s) const;
    void consider_vote(const LeapVotes& votes, std::int64_t now_unix_s);
    void arm_clock(ntp::clock::Clock& clock, ntp::clock::LeapDirection direction, LeapActions& out);

    std::optional<std::string> path_;
    std::optional<ntp::sync::LeapTable> table_;
    std::optional<std::pair<std::int64_t, std::int64_t>> file_stamp_;  // mtime, ctime of the last read
    std::optional<ntp::sync::LeapTransition> dynamic_;  // scheduled by the peers' vote
    std::optional<ntp::sync::LeapTransition> next_;     // the leap being tracked now
    std::int64_t done_until_unix_s_ = 0;  // leaps at or before this have happened
    std::int64_t last_leap_unix_s_ = 0;   // the last one executed (for near_leap)
    bool armed_event_ = false;            // leap_armed logged for next_
    ntp::clock::LeapDirection clock_armed_ = ntp::clock::LeapDirection::none;
    bool arm_failed_logged_ = false;
    bool may_arm_clock_ = true;
    bool jump_taken_ = false;
    int tai_offset_s_ = 0;
    double next_file_check_steady_s_ = 3600;
    int file_checks_ = 0;
};

}  // namespace ntpd
