// The `header:` expectation: checks on the header fields of the messages in a mailbox, read as
// RFC 5322 fields (unfolded, §2.2.3), not as raw bytes — so a check on a folded Received line
// works, and the order of fields can be asked about.
//
//   expect:
//     - {header: {to: bob@example.org, name: Received, count: 3}}                  # how many fields
//     - {header: {to: bob@example.org, name: Received, index: 2, contains: "by backup.example.org"}}
//     - {header: {to: bob@example.org, name: Subject, value: "Hello"}}              # exact, unfolded
//     - {header: {to: bob@example.org, name: Authentication-Results, above: Received}}   # order
//
// `subject:` picks the message (default: every message in the folder must pass); `folder:`
// defaults to INBOX; `index` counts from the top (1 = the field nearest the top, the last hop's
// Received). With neither count nor a value check, the field must exist.
#include <algorithm>

#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/net/network.h"
#include "protocols/mail/message.h"
#include "protocols/mail/text.h"
#include "scenarios/modules/builtin_modules.h"

namespace maillab::scenarios {
namespace {

struct HeaderCheck {
  std::string user, domain, address, folder = "INBOX", name;
  std::optional<std::string> subject, value, contains, above;
  std::optional<std::int64_t> count, index;
};

engine::MailboxService* mailboxes_for(engine::Network& network, const std::string& domain) {
  for (auto* host : network.hosts())
    if (auto* mailboxes = host->find_service<engine::MailboxService>())
      if (mailboxes->serves_domain(domain)) return mailboxes;
  return nullptr;
}

// The positions (0 = top) of the fields with this name.
std::vector<std::size_t> positions_of(const mail::Headers& headers, const std::string& name) {
  std::vector<std::size_t> found;
  const auto& fields = headers.fields();
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (mail::equals_ignoring_case(fields[i].name, name)) found.push_back(i);
  return found;
}

// Judges one message; `why` says what was seen.
bool judge(const HeaderCheck& check, const mail::Headers& headers, std::string& why) {
  const auto positions = positions_of(headers, check.name);
  const auto& fields = headers.fields();
  why = std::to_string(positions.size()) + " " + check.name + " field(s)";
  if (check.count && static_cast<std::int64_t>(positions.size()) != *check.count) return false;
  std::vector<std::size_t> chosen = positions;
  if (check.index) {
    if (*check.index > static_cast<std::int64_t>(positions.size())) return false;
    chosen = {positions[static_cast<std::size_t>(*check.index - 1)]};
  }
  if (chosen.empty()) return check.count && *check.count == 0;
  auto value_matches = [&](std::size_t at) {
    const std::string& value = fields[at].value;
    return (!check.value || value == *check.value) &&
           (!check.contains || value.find(*check.contains) != std::string::npos);
  };
  if (check.value || check.contains) {
    // With an index that one field, else any field of that name.
    const bool any = std::any_of(chosen.begin(), chosen.end(), value_matches);
    why += ", " + check.name + (check.index ? " #" + std::to_string(*check.index) : "") + ": \"" +
           fields[chosen.front()].value + "\"";
    if (!any) return false;
  }
  if (check.above) {
    const auto others = positions_of(headers, *check.above);
    if (others.empty()) {
      why += ", no " + *check.above + " field";
      return false;
    }
    why += ", first " + check.name + " at line " + std::to_string(chosen.front() + 1) + ", first " + *check.above +
           " at line " + std::to_string(others.front() + 1) + " of the header";
    if (chosen.front() > others.front()) return false;
  }
  return true;
}

std::optional<Expectation> parse_header_expectation(const YAML::Node& node, LoadContext& context) {
  if (!context.check_keys(node, "header", {"to", "name"},
                          {"folder", "subject", "count", "index", "value", "contains", "above"}))
    return std::nullopt;
  HeaderCheck check;
  bool ok = true;
  auto text = [&](const char* key, std::optional<std::string>& into) {
    if (!node[key]) return;
    into = context.text(node[key], key);
    ok = ok && into;
  };
  std::optional<std::string> to, name, folder;
  text("to", to);
  text("name", name);
  text("folder", folder);
  text("subject", check.subject);
  text("value", check.value);
  text("contains", check.contains);
  text("above", check.above);
  if (node["count"]) ok = (check.count = context.integer(node["count"], "count", 0, 10'000)) && ok;
  if (node["index"]) ok = (check.index = context.integer(node["index"], "index", 1, 10'000)) && ok;
  if (!ok || !to || !name) return std::nullopt;
  const auto at = to->rfind('@');
  if (at == std::string::npos || at == 0) {
    context.error(node["to"], "'" + *to + "' is not an address", "user@domain");
    return std::nullopt;
  }
  check.address = *to;
  check.user = to->substr(0, at);
  check.domain = to->substr(at + 1);
  check.name = *name;
  if (folder) check.folder = *folder;
  engine::Network* network = &context.world.network;
  Expectation expectation;
  expectation.check = [network, check]() -> ExpectationResult {
    auto* mailboxes = mailboxes_for(*network, check.domain);
    if (!mailboxes) return {false, "no host keeps mailboxes for " + check.domain};
    const auto* box = mailboxes->store().folder(check.user, check.folder);
    if (!box) return {false, check.address + " has no folder " + check.folder};
    std::size_t judged = 0;
    for (const auto& message : box->messages) {
      auto headers = mail::parse_headers(mail::header_section(message.bytes.text()));
      if (!headers.ok()) continue;
      if (check.subject && headers.value().get("Subject").value_or("") != *check.subject) continue;
      ++judged;
      std::string why;
      if (!judge(check, headers.value(), why))
        return {false, check.address + " " + check.folder + " message " + std::to_string(message.uid) + ": " + why};
    }
    if (judged == 0)
      return {false, check.address + " " + check.folder + " holds no message" +
                         (check.subject ? " with subject \"" + *check.subject + "\"" : "")};
    return {true, std::to_string(judged) + " message(s) in " + check.address + " " + check.folder + " pass"};
  };
  return expectation;
}

}  // namespace

void register_header_expectation(Registry& registry) { registry.add_expectation("header", parse_header_expectation); }

}  // namespace maillab::scenarios
