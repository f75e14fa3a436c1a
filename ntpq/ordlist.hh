#pragma once
// `ifstats` and `reslist`: the indexed READ_ORDLIST_A replies ("addr.0=...,
// name.0=..., ...") laid out as classic ntpq prints them (ifstats/reslist in
// ntpq-subs.c). Rows must arrive in index order; a row is printed once all
// its fields are in.

#include <string>
#include <string_view>

namespace ntpq {

std::string ifstats_header();
std::string reslist_header();

// `problems` receives classic stderr text (an index going backwards stops
// the listing, as classic does, but without exiting).
std::string format_ifstats(std::string_view data, std::string* problems = nullptr);
std::string format_reslist(std::string_view data, std::string* problems = nullptr);

}  // namespace ntpq
