// RFC 3463 enhanced mail system status codes ("5.1.1"), with the short texts of the RFC and of the
// IANA registry (RFC 4954 and RFC 7372 additions), and a plain-words explanation for students.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace maillab::mail {

struct EnhancedStatus {
  int class_code = 0;  // 2 success, 4 persistent transient failure, 5 permanent failure (§3.1)
  int subject = 0;     // 0 other, 1 addressing, 2 mailbox, 3 mail system, 4 network/routing,
                       // 5 mail delivery protocol, 6 message content, 7 security/policy (§3.2)
  int detail = 0;

  std::string to_string() const;  // "5.1.1"
  bool operator==(const EnhancedStatus&) const = default;
};

// "5.1.1" -> {5,1,1}. Class must be 2, 4 or 5; subject 0-999; detail 0-999 (§2).
std::optional<EnhancedStatus> parse_enhanced_status(std::string_view text);

// The registry's short text, e.g. 5.1.1 -> "Bad destination mailbox address". The class does not
// change the text. Unknown details fall back to the subject's "Other or undefined ..." text.
std::string_view describe_enhanced_status(const EnhancedStatus& status);
std::string_view describe_enhanced_status(std::string_view code);  // "" when not a code

// "Success", "Persistent transient failure" (will be retried) or "Permanent failure".
std::string_view describe_status_class(int class_code);

// One or two sentences in plain words for the bounce's human-readable part, e.g. for 5.1.1
// "The address does not exist at the destination: check the spelling of the part before the @."
std::string_view explain_enhanced_status(const EnhancedStatus& status);

}  // namespace maillab::mail
