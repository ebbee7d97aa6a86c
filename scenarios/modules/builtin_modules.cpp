// The one place that lists the scenario modules. A new module adds its register function's
// declaration to modules/builtin_modules.h and one line below.
#include "scenarios/modules/builtin_modules.h"

namespace maillab::scenarios {

void register_builtin_modules(Registry& registry) {
  register_network_module(registry);   // link_down/up, crash/restart, transfer, note; trace/packets/messages checks
  register_dns_module(registry);       // dns_server/resolver blocks; lookup, mail_route, dns_record; DNS checks
  register_mailbox_module(registry);   // mailboxes (users, aliases, forwards); mailbox expectation
  register_mailbox_access_module(registry);  // pop3, imap server blocks
  register_client_module(registry);    // mail_client block; check_mail/read/reply/forward/compose/delete/move; device checks
  register_mta_module(registry);       // mta block; send; delivered/bounced/rejected/smtp_reply/queued checks
  register_auth_module(registry);      // authentication, publish blocks; tamper; auth_results check
  register_header_expectation(registry);  // header: count, unfolded value, order
  register_generate_module(registry);  // generate: section (many domains, traffic streams)
  register_tls_module(registry);       // tls block: a server's certificate (good, expired, ...)
  register_set_action(registry);       // set: change a host block's settings during a run
}

}  // namespace maillab::scenarios
