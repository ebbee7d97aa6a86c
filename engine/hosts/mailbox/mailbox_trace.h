// How the mail access services (POP3, IMAP servers) and the mail clients turn what their protocol
// sessions tell them into Trace records. One `protocol` record per command or reply line, drawn
// from the host that sent the line to the host that received it (node -> peer), with the
// connection's id, so the text trace reads like a transcript and the visualizer can animate it.
#pragma once

#include <cstdint>
#include <string>

#include "engine/core/trace.h"
#include "engine/net/address.h"
#include "engine/net/host.h"

namespace maillab::engine {

// The name of the host at `address`, or its dotted quad when no host has it.
std::string mailbox_peer_name(Host& host, Address address);

// Appends one record now. `protocol` is "POP3", "IMAP", "SMTP" or "" (for mail/note records).
void record_mail_access(Host& host, TraceKind kind, std::string node, std::string peer, std::string protocol,
                        std::string summary, std::uint64_t connection = 0, std::string message = {});

}  // namespace maillab::engine
