#pragma once
// The hash and signature primitives of DKIM over OpenSSL EVP (RFC 6376 §3.3, RFC 8463 §3).

#include <string>
#include <string_view>
#include <vector>

#include "protocols/auth/dkim_key.h"
#include "protocols/auth/dkim_signature.h"
#include "protocols/auth/message_headers.h"

namespace maillab::auth {

std::string dkim_hash(DkimAlgorithm algorithm, std::string_view data);  // SHA-256 or SHA-1
// rsa: PKCS#1 v1.5 over hash(data). ed25519: PureEdDSA over SHA-256(data) (RFC 8463 §3).
std::string dkim_sign_data(DkimAlgorithm algorithm, const DkimKey& key, std::string_view data);
// The octets the signature covers (§3.7): the fields named in h=, each taken bottom-up (a name
// listed twice takes the last and then the one above it; a name with no field left adds nothing),
// canonicalized, then the DKIM-Signature field with an empty b= and no final CRLF.
std::string dkim_signed_data(const SplitMessage& message, const std::vector<std::string>& names,
                             DkimCanonicalization canonicalization, std::string_view signature_field_without_b);
bool dkim_verify_data(DkimAlgorithm algorithm, const DkimKey& key, std::string_view data, std::string_view signature);

}  // namespace maillab::auth
