// The host inspector's sections, split in two: pure functions that turn a service's state into
// rows of strings (unit-tested in tests/viz/host_sections_test.cpp, no window needed), and thin
// ImGui drawers that put those rows into tables (one viz/panels/host_sections_<kind>.cpp per
// service kind, registered by add_standard_host_sections()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/time.h"

namespace maillab::store {
class MailStore;
struct Folder;
}  // namespace maillab::store

namespace maillab::engine {
class AuthoritativeService;
class DeviceStore;
class ImapService;
class MailClientService;
class MtaService;
class Network;
class Pop3Service;
class ResolverService;
}  // namespace maillab::engine

namespace maillab::viz {

class HostInspectorSections;

using TableRows = std::vector<std::vector<std::string>>;
using KeyValueRows = std::vector<std::pair<std::string, std::string>>;

// ---- shared formatting (host_sections_common.cpp) ----
// "4m 10s", "1h 2m", "12s", "0.250s" (below one second).
std::string format_duration(engine::Time duration);
// Relative to now: "in 4m 10s", "now", "2m 5s ago".
std::string format_relative(engine::Time when, engine::Time now);
// "1.2 KB" style sizes.
std::string format_bytes(std::uint64_t bytes);
// The value of the first `name:` header of an RFC 5322 message (case-insensitive, folded lines
// joined, RFC 5322 §2.2.3); "" when absent or the message is junk.
std::string header_value(std::string_view message, std::string_view name);
// At most `max_chars` characters of `text`, whitespace collapsed, cut at a word with "…".
std::string first_words(std::string_view text, std::size_t max_chars);

// Draws `rows` as an ImGui table with the given column headers (host_sections_common.cpp).
void draw_table(const char* id, const std::vector<const char*>& headers, const TableRows& rows);
void draw_key_values(const char* id, const KeyValueRows& rows);
void draw_key_values_inline(const KeyValueRows& rows);

// ---- kind "resolver" (host_sections_resolver.cpp) ----
KeyValueRows resolver_counter_rows(const engine::ResolverService& resolver);
// name, type, remaining TTL ("3541 s"), data — in the cache's order.
TableRows resolver_cache_rows(const engine::ResolverService& resolver);
void add_resolver_sections(HostInspectorSections& sections);

// ---- kind "dns-server" (host_sections_dns_server.cpp) ----
// zone origin, number of records, SOA serial.
TableRows dns_server_zone_rows(const engine::AuthoritativeService& server);
// time ("12.3 s ago"), from (host name or address), question — newest first, at most `limit`.
TableRows dns_server_recent_query_rows(const engine::AuthoritativeService& server, const engine::Network* network,
                                       engine::Time now, std::size_t limit);
void add_dns_server_sections(HostInspectorSections& sections);

// ---- kind "mta" (host_sections_mta.cpp) ----
KeyValueRows mta_summary_rows(const engine::MtaService& mta);
// queue id, attempts, next attempt ("in 4m 10s", or "in flight"), recipients, destination,
// sender, ledger id, last error — what a student looks for first comes first (the inspector is
// narrow).
TableRows mta_queue_rows(const engine::MtaService& mta, engine::Time now);
void add_mta_sections(HostInspectorSections& sections);

// ---- kind "mailboxes" (host_sections_mailboxes.cpp) ----
// user, used, quota ("unlimited" when 0), messages.
TableRows mailbox_user_rows(const store::MailStore& store);
// folder, messages, unseen, size.
TableRows mailbox_folder_rows(const store::MailStore& store, std::string_view user);
// UID, flags, From, Subject.
TableRows mailbox_message_rows(const store::Folder& folder);
void add_mailbox_sections(HostInspectorSections& sections);

// ---- kinds "pop3" and "imap" (host_sections_mail_access.cpp) ----
KeyValueRows pop3_rows(const engine::Pop3Service& pop3);
KeyValueRows imap_rows(const engine::ImapService& imap);
void add_mail_access_sections(HostInspectorSections& sections);

// ---- kind "mail-client" (host_sections_mail_client.cpp) ----
// address, incoming ("IMAP imap.example.org:143"), outgoing ("smtp.example.org:587").
TableRows mail_client_account_rows(const engine::MailClientService& client);
// folder names the device knows and those its messages are in, sorted.
std::vector<std::string> mail_client_folders(const engine::DeviceStore& store);
// subject, sender, flags ("read", "unread, flagged"), first words, date — for one folder of the
// device, in the order a narrow inspector should show them.
TableRows mail_client_folder_rows(const engine::DeviceStore& store, const std::string& folder);
void add_mail_client_sections(HostInspectorSections& sections);

}  // namespace maillab::viz
