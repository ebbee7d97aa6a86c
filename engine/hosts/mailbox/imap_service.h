// The IMAP server of a mail host (service kind "imap"): listens on 143 (plain) and 993 (implicit
// TLS, RFC 8314 §3, simulated with StreamConnection::set_tls) and runs one imap::ServerSession per
// connection over the host's MailboxService store. Every command and response line becomes one
// `protocol` trace record (LOGIN passwords masked by the session; message data shown only as the
// first line of its response).
//
// Two devices of one user are two sessions on the same store. The service watches the store
// (MailStore observers): when anything changes — new mail from the MDA, a flag or an expunge from
// the other device, a POP3 deletion — every idling session (RFC 2177 IDLE) gets poll_updates()
// and its untagged EXISTS/EXPUNGE/FETCH go out at once. Sessions that are not idling hear about
// the change before their next tagged reply, as RFC 3501 §7 allows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/hosts/mailbox/mailbox_access_service.h"
#include "protocols/imap/server_session.h"

namespace maillab::engine {

struct ImapServiceOptions {
  std::vector<std::uint16_t> plain_ports{143};
  std::vector<std::uint16_t> tls_ports{993};
  std::string hostname;  // greeting name; the host's name when empty
  bool starttls = true;
  bool login_requires_tls = false;  // no password in the clear before TLS (RFC 3501 §6.2.3: LOGINDISABLED)  // offer TLS on the plain ports (RFC 3501 §6.2.1 STARTTLS)
  // A session that hears nothing from its client this long is logged out (RFC 3501 §5.4: at least
  // 30 minutes); 0: never.
  Time idle_timeout = seconds(30 * 60);
};

class ImapService : public MailboxAccessService<imap::ServerSession, ImapServiceOptions> {
 public:
  explicit ImapService(ImapServiceOptions options = {});
  ~ImapService() override;
  std::string_view kind() const override { return "imap"; }
  void start(Host& host) override;
  std::uint64_t updates_pushed() const { return updates_pushed_; }

 private:
  MailboxService* mailboxes() override;  // also registers the store observer the first time
  void open_session(std::shared_ptr<StreamConnection> connection, std::string peer, MailboxService& mailboxes) override;
  void record(Session& session, const imap::Event& event) override;
  void store_changed();
  void push_updates();

  MailboxService* observed_ = nullptr;
  // The store may outlive us or die first (services are destroyed in order): the observer holds
  // only a weak reference to this flag.
  std::shared_ptr<ImapService*> self_;
  bool push_scheduled_ = false;
  std::uint64_t updates_pushed_ = 0;
};

}  // namespace maillab::engine
