#include "engine/hosts/auth/dkim_signer.h"

#include <map>
#include <mutex>
#include <tuple>

#include "engine/hosts/auth/auth_lookups.h"
#include "engine/net/host.h"
#include "protocols/auth/message_headers.h"

namespace maillab::engine {

auth::DkimKey deterministic_dkim_key(std::uint64_t seed, const std::string& domain, const std::string& selector,
                                     auth::DkimKeyType type, int bits) {
  const std::string text = "maillab-dkim:" + std::to_string(seed) + ":" + selector + "._domainkey." + domain;
  if (type == auth::DkimKeyType::ed25519) return auth::DkimKey::ed25519_from_seed(text);
  // A pure function of its arguments, so remembering results cannot change any run.
  static std::mutex mutex;
  static std::map<std::pair<std::string, int>, auth::DkimKey> made;
  std::lock_guard<std::mutex> lock(mutex);
  auto found = made.find({text, bits});
  if (found != made.end()) return found->second;
  auth::DkimKey key = auth::DkimKey::rsa_from_seed(text, bits);
  made.emplace(std::make_pair(text, bits), key);
  return key;
}

namespace {

bool is_same_or_subdomain(const std::string& domain, const std::string& parent) {
  if (domain == parent) return true;
  return domain.size() > parent.size() && domain.compare(domain.size() - parent.size(), parent.size(), parent) == 0 &&
         domain[domain.size() - parent.size() - 1] == '.';
}

}  // namespace

void DkimSigner::prepare_outgoing(Host& host, OutgoingMessage& outgoing) {
  // Only mail our own users handed in (RFC 6376 §1.1: the signer takes responsibility for it);
  // never a bounce or mail we merely relay or forward.
  if (!outgoing.submitted_here || outgoing.sender.empty()) return;
  // The usual message is CRLF already: it is read where it is (one view for the From field and the
  // signature) and the field inserted before it; one with bare LFs is signed as converted (§5.3).
  auth::DkimSignOutcome outcome;
  std::string converted;
  {
    const auth::MessageView message(outgoing.message);
    const auto from = auth::from_domain(message);
    if (!from || !is_same_or_subdomain(*from, options_.domain)) {
      record_authentication(host, "DKIM",
                            "DKIM not signing: From domain " + from.value_or("(none)") + " is not " + options_.domain);
      return;
    }
    auth::DkimSignOptions sign;
    sign.domain = options_.domain;
    sign.selector = options_.selector;
    sign.timestamp = authentication_epoch_seconds(host);
    outcome = auth::dkim_sign(message, *prepared_key_, sign);
    if (!outcome.ok()) {
      record_authentication(host, "DKIM", "DKIM signing failed: " + outcome.error);
      return;
    }
    if (message.converted()) converted = message.text();
  }
  if (!converted.empty()) {
    outgoing.message = outcome.header_field + converted;
  } else {
    outgoing.message.insert(0, outcome.header_field);
  }
  ++signed_count_;
  Trace& trace = host.simulator().trace();
  if (!trace.wanted()) return trace.skip();
  // Which fields the signature covers, read back from its h= tag.
  std::string covered;
  auto split = auth::split_message(outcome.header_field + "\r\n");
  if (!split.headers.empty()) {
    const std::string value = split.headers.front().value();
    // The h= tag, not the bh= one: a tag starts the value or follows a ';' and spaces.
    for (std::size_t at = value.find("h="); at != std::string::npos; at = value.find("h=", at + 1)) {
      std::size_t before = at;
      while (before > 0 && (value[before - 1] == ' ' || value[before - 1] == '\t')) --before;
      if (before == 0 || value[before - 1] == ';') {
        covered = value.substr(at + 2, value.find(';', at) - at - 2);
        break;
      }
    }
  }
  record_authentication(host, "DKIM",
                        "DKIM signed d=" + options_.domain + " s=" + options_.selector + " (" +
                            auth::to_string(options_.key.type()) + "-sha256, " + std::to_string(options_.key.bits()) +
                            "-bit key); covers body and " + covered);
}

}  // namespace maillab::engine
