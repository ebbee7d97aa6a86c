#include "engine/hosts/mail/submission_client.h"

#include <algorithm>

#include "engine/hosts/mail/mail_trace.h"
#include "protocols/mail/message.h"

namespace maillab::engine {

void SubmissionClient::submit(Submission submission) {
  Host& host = *host_;
  smtp::ClientOptions options;
  options.hostname = host.name();
  options.tls_active = submission.implicit_tls;
  options.server_name = submission.server_name;
  options.verify_certificate = true;  // a submitting program checks who it gives its password to
  options.auth_user = submission.auth_user;
  options.auth_password = submission.auth_password;
  std::string to;
  for (const auto& recipient : submission.envelope.recipients) to += (to.empty() ? "" : ", ") + recipient;
  if (ledger_) {
    submission.tracking_id = ledger_->reserve();
    submission.message = mail::prepend_header(submission.message, tracking_header, submission.tracking_id);
  }
  record_mail(host, submission.tracking_id,
              "submitting \"" + submission.label + "\" from <" + submission.envelope.reverse_path + "> to " + to +
                  " via " + submission.server_name + ":" + std::to_string(submission.server.port) +
                  (submission.auth_user.empty() ? " without AUTH" : " as " + submission.auth_user),
              submission.server_name);
  ++counts_.submitted;
  auto shared = std::make_shared<Submission>(submission);
  auto attempt = SmtpClientAttempt::start(
      host, submission.server, options, submission.envelope, submission.message, seconds(300), {},
      [this, shared](const AttemptResult& result) {
        std::string summary;
        if (!result.connected) {
          ++counts_.unreachable;
          summary = "not submitted: cannot connect to " + shared->server_name + " (" + result.connect_error + ")";
        } else if (result.result.outcome == smtp::DeliveryOutcome::delivered) {
          ++counts_.accepted;
          summary = "submitted: " + shared->server_name + " accepted \"" + shared->label + "\"";
          for (const auto& recipient : result.recipients)
            if (recipient.status != smtp::RecipientStatus::delivered)
              summary += "; refused " + recipient.address + ": " + recipient.reply.summary();
        } else {
          ++counts_.refused;
          summary = "not submitted: " + shared->server_name + " refused \"" + shared->label + "\" at " +
                    result.result.stage + ": " + result.result.reply.summary();
        }
        record_mail(*host_, shared->tracking_id, summary, shared->server_name);
      });
  running_.push_back(attempt);
  // Forget finished attempts now and then (they hold their session's buffers).
  if (running_.size() > 64) running_.erase(running_.begin(), running_.begin() + 32);
}

}  // namespace maillab::engine
