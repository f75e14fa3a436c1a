#pragma once
// Protocol and discipline constants of classic ntpd (include/ntp.h,
// ntp_loopfilter.c, ntp_proto.c; spec ntpd.md §3). These are the public,
// visible numbers a drop-in must keep; the algorithms in libntp/sync take them
// from here (or from the tinker/tos values that override them at run time).

namespace ntp::sync::constants {

// Poll exponents (log2 s).
inline constexpr int min_poll_log2 = 3;           // NTP_MINPOLL: hard floor (8 s)
inline constexpr int max_poll_log2 = 17;          // NTP_MAXPOLL: hard ceiling (36.4 h)
inline constexpr int default_min_poll_log2 = 6;   // NTP_MINDPOLL (64 s)
inline constexpr int default_max_poll_log2 = 10;  // NTP_MAXDPOLL (1024 s)

inline constexpr int unreach_polls = 10;          // NTP_UNREACH
inline constexpr int burst_retries = 3;           // NTP_RETRY
inline constexpr int iburst_packets = 6;          // NTP_IBURST
inline constexpr double min_packet_spacing_s = 2; // NTP_MINPKT

// Clock filter.
inline constexpr int filter_stages = 8;           // NTP_SHIFT
inline constexpr double filter_weight = 0.5;      // NTP_FWEIGHT

// Dispersion and distance.
inline constexpr double max_dispersion_s = 16;    // MAXDISPERSE ("infinity")
inline constexpr double min_dispersion_s = 0.001; // MINDISPERSE (tos mindist)
inline constexpr double max_distance_s = 1.5;     // MAXDISTANCE (tos maxdist)
inline constexpr double phi = 15e-6;              // CLOCK_PHI, s/s dispersion growth

// Selection.
inline constexpr int min_clock = 3;               // NTP_MINCLOCK
inline constexpr int max_clock = 10;              // NTP_MAXCLOCK
inline constexpr int min_sane = 1;                // sys_minsane default
inline constexpr double orphan_wait_s = 300;      // NTP_ORPHWAIT
inline constexpr double popcorn_gate = 3;         // CLOCK_SGATE (x jitter)
inline constexpr double huffpuff_stage_s = 900;   // HUFFPUFF

// Discipline.
inline constexpr double max_freq_ppm = 500;       // NTP_MAXFREQ (500e-6)
inline constexpr double max_slew_ppm = 500;       // adjtime()/kernel slew ceiling
inline constexpr double max_fast_slew_ppm = 50000; // ours: start-up slew by frequency (5%)
inline constexpr double step_threshold_s = 0.128; // CLOCK_MAX
inline constexpr double stepout_s = 300;          // CLOCK_MINSTEP
inline constexpr double panic_threshold_s = 1000; // CLOCK_PANIC
inline constexpr double slew_only_step_s = 600;   // -x: step threshold
inline constexpr double pll_gain = 16;            // CLOCK_PLL
inline constexpr double fll_gain = 0.25;          // CLOCK_FLL
inline constexpr double averaging = 8;            // CLOCK_AVG (jitter, wander)
inline constexpr double startup_floor_s = 0.0005; // CLOCK_FLOOR: ends the start-up clamp
inline constexpr int allan_log2 = 11;             // CLOCK_ALLAN (2048 s)
inline constexpr int poll_limit = 30;             // CLOCK_LIMIT: poll-adjust counter
inline constexpr double poll_gate = 4;            // CLOCK_PGATE (x jitter)
inline constexpr double kernel_max_step_s = 0.5;  // kernel loop only with step in (0, 0.5]

}  // namespace ntp::sync::constants
