#pragma once
// The MIME structure of a message as IMAP shows it (RFC 3501 §6.4.5, §7.4.2): the BODY and
// BODYSTRUCTURE data items, and the parts that section numbers such as BODY[2.1] or BODY[1.MIME]
// name. The MIME reading (RFC 2045 Content-* fields, RFC 2046 multipart boundaries and
// message/rfc822) goes only as far as IMAP needs, and kept here so IMAP does not depend on
// protocols/mail. Views point into the message bytes, which must outlive the tree.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace maillab::imap {

using MimeParameters = std::vector<std::pair<std::string, std::string>>;  // names lower case, in order

struct MimeEntity {
  std::string_view header;  // the entity's header with the blank line that ends it ("" when none)
  std::string_view body;    // the rest; for a part of a multipart, up to the CRLF before the next boundary
  std::string type = "text", subtype = "plain";  // lower case; the RFC 2045 §5.2 default
  MimeParameters parameters;
  std::optional<std::string> id, description, md5, language, location;
  std::string encoding = "7bit";  // Content-Transfer-Encoding, lower case
  std::string disposition;        // "attachment", "inline" or "" when there is no Content-Disposition
  MimeParameters disposition_parameters;
  // multipart/*: its parts; message/rfc822: one entity, the message inside.
  std::vector<MimeEntity> parts;

  bool is_multipart() const { return type == "multipart"; }
  bool is_message() const { return type == "message" && subtype == "rfc822"; }
};

// Reads a whole message (or an entity). Nesting deeper than a few dozen levels is read as opaque
// bodies, so hostile input cannot exhaust the stack.
MimeEntity parse_mime(std::string_view message);

// The parenthesized structure: BODYSTRUCTURE when `extended` (with the extension data of
// §7.4.2: MD5, disposition, language, location; multipart parameters), else BODY.
std::string body_structure(const MimeEntity& entity, bool extended);

// The entity that part numbers name (§6.4.5: "1" of a single-part message is its body; the parts
// of a message/rfc822 part are those of the message inside it); nullptr when there is none.
const MimeEntity* find_part(const MimeEntity& root, const std::vector<unsigned>& numbers);

}  // namespace maillab::imap
