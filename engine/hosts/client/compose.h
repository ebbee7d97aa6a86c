// Writing messages the way a mail client does (RFC 5322): a new message, a reply (RFC 5322
// §3.6.4: In-Reply-To and References; "Re: " once; the original quoted with "> "), and an inline
// forward ("Fwd: ", the original's headers and body below a separator line).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/hosts/client/device_store.h"

namespace maillab::engine {

struct Composer {
  std::string from;            // "Bob <bob@example.org>" or "bob@example.org"
  std::string device;          // for User-Agent and the Message-ID
  std::string domain;          // right-hand side of Message-IDs (the sender's domain)
  std::int64_t epoch_seconds = 0;
  std::uint64_t counter = 0;   // per device, makes Message-IDs unique
};

struct Composed {
  std::string bytes;                    // the RFC 5322 message, CRLF line ends
  std::vector<std::string> recipients;  // envelope RCPT TO addresses
  std::string subject;
  std::string message_id;
};

// Text from a scenario (LF or CRLF line ends) as CRLF lines.
std::string to_crlf(const std::string& text);

Composed compose_new(const Composer& composer, const std::vector<std::string>& to, const std::string& subject,
                     const std::string& body);
// `reply_all` adds the original's To and Cc (minus ourselves) as Cc.
Composed compose_reply(const Composer& composer, const DeviceMessage& original, const std::string& body,
                       bool reply_all = false, const std::string& own_address = {});
Composed compose_forward(const Composer& composer, const DeviceMessage& original, const std::vector<std::string>& to,
                         const std::string& body);

// "Re: Lunch?" from "Lunch?" (and "Re: Lunch?" stays as it is).
std::string reply_subject(const std::string& subject);
std::string forward_subject(const std::string& subject);

}  // namespace maillab::engine
