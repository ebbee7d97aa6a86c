// The Received trace header an MTA prepends when it accepts a message (RFC 5321 §4.4), e.g.
//   Received: from client.example.org (client.example.org [192.0.2.10])
//           by mx.example.net with ESMTPS id 4F2A for <bob@example.net>;
//           Tue, 24 Nov 2026 19:06:09 +0000
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocols/smtp/session_types.h"

namespace maillab::smtp {

// RFC 3848 "with" keyword: SMTP (HELO), ESMTP (EHLO), plus S for TLS and A for AUTH: ESMTPSA.
std::string protocol_keyword(const SessionInfo& session);

// The field value (without "Received: "). `recipient` is written as "for <rcpt>" when not empty
// (only give it for single-recipient messages: listing one of several leaks Bcc).
std::string received_value(const SessionInfo& session, std::string_view id, std::string_view recipient,
                           std::int64_t epoch_seconds);

// The whole folded header line "Received: ...\r\n", ready to put in front of the message bytes.
std::string received_header(const SessionInfo& session, std::string_view id, std::string_view recipient,
                            std::int64_t epoch_seconds);

}  // namespace maillab::smtp
