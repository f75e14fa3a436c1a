#pragma once
// What the server side of the daemon (sockets, responder, restrict table,
// MRU list) shows to mode 6: the `sysstats`, `monstats`, `iostats` counters,
// `mrulist`, `ifstats` and `reslist`. The daemon shell (ntpd/daemon.cc)
// implements ServerView; the control provider (ControlState over the core)
// forwards these calls to it, so the two sides stay independent.
//
// The free functions turn the server objects into the control rows and are
// what the shell's implementation is made of (tested on their own).

#include <cstdint>
#include <functional>
#include <vector>

#include "ntpd/control/state.hh"
#include "ntpd/server/mru.hh"
#include "ntpd/server/restrict_list.hh"
#include "ntpd/server/responder.hh"

namespace ntpd {

class ServerView {
public:
    virtual ~ServerView() = default;
    // ss_* counters; uptime and since-reset are filled in by the shell.
    virtual control::SysStats sys_stats() const = 0;
    virtual control::MruStats mru_stats() const = 0;
    // Oldest first, as ntpd/control/state.hh's visit_mru.
    virtual void visit_mru(const std::function<bool(const control::MruRow&)>& visit) const = 0;
    virtual std::vector<control::InterfaceStats> interfaces() const = 0;
    virtual std::vector<control::RestrictionRow> restrictions() const = 0;
    virtual control::IoStats io_stats() const = 0;
};

// MRU entry -> mrulist row (times as NTP timestamps).
control::MruRow mru_row(const MruEntry& entry);
void visit_mru_rows(const MruList& mru, const std::function<bool(const control::MruRow&)>& visit);
// `enabled` is the monitor bit mask (1 = `enable monitor`, 2 = some `limited`).
control::MruStats mru_stats(const MruList& mru, std::uint32_t enabled);
// IPv4 entries then IPv6, each in match order; flags as "ntpport interface nomodify".
std::vector<control::RestrictionRow> restriction_rows(const RestrictList& list);
// The responder's counters in mode 6 form.
void fill_sys_stats(const ResponderCounters& counters, control::SysStats& out);

}  // namespace ntpd
