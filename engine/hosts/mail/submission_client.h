// A minimal SMTP client on a host, for scripted `send:` actions: it opens one connection to an
// MTA (587 with AUTH like a mail program, or 25 without, like a spoofing script), sends one
// message and reports what the server said. Full mail clients (MUA) live elsewhere.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/hosts/mail/smtp_client_adapter.h"
#include "engine/hosts/mail_ledger.h"
#include "engine/net/host.h"

namespace maillab::engine {

struct Submission {
  Endpoint server;
  std::string server_name;      // for traces
  smtp::Envelope envelope;
  std::string message;          // RFC 5322 bytes (CRLF)
  std::string auth_user;        // "" = no AUTH
  std::string auth_password;
  bool implicit_tls = false;    // port 465
  std::string label;            // e.g. the Subject, for traces
  std::string tracking_id;      // set by submit() when it has a ledger: the message's journey id
};

// What became of the messages a client submitted (counts, not copies: a busy generated world
// submits a million messages, and each fate is already in the trace and the ledger).
struct SubmissionCounts {
  std::uint64_t submitted = 0;
  std::uint64_t accepted = 0;     // the server took the message for at least one recipient
  std::uint64_t refused = 0;      // the server refused it (at MAIL, RCPT, DATA or AUTH)
  std::uint64_t unreachable = 0;  // no connection to the server
  std::uint64_t running() const { return submitted - accepted - refused - unreachable; }
};

class SubmissionClient : public Service {
 public:
  // With a ledger, each message takes its tracking id when it is submitted (MailLedger::reserve).
  explicit SubmissionClient(MailLedger* ledger = nullptr) : ledger_(ledger) {}
  std::string_view kind() const override { return "smtp-client"; }
  void start(Host& host) override { host_ = &host; }
  void on_crash() override { running_.clear(); }

  void submit(Submission submission);
  const SubmissionCounts& counts() const { return counts_; }
  // The attempts still running: counts().running(), except between a crash (on_crash lets them go)
  // and the reports the crash brings.
  std::size_t attempts_held() const { return running_.size(); }

 private:
  Host* host_ = nullptr;
  MailLedger* ledger_ = nullptr;
  // The attempts still talking to a server, by submission number; each leaves when it reports.
  // (Kept until then, not after: a busy world submits a million messages from a few hosts.)
  std::map<std::uint64_t, std::shared_ptr<SmtpClientAttempt>> running_;
  SubmissionCounts counts_;
};

}  // namespace maillab::engine
