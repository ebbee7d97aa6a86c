#include "engine/hosts/auth/spf_policy.h"

#include "engine/net/host.h"

namespace maillab::engine {

void SpfResultBook::store(const SpfEvaluation& evaluation) {
  const auto& request = evaluation.request;
  results_[{request.client_ip, request.helo, request.mail_from}] = evaluation;
}

const SpfEvaluation* SpfResultBook::find(const std::string& client_ip, const std::string& helo,
                                         const std::string& mail_from) const {
  auto found = results_.find({client_ip, helo, mail_from});
  return found == results_.end() ? nullptr : &found->second;
}

std::string describe_spf(const SpfEvaluation& evaluation) {
  const auto& request = evaluation.request;
  const auto& outcome = evaluation.outcome;
  const std::string head = "SPF " + auth::to_string(outcome.result) + ": ";
  const std::string mechanism = outcome.mechanism.empty() ? "" : " (" + outcome.mechanism + ")";
  switch (outcome.result) {
    case auth::SpfResult::pass:
      return head + request.client_ip + " is permitted by " + outcome.domain + mechanism;
    case auth::SpfResult::fail:
      return head + request.client_ip + " is not permitted by " + outcome.domain + mechanism;
    case auth::SpfResult::softfail:
      return head + request.client_ip + " is probably not permitted by " + outcome.domain + mechanism;
    case auth::SpfResult::neutral:
      return head + outcome.domain + " says nothing about " + request.client_ip + mechanism;
    case auth::SpfResult::none:
      return head + (outcome.domain.empty() ? "no domain to check" : outcome.domain + " publishes no SPF record") +
             (outcome.reason.empty() ? "" : " (" + outcome.reason + ")");
    case auth::SpfResult::temperror:
    case auth::SpfResult::permerror:
      return head + outcome.domain + ": " + outcome.reason;
  }
  return head + outcome.reason;
}

auth::SpfRequest spf_request_for(Host& host, const smtp::SessionInfo& session, const std::string& reverse_path) {
  auth::SpfRequest request;
  request.client_ip = session.client_address;
  request.mail_from = reverse_path;
  request.helo = session.helo;
  request.receiver = session.server_hostname.empty() ? host.name() : session.server_hostname;
  request.now_seconds = authentication_epoch_seconds(host);
  return request;
}

void run_spf(Host& host, AuthLookups& lookups, auth::SpfRequest request,
             std::function<void(const SpfEvaluation&)> done) {
  const std::string domain_of_sender =
      request.mail_from.empty() ? request.helo : request.mail_from.substr(request.mail_from.rfind('@') + 1);
  record_authentication(host, "SPF",
                        "SPF check: may " + request.client_ip + " send mail from " +
                            (request.mail_from.empty() ? "<> (HELO " + request.helo + ")" : request.mail_from) +
                            "? asking " + domain_of_sender + "'s SPF record");
  auto check = std::make_shared<auth::SpfCheck>(request);
  Host* where = &host;
  lookups.drive(host, "SPF", check, [where, check, done = std::move(done)] {
    SpfEvaluation evaluation{check->request(), check->outcome()};
    record_authentication(*where, "SPF", describe_spf(evaluation));
    done(evaluation);
  });
}

namespace {
// The header's value: auth::received_spf_header's field without its name.
std::string received_spf_value(const SpfEvaluation& evaluation) {
  std::string field = auth::received_spf_header(evaluation.request, evaluation.outcome);
  const std::string prefix = "Received-SPF:";
  if (field.rfind(prefix, 0) == 0) field = field.substr(prefix.size());
  while (!field.empty() && (field.front() == ' ' || field.front() == '\t')) field.erase(field.begin());
  return field;
}
}  // namespace

void SpfPolicy::check_mail_from(Host& host, const MailFromCheck& check, std::function<void(PolicyVerdict)> done) {
  // Submission (an authenticated user, or ports 587/465) is not checked: SPF is about which hosts
  // may hand mail for a domain to other domains' MTAs (RFC 7208 §2.4, RFC 6409 §4).
  if (!check.session.authenticated_user.empty() || check.session.mode != smtp::ServerMode::relay) return done({});
  ++checks_;
  auto book = book_;
  const SpfAction action = action_;
  Host* where = &host;
  run_spf(host, *lookups_, spf_request_for(host, check.session, check.reverse_path),
          [book, action, where, done = std::move(done)](const SpfEvaluation& evaluation) {
            book->store(evaluation);
            PolicyVerdict verdict;
            // RFC 7208 §9.1: "Received-SPF: pass (comment) key=value; ..." — the MTA puts it right
            // above its own Received field when the message is accepted.
            verdict.prepend_headers.push_back({"Received-SPF", received_spf_value(evaluation)});
            if (action == SpfAction::reject && evaluation.outcome.result == auth::SpfResult::fail) {
              // RFC 7372 §3.2: 5.7.23 "SPF validation failed".
              verdict.reply.code = 550;
              verdict.reply.enhanced_status = "5.7.23";
              verdict.reply.lines = {"SPF validation failed: " + evaluation.request.client_ip +
                                     " is not permitted to send mail from " + evaluation.outcome.domain};
              record_authentication(*where, "SPF", "SPF fail is enforced here: MAIL FROM refused -> 550 5.7.23");
            }
            done(std::move(verdict));
          });
}

}  // namespace maillab::engine
