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
  const std::uint64_t number = counts_.submitted++;
  // What the report needs, not the Submission: the attempt already holds the message.
  struct Report {
    std::string server_name, label, tracking_id;
  };
  Report report{submission.server_name, std::move(submission.label), std::move(submission.tracking_id)};
  running_[number] = SmtpClientAttempt::start(
      host, submission.server, options, std::move(submission.envelope),
      std::make_shared<const std::string>(std::move(submission.message)), seconds(300),
      {}, [this, number, report = std::move(report)](const AttemptResult& result) {
        running_.erase(number);
        std::string summary;
        if (!result.connected) {
          ++counts_.unreachable;
          summary = "not submitted: cannot connect to " + report.server_name + " (" + result.connect_error + ")";
        } else if (result.result.outcome == smtp::DeliveryOutcome::delivered) {
          ++counts_.accepted;
          summary = "submitted: " + report.server_name + " accepted \"" + report.label + "\"";
          for (const auto& recipient : result.recipients)
            if (recipient.status != smtp::RecipientStatus::delivered)
              summary += "; refused " + recipient.address + ": " + recipient.reply.summary();
        } else {
          ++counts_.refused;
          summary = "not submitted: " + report.server_name + " refused \"" + report.label + "\" at " +
                    result.result.stage + ": " + result.result.reply.summary();
        }
        record_mail(*host_, report.tracking_id, summary, report.server_name);
      });
}

}  // namespace maillab::engine
