#include "libntp/oneshot/sample_filter.hh"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace ntp::oneshot {

namespace {

constexpr double two_pow_32 = 4294967296.0;

// Classic sums s_fp/u_fp values in 32 bits; we sum in 64 and clamp once, so
// extreme inputs saturate instead of wrapping.
Sfp clamp_sfp(std::int64_t v) {
    return static_cast<Sfp>(std::clamp<std::int64_t>(v, -std::numeric_limits<Sfp>::max(),
                                                     std::numeric_limits<Sfp>::max()));
}

std::int64_t abs64(std::int64_t v) { return v < 0 ? -v : v; }

}  // namespace

Sfp lfp_to_sfp(Lfp value) {
    // LFPTOFP keeps the low 16 integer bits and the high 16 fraction bits:
    // an arithmetic shift, i.e. truncation towards minus infinity.
    return clamp_sfp(value >> 16);
}

double lfp_to_seconds(Lfp value) { return static_cast<double>(value) / two_pow_32; }

double sfp_to_seconds(Sfp value) { return static_cast<double>(value) / fp_second; }

Lfp lfp_from_seconds(double seconds) {
    if (std::isnan(seconds)) return 0;
    double scaled = seconds * two_pow_32;
    if (scaled >= 9.2e18) return std::numeric_limits<Lfp>::max();
    if (scaled <= -9.2e18) return -std::numeric_limits<Lfp>::max();
    return static_cast<Lfp>(std::llround(scaled));
}

Lfp lfp_diff(ntp::wire::NtpTimestamp a, ntp::wire::NtpTimestamp b) {
    return static_cast<Lfp>(a.raw() - b.raw());
}

Sfp sfp_pow2(int log2) {
    if (log2 <= -17) return 0;
    if (log2 >= 14) return fp_second << 14;
    return log2 >= 0 ? fp_second << log2 : fp_second >> -log2;
}

Sample make_sample(ntp::wire::NtpTimestamp t1, ntp::wire::NtpTimestamp t2, ntp::wire::NtpTimestamp t3,
                   ntp::wire::NtpTimestamp t4, int server_precision_log2) {
    Lfp t10 = lfp_diff(t3, t4);  // server transmit - our receive
    Lfp t23 = lfp_diff(t2, t1);  // server receive - our transmit
    // Halves first, as later classic releases do, so a huge offset cannot overflow.
    Lfp offset = (t10 >> 1) + (t23 >> 1);
    std::int64_t delay = lfp_to_sfp(t23 - t10);
    delay += sfp_pow2(own_precision_log2) + sfp_pow2(server_precision_log2) + max_skew;
    if (delay <= 0) return Sample{};  // "value still too raunchy to use"
    return Sample{std::max(clamp_sfp(delay), min_distance), offset};
}

FilterResult filter(std::span<const Sample> slots) {
    const std::size_t n = std::min<std::size_t>(slots.size(), max_samples);
    std::array<std::size_t, max_samples> ord{};
    for (std::size_t i = 0; i < n; ++i) ord[i] = i;
    // Classic's exchange sort: not stable in general, so reproduce it exactly
    // rather than use std::sort, or ties would pick a different slot.
    for (std::size_t i = 0; i + 1 < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
            if (slots[ord[j]].delay == 0) continue;
            if (slots[ord[i]].delay == 0 || slots[ord[i]].delay > slots[ord[j]].delay) {
                std::swap(ord[i], ord[j]);
            }
        }
    }
    FilterResult r;
    if (n == 0 || slots[ord[0]].delay == 0) return r;
    r.delay = slots[ord[0]].delay;
    r.offset = slots[ord[0]].offset;
    r.short_offset = lfp_to_sfp(r.offset);
    std::uint64_t dispersion = 0;
    for (std::size_t i = 1; i < n; ++i) {
        const Sample& s = slots[ord[i]];
        std::int64_t d = max_dispersion;
        if (s.delay != 0) {
            d = std::min<std::int64_t>(abs64(std::int64_t{lfp_to_sfp(s.offset)} - r.short_offset),
                                       max_dispersion);
        }
        dispersion += static_cast<std::uint64_t>(d) >> i;  // PEER_FILTER is 1/2
    }
    r.dispersion = static_cast<Ufp>(std::min<std::uint64_t>(dispersion, 0xffffffffu));
    return r;
}

std::string_view drop_text(DropReason reason) {
    switch (reason) {
        case DropReason::none: return "";
        case DropReason::no_data: return "no data";
        case DropReason::stratum_too_high: return "strata too high";
        case DropReason::too_far_away: return "server too far away";
        case DropReason::leap_not_in_sync: return "Leap not in sync";
        case DropReason::very_broken: return "server is very broken";
        case DropReason::too_long_without_sync: return "Server has gone too long without sync";
        case DropReason::untrusted: return "Server is untrusted";
    }
    return "";
}

DropReason check_server(const ServerSummary& s) {
    if (s.filter.delay == 0) return DropReason::no_data;
    if (s.stratum > max_stratum) return DropReason::stratum_too_high;
    if (s.filter.delay > max_delay) return DropReason::too_far_away;
    if (s.leap == 3) return DropReason::leap_not_in_sync;
    // Classic compares the raw 64-bit values unsigned; the signed modular
    // difference gives the same answer and stays right across 2036.
    if (lfp_diff(s.transmit_ts, s.reference_ts) <= 0) return DropReason::very_broken;
    if (s.transmit_ts.seconds() - s.reference_ts.seconds() >= max_age_s) {
        return DropReason::too_long_without_sync;
    }
    if (s.trust != 0) return DropReason::untrusted;
    return DropReason::none;
}

Selection select(std::span<const ServerSummary> servers) {
    Selection out;
    std::array<std::size_t, max_list> list{};
    std::array<std::int64_t, max_list> badness{};
    std::size_t nlist = 0;

    for (std::size_t index = 0; index < servers.size(); ++index) {
        const ServerSummary& s = servers[index];
        if (DropReason why = check_server(s); why != DropReason::none) {
            out.dropped.emplace_back(index, why);
            continue;
        }
        // Insert by stratum, then by twice the dispersion; keep the best five.
        std::int64_t d = std::int64_t{s.filter.dispersion} * 2;
        std::size_t i = 0;
        while (i < nlist && s.stratum > servers[list[i]].stratum) ++i;
        for (; i < nlist; ++i) {
            if (s.stratum < servers[list[i]].stratum) break;
            if (d < badness[i]) break;
        }
        if (i >= max_list) continue;
        for (std::size_t j = nlist; j > i; --j) {
            if (j < max_list) {
                list[j] = list[j - 1];
                badness[j] = badness[j - 1];
            }
        }
        list[i] = index;
        badness[i] = d;
        if (nlist < max_list) ++nlist;
    }

    // Keep at most two strata.
    int increases = 0;
    for (std::size_t i = 1; i < nlist; ++i) {
        if (servers[list[i]].stratum > servers[list[i - 1]].stratum && ++increases == 2) {
            nlist = i;
            break;
        }
    }
    if (nlist == 0) return out;
    if (nlist == 1) {
        out.chosen = list[0];
        return out;
    }

    // Re-sort by stratum, then delay (classic's loop, including its early
    // break once a higher stratum is reached).
    for (std::size_t i = 0; i + 1 < nlist; ++i) {
        for (std::size_t j = i + 1; j < nlist; ++j) {
            if (servers[list[i]].stratum < servers[list[j]].stratum) break;
            if (servers[list[i]].filter.delay < servers[list[j]].filter.delay) continue;
            std::swap(list[i], list[j]);
        }
    }

    const std::int64_t local_threshold = sfp_pow2(own_precision_log2) + max_skew;
    while (nlist > 1) {
        for (std::size_t k = 0; k < nlist; ++k) {
            badness[k] = 0;
            for (std::size_t j = 0; j < nlist; ++j) {
                if (j == k) continue;
                std::int64_t d = abs64(std::int64_t{servers[list[j]].filter.short_offset} -
                                       servers[list[k]].filter.short_offset);
                for (std::size_t w = 0; w < j; ++w) d = (d >> 1) + (d >> 2);  // NTP_SELECT 3/4
                badness[k] += d;
            }
        }
        std::size_t worst = 0;
        int lowest_precision = servers[list[0]].precision_log2;
        for (std::size_t j = 1; j < nlist; ++j) {
            if (badness[j] >= badness[worst]) worst = j;
            lowest_precision = std::min(lowest_precision, servers[list[j]].precision_log2);
        }
        if (badness[worst] < local_threshold + sfp_pow2(lowest_precision)) break;
        for (std::size_t j = worst + 1; j < nlist; ++j) list[j - 1] = list[j];
        --nlist;
    }
    out.chosen = list[0];
    return out;
}

Adjustment choose_adjustment(Sfp short_offset, bool always_step, bool never_step) {
    if (always_step) return Adjustment::step;
    if (never_step) return Adjustment::slew;
    std::uint32_t magnitude = short_offset < 0
                                  ? 1u + static_cast<std::uint32_t>(-(short_offset + 1))
                                  : static_cast<std::uint32_t>(short_offset);
    return magnitude >= step_threshold ? Adjustment::step : Adjustment::slew;
}

Lfp slew_with_overshoot(Lfp offset) {
    bool negative = offset < 0;
    // |offset| (the most negative value cannot be a real offset; saturate it).
    Lfp magnitude = negative ? (offset == std::numeric_limits<Lfp>::min()
                                    ? std::numeric_limits<Lfp>::max()
                                    : -offset)
                             : offset;
    Lfp overshoot = std::min<Lfp>(magnitude >> 1, max_overshoot);
    Lfp total = magnitude > std::numeric_limits<Lfp>::max() - overshoot
                    ? std::numeric_limits<Lfp>::max()
                    : magnitude + overshoot;
    return negative ? -total : total;
}

}  // namespace ntp::oneshot
