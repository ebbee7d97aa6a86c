// Trace records of the mail system: `mail` records follow one message (by its ledger id) through
// acceptance, queueing, deferrals, relaying, delivery and bounces — the visualizer's journey view
// and the run summary read them; `protocol` records are the SMTP dialogue, one per line.
//
// Each `mail` summary starts with a fixed word so expectations and lessons can match it:
// accepted, queued, deferred, relayed, delivered, bounced, DSN, delay warning, dropped, rejected,
// submitted, reverse DNS (about a client, with no message id).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/net/host.h"

namespace maillab::engine {

// A host's name when the address belongs to one, else the dotted quad.
std::string host_label(Host& host, Address address);

// A `mail` record at `host` about the message `message_id` ("M1"; may be "").
void record_mail(Host& host, std::string message_id, std::string summary, std::string peer = {});
// Whether anyone reads this run's records; when nobody does (bench mail, --trace none) it counts
// the one record the caller then leaves out, as record_mail would have. For the summaries an MTA
// writes for every message it takes, queues and sends on, whose text costs more to make than the
// rest of their step: `if (mail_record_wanted(host)) record_mail(host, id, "..." + ...);`.
bool mail_record_wanted(Host& host);

// A `protocol` record for one SMTP line: `node` sent it to `peer` (the two hosts' names).
void record_smtp_line(Host& host, const std::string& node, const std::string& peer, std::uint64_t connection,
                      std::string_view line, std::string message_id = {});

// The `protocol` record of a message's data (DATA to the final "."): `node` sent it to `peer`.
void record_smtp_data(Host& host, const std::string& node, const std::string& peer, std::uint64_t connection,
                      std::string_view message);

}  // namespace maillab::engine
