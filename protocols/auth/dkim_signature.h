#pragma once
// The DKIM-Signature header field's tags (RFC 6376 §3.5), parsed and checked.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/auth/dkim_canonicalization.h"
#include "protocols/auth/dkim_key.h"

namespace maillab::auth {

enum class DkimAlgorithm { rsa_sha256, ed25519_sha256, rsa_sha1 };
std::string to_string(DkimAlgorithm algorithm);  // "rsa-sha256", "ed25519-sha256", "rsa-sha1"
DkimKeyType key_type_of(DkimAlgorithm algorithm);

struct DkimSignature {
  DkimAlgorithm algorithm = DkimAlgorithm::rsa_sha256;    // a=
  std::string signature;                                   // b=, decoded
  std::string body_hash;                                   // bh=, decoded
  DkimCanonicalization header_canonicalization = DkimCanonicalization::simple;  // c=
  DkimCanonicalization body_canonicalization = DkimCanonicalization::simple;
  std::string domain;                                      // d=, lower-case
  std::vector<std::string> signed_headers;                 // h=, lower-case, in order
  std::string identity;                                    // i=, default "@" + d
  std::optional<std::uint64_t> body_length;                // l=
  std::string selector;                                    // s=
  std::optional<std::int64_t> timestamp;                   // t=
  std::optional<std::int64_t> expiration;                  // x=

  std::string key_query_name() const { return selector + "._domainkey." + domain; }
};

struct DkimSignatureParse {
  std::optional<DkimSignature> signature;
  std::string error;  // why it is a permerror: missing tag, bad version, i= outside d=, ...
};

// value is the field's value (after "DKIM-Signature:"), folded or not.
DkimSignatureParse parse_dkim_signature(std::string_view value);
// The same from its tag-list already read (parse_tag_list), for a caller that reads the tags too.
DkimSignatureParse parse_dkim_signature(const std::vector<std::pair<std::string, std::string>>& tags);
DkimSignatureParse parse_dkim_signature(const DkimTagViews& tags);

}  // namespace maillab::auth
