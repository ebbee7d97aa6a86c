// The POP3 server of a mail host (service kind "pop3"): listens on 110 (plain) and 995 (implicit
// TLS, RFC 8314 §3, simulated with StreamConnection::set_tls) and runs one pop3::ServerSession per
// connection over the host's MailboxService store. Every command and reply line becomes one
// `protocol` trace record (PASS masked by the session); the UPDATE state's deletions one `mail`
// record.
//
// RFC 1939 rules the host keeps: the maildrop lock is released whenever a session ends (QUIT,
// dropped connection, host crash), and a connection that ends without QUIT deletes nothing (§6).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/hosts/mailbox/mailbox_access_service.h"
#include "protocols/pop3/server_session.h"

namespace maillab::engine {

struct Pop3ServiceOptions {
  std::vector<std::uint16_t> plain_ports{110};
  std::vector<std::uint16_t> tls_ports{995};
  std::string hostname;  // greeting name; the host's name when empty
  bool starttls = true;
  bool login_requires_tls = false;  // no password in the clear before TLS (RFC 2595 §4)  // offer TLS on the plain ports (RFC 2595 §4 STLS)
  // A session that hears nothing from its client this long is logged out (RFC 1939 §3: at least
  // 10 minutes); 0: never.
  Time idle_timeout = seconds(10 * 60);
};

class Pop3Service : public MailboxAccessService<pop3::ServerSession, Pop3ServiceOptions> {
 public:
  explicit Pop3Service(Pop3ServiceOptions options = {});
  std::string_view kind() const override { return "pop3"; }
  std::uint64_t sessions_served() const { return sessions_served_; }

 private:
  void open_session(std::shared_ptr<StreamConnection> connection, std::string peer, MailboxService& mailboxes) override;
  void record(Session& session, const pop3::Event& event) override;

  std::uint64_t sessions_served_ = 0;
};

}  // namespace maillab::engine
