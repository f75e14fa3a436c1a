#pragma once
// Combine the survivors into the system offset and jitter (RFC 5905 A.5.5.3,
// ntp_proto.c clock_combine; spec ntpd.md §6).

#include <cstddef>
#include <vector>

#include "libntp/sync/cluster.hh"

namespace ntp::sync {

struct Combined {
    double offset_s = 0;
    double jitter_s = 0;
};

// offset = sum(theta_i / lambda_i) / sum(1 / lambda_i);
// jitter = sqrt(sum((theta_i - theta_p)^2 / lambda_i) / sum(1/lambda_i) + seljit_p^2)
// for the system peer p = survivors[system_peer].
Combined combine(const std::vector<ClusterMember>& survivors, std::size_t system_peer);

}  // namespace ntp::sync
