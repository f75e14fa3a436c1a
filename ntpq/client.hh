#pragma once
// The names ntpq uses from libntp's mode 6 client (transport, queries and
// the reply parser), brought into namespace ntpq.

#include "libntp/client/mode6_client.hh"
#include "libntp/client/queries.hh"
#include "libntp/client/var_parser.hh"

namespace ntpq {

using ntp::client::Channel;
using ntp::client::Mode6Client;
using ntp::client::QueryResult;
using ntp::client::RequestSigner;
using ntp::client::UdpChannel;
using ntp::client::query_error_text;
namespace query_code = ntp::client::query_code;
using ntp::client::Var;
using ntp::client::parse_vars;
using ntp::client::max_var_name_len;
using ntp::client::max_var_value_len;

}  // namespace ntpq
