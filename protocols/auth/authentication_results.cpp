#include "protocols/auth/authentication_results.h"

#include <algorithm>
#include <cctype>

#include "protocols/auth/domain_name.h"

namespace maillab::auth {
namespace {

// RFC 2045 token characters; anything else is sent as a quoted-string. '@' stays bare because
// RFC 8601 §2.2 allows "[local-part] @ domain" as a pvalue (header.i=@example.com).
bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    if (c <= ' ' || c >= 127 || std::string_view("()<>,;:\\\"/[]?=").find(c) != std::string_view::npos) return true;
  }
  return false;
}

std::string quoted(std::string_view value) {
  if (!needs_quotes(value)) return std::string(value);
  std::string text = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') text += '\\';
    text += c;
  }
  return text + "\"";
}

// Splits on ';' outside quoted-strings and comments; comments are returned separately.
struct Token {
  std::string text;      // without comments
  std::string comments;  // concatenated comment texts
};

std::vector<Token> split_resinfo(std::string_view value) {
  std::vector<Token> pieces(1);
  int depth = 0;
  bool in_quotes = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    Token& current = pieces.back();
    if (in_quotes) {
      current.text += c;
      if (c == '\\' && i + 1 < value.size()) current.text += value[++i];
      else if (c == '"') in_quotes = false;
    } else if (depth > 0) {
      // RFC 5322 §3.2.2: a comment holds quoted-pairs; "\)" is text, not the comment's end.
      if (c == '\\' && i + 1 < value.size()) {
        current.comments += value[++i];
        continue;
      }
      if (c == '(') ++depth;
      if (c == ')') --depth;
      if (depth > 0) current.comments += c;
    } else if (c == '(') {
      depth = 1;
      if (!current.comments.empty()) current.comments += ' ';
    } else if (c == '"') {
      in_quotes = true;
      current.text += c;
    } else if (c == ';') {
      pieces.emplace_back();
    } else {
      current.text += c;
    }
  }
  return pieces;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_quotes = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '\\' && i + 1 < text.size()) word += text[++i];
      else if (c == '"') in_quotes = false;
      else word += c;
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(word);
  return words;
}

// RFC 8601 §2.2 Keyword (RFC 5321 ldh-str): letters, digits and '-'.
bool is_keyword(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

// §2.2 method = Keyword [ "/" method-version ], method-version = 1*DIGIT.
bool is_method(std::string_view text) {
  std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return is_keyword(text);
  std::string_view version = text.substr(slash + 1);
  return is_keyword(text.substr(0, slash)) && !version.empty() &&
         std::all_of(version.begin(), version.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// §2.2 "ptype.property" (smtp.mailfrom, header.d): Keywords joined by '.'; '_' is accepted too,
// because deployed verifiers write it in property names.
bool is_property_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

}  // namespace

std::optional<std::string> AuthenticationResult::property(std::string_view name) const {
  for (const auto& [key, value] : properties) {
    if (equals_ignoring_case(key, name)) return value;
  }
  return std::nullopt;
}

AuthenticationResult spf_authentication_result(const SpfRequest& request, const SpfOutcome& outcome) {
  AuthenticationResult result{"spf", to_string(outcome.result), {}, {}};
  if (outcome.result == SpfResult::temperror || outcome.result == SpfResult::permerror) result.comment = outcome.reason;
  if (request.identity == SpfIdentity::helo) result.properties.emplace_back("smtp.helo", request.helo);
  else result.properties.emplace_back("smtp.mailfrom", outcome.domain);
  return result;
}

AuthenticationResult dkim_authentication_result(const DkimSignatureResult& signature) {
  AuthenticationResult result{"dkim", to_string(signature.result), {}, {}};
  if (signature.result != DkimResult::pass) {
    result.comment = signature.reason;
  } else if (signature.key_bits > 0 && signature.signature &&
             signature.signature->algorithm != DkimAlgorithm::ed25519_sha256) {
    result.comment = std::to_string(signature.key_bits) + "-bit key";
  }
  if (!signature.domain.empty()) result.properties.emplace_back("header.d", signature.domain);
  if (!signature.identity.empty()) result.properties.emplace_back("header.i", signature.identity);
  if (!signature.selector.empty()) result.properties.emplace_back("header.s", signature.selector);
  if (!signature.signature_prefix.empty()) result.properties.emplace_back("header.b", signature.signature_prefix);
  return result;
}

AuthenticationResult dkim_none_authentication_result() { return {"dkim", "none", "no signatures", {}}; }

AuthenticationResult dmarc_authentication_result(const DmarcOutcome& outcome) {
  AuthenticationResult result{"dmarc", to_string(outcome.result), {}, {}};
  if (outcome.result == DmarcResult::pass || outcome.result == DmarcResult::fail) {
    result.comment = "p=" + to_string(outcome.policy) + " dis=" + to_string(outcome.disposition);
  } else {
    result.comment = outcome.reason;
  }
  if (!outcome.from_domain.empty()) result.properties.emplace_back("header.from", outcome.from_domain);
  return result;
}

std::string format_authentication_result(const AuthenticationResult& result) {
  std::string text = result.method + "=" + result.result;
  if (!result.comment.empty()) {
    std::string comment;
    for (char c : result.comment) {
      if (c == '(' || c == ')' || c == '\\') comment += '\\';
      comment += c;
    }
    text += " (" + comment + ")";
  }
  for (const auto& [name, value] : result.properties) text += " " + name + "=" + quoted(value);
  return text;
}

std::string spf_authentication_results_fragment(const SpfRequest& request, const SpfOutcome& outcome) {
  return format_authentication_result(spf_authentication_result(request, outcome));
}
std::string dkim_authentication_results_fragment(const DkimSignatureResult& result) {
  return format_authentication_result(dkim_authentication_result(result));
}
std::string dmarc_authentication_results_fragment(const DmarcOutcome& outcome) {
  return format_authentication_result(dmarc_authentication_result(outcome));
}

std::string format_authentication_results(const AuthenticationResults& results) {
  // §2.2: authserv-id is a value, so an id holding ';', '(' or '"' goes out as a quoted-string.
  std::string field = "Authentication-Results: " + quoted(results.authserv_id) + ";";
  if (results.results.empty()) return field + " none\r\n";  // §2.2 no-result
  for (std::size_t i = 0; i < results.results.size(); ++i) {
    field += "\r\n\t" + format_authentication_result(results.results[i]);
    if (i + 1 < results.results.size()) field += ";";
  }
  return field + "\r\n";
}

std::optional<AuthenticationResults> parse_authentication_results(std::string_view field) {
  std::string value(field);
  std::size_t colon = value.find(':');
  if (colon != std::string::npos && equals_ignoring_case(trim(value.substr(0, colon)), "authentication-results")) {
    value = value.substr(colon + 1);
  }
  std::vector<Token> pieces = split_resinfo(value);
  AuthenticationResults results;
  std::vector<std::string> id_words = split_words(pieces[0].text);
  if (id_words.empty()) return std::nullopt;
  results.authserv_id = id_words[0];  // a following version number is ignored
  for (std::size_t i = 1; i < pieces.size(); ++i) {
    std::vector<std::string> words = split_words(pieces[i].text);
    if (words.empty()) continue;
    if (words.size() == 1 && to_lower(words[0]) == "none") continue;
    AuthenticationResult result;
    result.comment = trim(pieces[i].comments);
    for (std::size_t w = 0; w < words.size(); ++w) {
      std::size_t equals = words[w].find('=');
      std::string name = words[w].substr(0, equals);
      std::string property_value = equals == std::string::npos ? "" : words[w].substr(equals + 1);
      if (equals == std::string::npos || name.empty()) return std::nullopt;
      // RFC 8601 §2.2: a method, result or property name outside its grammar (a quote that
      // never closes, a ';' or '(' that came in quoted, a control byte) makes the field malformed.
      if (w == 0) {
        if (!is_method(name) || !is_keyword(property_value)) return std::nullopt;
        std::size_t slash = name.find('/');  // "method/version"
        result.method = to_lower(name.substr(0, slash));
        result.result = to_lower(property_value);
      } else if (!is_property_name(name)) {
        return std::nullopt;
      } else if (to_lower(name) == "reason") {
        if (result.comment.empty()) result.comment = trim(property_value);
      } else {
        result.properties.emplace_back(to_lower(name), property_value);
      }
    }
    results.results.push_back(std::move(result));
  }
  return results;
}

}  // namespace maillab::auth
