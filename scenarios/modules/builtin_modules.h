// Every scenario module's register function. Each lives in its own file under modules/ (or in
// the module's own folder) and is called from register_builtin_modules().
#pragma once

#include "scenarios/registry.h"

namespace maillab::scenarios {

// modules/network_module.cpp: actions link_down, link_up, crash, restart, transfer, note;
// expectations transfer_complete, trace_contains, packets_dropped, messages.
void register_network_module(Registry& registry);

// modules/mailbox_module.cpp: host block mailboxes; expectation mailbox.
void register_mailbox_module(Registry& registry);

// modules/dns_module*.cpp: host blocks dns_server, resolver; actions lookup, mail_route, dns_record;
// expectations dns_answer, mail_route, dns_queries, cache_hits, cache_contains.
void register_dns_module(Registry& registry);

// modules/mailbox_access_module.cpp: host blocks pop3, imap.
void register_mailbox_access_module(Registry& registry);

// modules/client_module*.cpp: host block mail_client; actions check_mail, read, reply, forward, compose,
// delete, move; expectations device_shows, device_count, device_ok, server_has.
void register_client_module(Registry& registry);

// modules/mta_module*.cpp: host block mta; action send; expectations delivered, bounced, rejected, smtp_reply, queued.
void register_mta_module(Registry& registry);

// modules/auth_module*.cpp: host blocks authentication (SPF/DKIM/DMARC on an MTA), publish (their DNS
// records); action tamper; expectation auth_results.
void register_auth_module(Registry& registry);
void register_tls_module(Registry& registry);

// modules/header_expect.cpp: expectation header (count, unfolded value, order of header fields).
void register_header_expectation(Registry& registry);

// modules/set_action.cpp: action set (change a host block's settings during a run, through the
// SettingParsers the modules register with add_setting).
void register_set_action(Registry& registry);

// modules/generate_*.cpp: top-level section generate: (domains under a generated root and TLDs;
// traffic streams between them).
void register_generate_module(Registry& registry);

}  // namespace maillab::scenarios
