#include "protocols/auth/dkim.h"

#include "protocols/common/base64.h"
#include "protocols/auth/dkim_crypto.h"
#include "protocols/auth/domain_name.h"
#include "protocols/auth/message_headers.h"

namespace maillab::auth {
namespace {

const std::vector<std::string>& recommended_headers() {
  static const std::vector<std::string> names = {
      "from", "sender", "reply-to", "subject", "date", "message-id", "to", "cc", "mime-version",
      "content-type", "content-transfer-encoding", "in-reply-to", "references"};
  return names;
}

// Joins tags with "; ", starting a new line (CRLF TAB) before a tag that would pass 76 columns.
class Folder {
 public:
  explicit Folder(std::string start) : text_(std::move(start)), column_(text_.size()) {}
  void add(std::string_view piece, bool separate = true) {
    bool space = separate && column_ > 0 && text_.back() != ' ' && text_.back() != '\t';
    if (column_ + piece.size() + (space ? 1 : 0) > 76 && column_ > 1) {
      text_ += "\r\n\t";
      column_ = 1;
      space = false;
    }
    if (space) text_ += ' ';
    text_ += piece;
    column_ += piece.size() + (space ? 1 : 0);
  }
  const std::string& text() const { return text_; }
  std::string take_text() { return std::move(text_); }
  std::size_t column() const { return column_; }

 private:
  std::string text_;
  std::size_t column_;
};

}  // namespace

DkimSignOutcome dkim_sign(std::string_view message, const DkimKey& private_key, const DkimSignOptions& options) {
  DkimPreparedKey prepared(private_key);
  return dkim_sign(message, prepared, options);
}

DkimSignOutcome dkim_sign(std::string_view raw_message, DkimPreparedKey& prepared, const DkimSignOptions& options) {
  const MessageView message(raw_message);
  return dkim_sign(message, prepared, options);
}

DkimSignOutcome dkim_sign(const MessageView& message, DkimPreparedKey& prepared, const DkimSignOptions& options) {
  const DkimKey& key = prepared.key();
  DkimSignOutcome outcome;
  if (!key.valid() || !key.has_private()) {
    outcome.error = "signing needs a private key";
    return outcome;
  }
  if (options.domain.empty() || options.selector.empty()) {
    outcome.error = "signing needs d= (domain) and s= (selector)";
    return outcome;
  }
  DkimAlgorithm algorithm = key.type() == DkimKeyType::ed25519 ? DkimAlgorithm::ed25519_sha256 : DkimAlgorithm::rsa_sha256;
  std::vector<std::string> names;
  names.reserve(options.headers.empty() ? recommended_headers().size() + 1 : options.headers.size() + 1);
  if (options.headers.empty()) {
    for (const auto& name : recommended_headers()) {
      for (const auto& field : message.headers()) {
        if (equals_ignoring_case(field.name, name)) names.push_back(name);
      }
    }
  } else {
    for (const auto& name : options.headers) names.push_back(to_lower(name));
  }
  bool signs_from = false;
  for (const auto& name : names) signs_from = signs_from || name == "from";
  if (!signs_from) names.insert(names.begin(), "from");  // §5.4: From MUST be signed

  const DkimBodyHash hashed = dkim_body_hash(algorithm, message.body(), options.body_canonicalization, options.body_length);
  std::optional<std::uint64_t> length = options.body_length;  // clipped to the canonical body
  if (length && *length > hashed.canonical_length) length = hashed.canonical_length;
  std::string body_hash = common::base64_encode(hashed.digest);

  Folder folder("DKIM-Signature:");
  folder.add("v=1;");
  folder.add("a=" + to_string(algorithm) + ";");
  folder.add("c=" + to_string(options.header_canonicalization) + "/" + to_string(options.body_canonicalization) + ";");
  folder.add("d=" + normalize_domain(options.domain) + ";");
  folder.add("s=" + to_lower(options.selector) + ";");
  if (!options.identity.empty()) folder.add("i=" + options.identity + ";");
  if (length) folder.add("l=" + std::to_string(*length) + ";");
  if (options.timestamp) folder.add("t=" + std::to_string(*options.timestamp) + ";");
  if (options.expiration) folder.add("x=" + std::to_string(*options.expiration) + ";");
  for (std::size_t i = 0; i < names.size(); ++i) {  // FWS may follow each ':' in h= (§3.5)
    std::string piece = (i == 0 ? "h=" : "") + names[i] + (i + 1 == names.size() ? ";" : ":");
    folder.add(piece, i == 0);
  }
  folder.add("bh=" + body_hash + ";");
  folder.add("b=");
  const std::string data =
      dkim_signed_data(message.headers(), names, options.header_canonicalization, folder.text());
  std::string signature = prepared.sign(algorithm, data);
  if (signature.empty()) {
    outcome.error = "OpenSSL could not sign with this key";
    return outcome;
  }
  std::string encoded = common::base64_encode(signature);
  std::size_t column = folder.column();
  std::string field = folder.take_text();  // the field so far, with b= empty
  for (std::size_t i = 0; i < encoded.size();) {
    if (column >= 76) {
      field += "\r\n\t";
      column = 1;
    }
    std::size_t take = std::min(encoded.size() - i, 76 - column);
    field.append(encoded, i, take);
    column += take;
    i += take;
  }
  field += "\r\n";
  outcome.header_field = std::move(field);
  return outcome;
}

}  // namespace maillab::auth
