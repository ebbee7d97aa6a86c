// The host inspector's rows (viz/panels/host_sections_rows.h), checked against shipped scenarios
// run partway: what a student sees when they click a host must match the simulated state.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

#include "engine/hosts/client/mail_client_service.h"
#include "engine/hosts/dns/authoritative_service.h"
#include "engine/hosts/dns/resolver_service.h"
#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/mailbox/imap_service.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "scenarios/loader.h"
#include "scenarios/world.h"
#include "viz/panels/host_sections.h"
#include "viz/panels/host_sections_rows.h"
#include "maillab/source_dir.h"

using namespace maillab;
using engine::seconds;

namespace {

std::unique_ptr<scenarios::World> load_shipped(const std::string& name) {
  // MAILLAB_SOURCE_DIR, not __FILE__: a compiler cache (ccache base_dir) makes __FILE__ relative.
  const auto path = std::filesystem::path(MAILLAB_SOURCE_DIR) / "scenarios" / (name + ".yaml");
  scenarios::Diagnostics diagnostics;
  auto world = scenarios::load_world(path.string(), std::nullopt, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(world);
  return world;
}

template <typename T>
T& service_of(scenarios::World& world, const std::string& host_name) {
  auto* host = world.network.host(host_name);
  REQUIRE(host);
  auto* service = host->find_service<T>();
  REQUIRE(service);
  return *service;
}

std::string value_of(const viz::KeyValueRows& rows, const std::string& key) {
  for (const auto& [name, value] : rows) {
    if (name == key) return value;
  }
  return "(missing " + key + ")";
}

}  // namespace

TEST_CASE("durations read like a person says them", "[viz][host_sections]") {
  CHECK(viz::format_duration(seconds(250)) == "4m 10s");
  CHECK(viz::format_duration(seconds(59)) == "59s");
  CHECK(viz::format_duration(seconds(3720)) == "1h 2m");
  CHECK(viz::format_duration(seconds(300)) == "5m");
  CHECK(viz::format_duration(engine::milliseconds(250)) == "0.250s");
  CHECK(viz::format_relative(seconds(650), seconds(400)) == "in 4m 10s");
  CHECK(viz::format_relative(seconds(400), seconds(400)) == "now");
  CHECK(viz::format_relative(seconds(275), seconds(400)) == "2m 5s ago");
  CHECK(viz::format_bytes(512) == "512 B");
  CHECK(viz::format_bytes(2048) == "2.0 KB");
}

TEST_CASE("headers are read from raw messages, folded lines joined", "[viz][host_sections]") {
  const std::string message =
      "From: Alice <alice@example.com>\r\nsubject: A long\r\n  folded subject\r\nTo: bob@example.org\r\n\r\n"
      "Subject: not a header\r\n";
  CHECK(viz::header_value(message, "From") == "Alice <alice@example.com>");
  CHECK(viz::header_value(message, "Subject") == "A long folded subject");
  CHECK(viz::header_value(message, "Date").empty());
  CHECK(viz::header_value("no headers here", "From").empty());
  CHECK(viz::header_value("", "From").empty());
  CHECK(viz::first_words("Shall   we\r\nmeet at noon?", 100) == "Shall we meet at noon?");
  CHECK(viz::first_words("Shall we meet at noon?", 12) == "Shall we\xE2\x80\xA6");
}

TEST_CASE("every service kind of the shipped hosts has a section", "[viz][host_sections]") {
  viz::HostInspectorSections sections;
  viz::add_standard_host_sections(sections);
  for (const char* kind : {"resolver", "dns-server", "mta", "mailboxes", "pop3", "imap", "mail-client"}) {
    INFO(kind);
    CHECK_FALSE(sections.for_kind(kind).empty());
  }
}

TEST_CASE("smtp-retry at 400 s: the queue waits with its next attempt, the resolver caches the MX",
          "[viz][host_sections]") {
  auto world = load_shipped("smtp-retry");
  world->simulator.run_until(seconds(400));
  const engine::Time now = world->simulator.now();

  auto& mta = service_of<engine::MtaService>(*world, "mail.example.com");
  const viz::TableRows queue = viz::mta_queue_rows(mta, now);
  REQUIRE(queue.size() == 1);
  const auto& row = queue.front();
  REQUIRE(row.size() == 8);
  CHECK(row[1] == "2");  // at about 1 s and 316 s; the next wait is 600 s
  CHECK(row[2].rfind("in ", 0) == 0);
  CHECK(row[2].find('m') != std::string::npos);  // minutes away, not seconds
  CHECK(row[3] == "bob@example.org");
  CHECK(row[4] == "example.org");
  CHECK(row[5] == "alice@example.com");
  CHECK(row[6] == "M1");
  CHECK(row[7] != "-");
  const auto summary = viz::mta_summary_rows(mta);
  CHECK(value_of(summary, "domains") == "example.com");
  CHECK(value_of(summary, "delivered") == "0");

  auto& resolver = service_of<engine::ResolverService>(*world, "resolver.example.com");
  bool found_mx = false;
  for (const auto& entry : viz::resolver_cache_rows(resolver)) {
    REQUIRE(entry.size() == 4);
    if (entry[0] == "example.org" && entry[1] == "MX") {
      found_mx = true;
      const int ttl = std::stoi(entry[2]);
      CHECK(ttl < 3600);  // the zone says 3600; about 400 s have passed since it was cached
      CHECK(ttl > 3000);
      CHECK(entry[3].find("mx.example.org") != std::string::npos);
    }
  }
  CHECK(found_mx);
  const auto counters = viz::resolver_counter_rows(resolver);
  CHECK(std::stoi(value_of(counters, "client queries")) >= 1);
  CHECK(std::stoi(value_of(counters, "queries sent")) >= 1);

  auto& authoritative = service_of<engine::AuthoritativeService>(*world, "ns1.example.org");
  const auto zones = viz::dns_server_zone_rows(authoritative);
  REQUIRE(zones.size() == 1);
  CHECK(zones[0][0] == "example.org");
  const auto queries = viz::dns_server_recent_query_rows(authoritative, &world->network, now, 10);
  REQUIRE_FALSE(queries.empty());
  CHECK(queries.back()[1] == "resolver.example.com");
  CHECK(queries.back()[0].find("ago") != std::string::npos);
}

TEST_CASE("smtp-retry at the end: the queue is empty and bob's INBOX shows the message", "[viz][host_sections]") {
  auto world = load_shipped("smtp-retry");
  world->simulator.run_until(world->until);
  auto& sender = service_of<engine::MtaService>(*world, "mail.example.com");
  CHECK(viz::mta_queue_rows(sender, world->simulator.now()).empty());
  CHECK(value_of(viz::mta_summary_rows(sender), "relayed") == "1");

  auto& mailboxes = service_of<engine::MailboxService>(*world, "mx.example.org");
  const auto users = viz::mailbox_user_rows(mailboxes.store());
  REQUIRE(users.size() == 1);
  CHECK(users[0][0] == "bob");
  CHECK(users[0][2] == "unlimited");
  CHECK(users[0][3] == "1");
  const auto folders = viz::mailbox_folder_rows(mailboxes.store(), "bob");
  REQUIRE_FALSE(folders.empty());
  CHECK(folders[0][0] == "INBOX");
  CHECK(folders[0][1] == "1");
  CHECK(folders[0][2] == "1");  // nobody has read it yet
  const auto* inbox = mailboxes.store().folder("bob", "INBOX");
  REQUIRE(inbox);
  const auto messages = viz::mailbox_message_rows(*inbox);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0][0] == "1");
  CHECK(messages[0][2].find("alice@example.com") != std::string::npos);
  CHECK(messages[0][3] == "Patience");
}

TEST_CASE("imap-two-devices: each device's own view, folder by folder", "[viz][host_sections]") {
  auto world = load_shipped("imap-two-devices");
  world->simulator.run_until(world->until);
  auto& laptop = service_of<engine::MailClientService>(*world, "bob-laptop");
  const auto accounts = viz::mail_client_account_rows(laptop);
  REQUIRE(accounts.size() == 1);
  CHECK(accounts[0][0] == "bob@example.org");
  CHECK(accounts[0][1].rfind("IMAP ", 0) == 0);

  const auto folders = viz::mail_client_folders(laptop.store());
  REQUIRE_FALSE(folders.empty());
  CHECK(folders.front() == "INBOX");
  CHECK(std::find(folders.begin(), folders.end(), "Receipts") != folders.end());
  const auto inbox = viz::mail_client_folder_rows(laptop.store(), "INBOX");
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0][0] == "Lunch?");
  CHECK(inbox[0][1].find("alice@example.com") != std::string::npos);
  CHECK(inbox[0][2] == "read");  // read on the phone, synced to the laptop
  CHECK(inbox[0][3].find("Shall we meet") != std::string::npos);
  CHECK_FALSE(inbox[0][4].empty());  // the Date header, or "-" when the message has none  // read on the phone, synced to the laptop
  const auto receipts = viz::mail_client_folder_rows(laptop.store(), "Receipts");
  REQUIRE(receipts.size() == 1);
  CHECK(receipts[0][0] == "Invoice 42");

  auto& imap = service_of<engine::ImapService>(*world, "mail.example.org");
  CHECK(value_of(viz::imap_rows(imap), "ports") == "143, 993 (TLS)");
}
