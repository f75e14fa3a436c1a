#include "libntp/client/mode6_client.hh"

#include <cstring>

#include "libntp/wire/mode6.hh"

namespace ntp::client {
namespace {

namespace m6 = ntp::wire::mode6;
using Clock = std::chrono::steady_clock;

// Classic ntpq's receive buffer: MAXFRAGS datagrams of 480 octets.
constexpr std::size_t max_response_bytes = m6::max_frags * 480;

}  // namespace

std::string query_error_text(int code, std::uint16_t assoc_id) {
    switch (code) {
    case 2: return "***Server reports a bad format request packet";
    case 1: return "***Server disallowed request (authentication?)";
    case 3: return "***Server reports a bad opcode in request";
    case 4: return "***Association ID " + std::to_string(assoc_id) + " unknown to server";
    case 5: return "***A request variable unknown to the server";
    case 6: return "***Server indicates a request variable was bad";
    case query_code::unspecified: return "***Server returned an unspecified error";
    case query_code::timeout: return "***Request timed out";
    case query_code::incomplete: return "***Response from server was incomplete";
    case query_code::too_much: return "***Buffer size exceeded for returned data";
    default: return "***Server returns unknown error code " + std::to_string(code);
    }
}

Mode6Client::Mode6Client(Channel& channel, std::string host_label,
                         std::function<void(const std::string&)> diag, std::string program_name)
    : channel_(channel), host_(std::move(host_label)), diag_(std::move(diag)),
      program_(std::move(program_name)) {}

int Mode6Client::send_request(std::uint8_t opcode, std::uint16_t assoc_id, std::string_view data,
                              const RequestSigner* signer) {
    if (data.size() > m6::max_data_len) {
        diag_("***Internal error!  qsize (" + std::to_string(data.size()) + ") too large\n");
        return query_code::local_failure;
    }
    m6::Header h;
    h.leap = 0;
    h.version = static_cast<std::uint8_t>(settings_.version);
    h.opcode = opcode;
    h.sequence = sequence_;
    h.assoc_id = assoc_id;
    auto datagram = m6::encode_message(h, data);
    if (signer) {
        m6::pad_for_mac(datagram);
        auto mac = (*signer)(datagram);
        if (!mac) return query_code::local_failure;
        datagram.insert(datagram.end(), mac->begin(), mac->end());
    }
    if (settings_.debug >= 3) diag_("Sending " + std::to_string(datagram.size()) + " octets\n");
    if (int err = channel_.send(datagram); err != 0) {
        diag_(program_ + ": write to " + host_ + " failed: " + std::strerror(err) + "\n");
        return query_code::local_failure;
    }
    return query_code::ok;
}

QueryResult Mode6Client::collect(std::uint8_t opcode, bool report_timeouts) {
    QueryResult result;
    m6::Reassembler frags(m6::max_frags, max_response_bytes);
    auto last_progress = Clock::now();
    for (;;) {
        const auto limit = frags.empty() ? settings_.primary_timeout : settings_.secondary_timeout;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            last_progress + limit - Clock::now());
        auto got = left.count() > 0 ? channel_.receive(left) : Channel::Received{};
        if (got.what == Channel::Wait::interrupted) {
            result.code = query_code::interrupted;
            return result;
        }
        if (got.what == Channel::Wait::error) {
            diag_(program_ + ": read: " + std::strerror(got.error) + "\n");
            result.code = query_code::local_failure;
            return result;
        }
        if (got.what == Channel::Wait::timeout) {
            if (frags.empty()) {
                if (report_timeouts) diag_(host_ + ": timed out, nothing received\n");
                result.code = query_code::timeout;
            } else {
                if (report_timeouts) diag_(host_ + ": timed out with incomplete data\n");
                result.code = query_code::incomplete;
            }
            return result;
        }

        const auto& d = got.bytes;
        auto h = m6::decode_header(d);
        if (!h) continue;  // shorter than a header
        if (h->version < 1 || h->version > 4) continue;
        if (h->mode != m6::mode_control || !h->response) continue;
        if (h->sequence != sequence_ || h->opcode != opcode) continue;
        if (h->error) {
            const int code = (h->status >> 8) & 0xff;
            result.code = code == 0 ? query_code::unspecified : code;
            return result;
        }
        if (d.size() % 4 != 0) continue;  // not padded
        if (!m6::reply_length_ok(d.size(), h->count)) {
            diag_("Response packet claims " + std::to_string(h->count) +
                  " octets payload, above " + std::to_string(d.size() - m6::header_len) +
                  " received\n");
            result.code = query_code::incomplete;
            return result;
        }
        auto msg = m6::decode_message(d);
        if (!msg) continue;
        switch (frags.add(*msg)) {
        case m6::Reassembler::Result::out_of_bounds:
        case m6::Reassembler::Result::too_many:
            result.code = query_code::too_much;
            return result;
        case m6::Reassembler::Result::accepted:
            last_progress = Clock::now();
            if (!h->more) result.status = h->status;
            continue;
        case m6::Reassembler::Result::complete:
            if (!h->more) result.status = h->status;
            result.data = frags.data();
            result.code = query_code::ok;
            return result;
        default:
            continue;  // duplicate, overlap, empty, beyond the end: ignored
        }
    }
}

QueryResult Mode6Client::query(std::uint8_t opcode, std::uint16_t assoc_id, std::string_view data,
                               const RequestSigner* signer) {
    ++sequence_;
    for (int attempt = 0;; ++attempt) {
        if (int rc = send_request(opcode, assoc_id, data, signer); rc != 0) {
            QueryResult r;
            r.code = rc;
            return r;
        }
        const bool last = attempt >= settings_.retries;
        auto r = collect(opcode, last);
        if (!last && (r.code == query_code::timeout || r.code == query_code::incomplete)) {
            // Classic retries once; after an incomplete answer with a new
            // sequence so stray fragments of the first try are not mixed in.
            if (r.code == query_code::incomplete) ++sequence_;
            continue;
        }
        return r;
    }
}

}  // namespace ntp::client
