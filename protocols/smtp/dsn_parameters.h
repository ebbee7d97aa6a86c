// RFC 3461 (SMTP Delivery Status Notifications): the DSN extension's parameters, their xtext
// encoding, and what a sender asked for. The server advertises "DSN" in EHLO (§4); a client
// that sees it may add RET= and ENVID= to MAIL FROM (§4.3, §4.4) and NOTIFY= and ORCPT= to each
// RCPT TO (§4.1, §4.2). An MTA relays them unchanged to a DSN server (§5.2), and acts for the
// next hop when that server has no DSN (§5.2.2: a "relayed" DSN where SUCCESS was asked).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maillab::smtp {

// NOTIFY (§4.1): NEVER alone, or any of SUCCESS, FAILURE, DELAY. Absent, an MTA behaves as if
// FAILURE (and, at its discretion, DELAY) were given.
struct Notify {
  bool never = false, success = false, failure = false, delay = false;
  bool given() const { return never || success || failure || delay; }
  bool wants_failure() const { return !given() || failure; }
  bool wants_delay() const { return !given() || delay; }
  bool wants_success() const { return success; }
  std::string to_parameter() const;  // "NEVER", "SUCCESS,FAILURE", ""
};

// "SUCCESS,FAILURE" (any case, any order, no repeats); nullopt for a bad list (NEVER with
// others, an unknown or repeated word, empty).
std::optional<Notify> parse_notify(std::string_view value);

// What one recipient's RCPT TO carried.
struct RecipientDsn {
  Notify notify;
  std::string orcpt;  // ORCPT (§4.2), decoded: "rfc822;bob@example.org"; "" when absent
};

// xtext (§4): printable ASCII except '+' and '=' as is, everything else as "+XX" (upper-case hex).
std::string xtext_encode(std::string_view text);
// nullopt for bad xtext (a '+' not followed by two upper-case hex digits, a char outside 33..126, '=').
std::optional<std::string> xtext_decode(std::string_view xtext);

// ORCPT=addr-type;xtext (§4.2): the decoded "addr-type;address", or nullopt when malformed.
std::optional<std::string> parse_orcpt(std::string_view value);
// The ORCPT parameter value for a decoded "addr-type;address".
std::string orcpt_parameter(std::string_view decoded);

constexpr std::size_t max_envid_length = 100;  // §4.4: ENVID at most 100 characters (xtext)

}  // namespace maillab::smtp
