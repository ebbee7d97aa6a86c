#include "protocols/auth/dkim_signature.h"

#include <algorithm>
#include <cctype>

#include "protocols/common/base64.h"
#include "protocols/auth/domain_name.h"

namespace maillab::auth {
namespace {

std::string without_whitespace(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact += c;
  }
  return compact;
}

std::optional<std::int64_t> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::string to_string(DkimAlgorithm algorithm) {
  switch (algorithm) {
    case DkimAlgorithm::rsa_sha256: return "rsa-sha256";
    case DkimAlgorithm::ed25519_sha256: return "ed25519-sha256";
    case DkimAlgorithm::rsa_sha1: return "rsa-sha1";
  }
  return "?";
}

DkimKeyType key_type_of(DkimAlgorithm algorithm) {
  return algorithm == DkimAlgorithm::ed25519_sha256 ? DkimKeyType::ed25519 : DkimKeyType::rsa;
}

DkimSignatureParse parse_dkim_signature(std::string_view value) {
  auto tags = parse_tag_list_views(value);
  if (!tags) {
    DkimSignatureParse result;
    result.error = "signature is not a valid tag-list (duplicate or malformed tag, §3.2)";
    return result;
  }
  return parse_dkim_signature(*tags);
}

DkimSignatureParse parse_dkim_signature(const std::vector<std::pair<std::string, std::string>>& tags) {
  DkimTagViews views;
  views.reserve(tags.size());
  for (const auto& [name, value] : tags) views.emplace_back(name, value);
  return parse_dkim_signature(views);
}

DkimSignatureParse parse_dkim_signature(const DkimTagViews& tags) {
  DkimSignatureParse result;
  // A dozen tags at most, names unique (parse_tag_list refuses duplicates): read in place rather
  // than copied into a map (this runs for every signature of every message).
  auto find = [&](std::string_view name) -> const std::string_view* {
    for (const auto& [tag_name, value] : tags) {
      if (tag_name == name) return &value;
    }
    return nullptr;
  };
  auto has = [&](std::string_view name) { return find(name) != nullptr; };
  auto value_of = [&](std::string_view name) -> std::string_view {  // "" when absent
    const std::string_view* value = find(name);
    return value ? *value : std::string_view();
  };
  // §6.1.1: v a b bh d h s are required.
  for (const char* required : {"v", "a", "b", "bh", "d", "h", "s"}) {
    if (!has(required)) {
      result.error = std::string("signature is missing the ") + required + "= tag";
      return result;
    }
  }
  if (value_of("v") != "1") {
    result.error = "signature has unsupported version v=" + std::string(value_of("v"));
    return result;
  }
  DkimSignature signature;
  std::string algorithm = to_lower(value_of("a"));
  if (algorithm == "rsa-sha256") signature.algorithm = DkimAlgorithm::rsa_sha256;
  else if (algorithm == "ed25519-sha256") signature.algorithm = DkimAlgorithm::ed25519_sha256;
  else if (algorithm == "rsa-sha1") signature.algorithm = DkimAlgorithm::rsa_sha1;
  else {
    result.error = "signature has unknown algorithm a=" + algorithm;
    return result;
  }
  auto b = common::base64_decode(value_of("b"));
  auto bh = common::base64_decode(value_of("bh"));
  if (!b || !bh || b->empty() || bh->empty()) {
    result.error = "signature b= or bh= is not base64";
    return result;
  }
  signature.signature = std::move(*b);
  signature.body_hash = std::move(*bh);
  if (has("c")) {
    std::string canonicalization = to_lower(without_whitespace(value_of("c")));
    std::size_t slash = canonicalization.find('/');
    std::string header = canonicalization.substr(0, slash);
    std::string body = slash == std::string::npos ? "simple" : canonicalization.substr(slash + 1);
    auto parse = [](const std::string& name, DkimCanonicalization& out) {
      if (name == "simple") out = DkimCanonicalization::simple;
      else if (name == "relaxed") out = DkimCanonicalization::relaxed;
      else return false;
      return true;
    };
    if (!parse(header, signature.header_canonicalization) || !parse(body, signature.body_canonicalization)) {
      result.error = "signature has unknown canonicalization c=" + canonicalization;
      return result;
    }
  }
  signature.domain = normalize_domain(without_whitespace(value_of("d")));
  signature.selector = to_lower(without_whitespace(value_of("s")));
  if (signature.domain.empty() || signature.selector.empty()) {
    result.error = "signature has an empty d= or s=";
    return result;
  }
  const std::string compact_headers = without_whitespace(value_of("h"));
  const std::string_view headers = compact_headers;
  signature.signed_headers.reserve(static_cast<std::size_t>(std::count(headers.begin(), headers.end(), ':')) + 1);
  std::size_t start = 0;
  while (start <= headers.size()) {
    std::size_t colon = headers.find(':', start);
    std::string name = to_lower(headers.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (!name.empty()) signature.signed_headers.push_back(std::move(name));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  bool signs_from = false;
  for (const auto& name : signature.signed_headers) signs_from = signs_from || name == "from";
  if (!signs_from) {  // §5.4: From MUST be signed
    result.error = "signature h= does not include From";
    return result;
  }
  signature.identity = has("i") ? without_whitespace(value_of("i")) : "@" + signature.domain;
  std::size_t at = signature.identity.rfind('@');
  if (at == std::string::npos || !is_same_or_subdomain(signature.identity.substr(at + 1), signature.domain)) {
    result.error = "signature i= " + signature.identity + " is not within d= " + signature.domain;  // §3.5 i=
    return result;
  }
  if (has("q")) {
    std::string query = to_lower(without_whitespace(value_of("q")));
    if (query.rfind("dns/txt", 0) != 0) {
      result.error = "signature has unsupported query method q=" + query;
      return result;
    }
  }
  auto number_tag = [&](const char* name, auto& slot) {
    if (!has(name)) return true;
    auto number = parse_number(without_whitespace(value_of(name)));
    if (!number) return false;
    slot = static_cast<std::remove_reference_t<decltype(*slot)>>(*number);
    return true;
  };
  if (!number_tag("l", signature.body_length) || !number_tag("t", signature.timestamp) ||
      !number_tag("x", signature.expiration)) {
    result.error = "signature l=, t= or x= is not a number";
    return result;
  }
  if (signature.timestamp && signature.expiration && *signature.expiration < *signature.timestamp) {
    result.error = "signature x= is before t=";  // §3.5 x=
    return result;
  }
  result.signature = std::move(signature);
  return result;
}

}  // namespace maillab::auth
