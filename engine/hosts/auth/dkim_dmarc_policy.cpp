#include "engine/hosts/auth/dkim_dmarc_policy.h"

#include "engine/net/host.h"
#include "protocols/auth/authentication_results.h"
#include "protocols/auth/message_headers.h"

namespace maillab::engine {

struct DkimDmarcPolicy::Job {
  Host* host = nullptr;
  // The MTA's check, not a copy of it (the message is the whole message): the MTA keeps it until
  // `done` is called, and `done` owns what keeps it (mta_acceptance.cpp's policy chain).
  const MessageCheck* check = nullptr;
  // The check's message split once, for the From field and the DKIM signatures (only when DKIM is
  // verified: DMARC alone reads the header section only). Dropped once the verification has read it.
  std::unique_ptr<auth::MessageView> message;
  std::function<void(PolicyVerdict)> done;
  MessageAuthentication found;
};

std::string describe_dkim(const auth::DkimSignatureResult& result) {
  std::string text = "DKIM " + auth::to_string(result.result);
  if (result.result == auth::DkimResult::fail && result.failure != auth::DkimFailure::none)
    text += " (" + auth::to_string(result.failure) + ")";
  else if (result.result != auth::DkimResult::pass && !result.reason.empty())
    text += " (" + result.reason + ")";
  text += " d=" + (result.domain.empty() ? "?" : result.domain) + " s=" + (result.selector.empty() ? "?" : result.selector);
  if (result.result == auth::DkimResult::pass && result.key_bits > 0)
    text += " (" + std::to_string(result.key_bits) + "-bit key)";
  if (result.testing) text += " [key in testing mode, t=y]";
  return text;
}

namespace {

std::string spf_summary(const std::optional<SpfEvaluation>& spf) {
  if (!spf) return "SPF not checked";
  return "SPF " + auth::to_string(spf->outcome.result) + " for " +
         (spf->outcome.domain.empty() ? std::string("(no domain)") : spf->outcome.domain);
}

// The message as received. from_domain and DkimVerification read bare LF as CRLF themselves
// (RFC 6376 §5.3), so it is read where it is rather than converted into a copy.
std::string_view message_of(const MessageCheck& check) {
  return check.message ? std::string_view(*check.message) : std::string_view();
}

std::string dkim_summary(const std::vector<auth::DkimSignatureResult>& results) {
  if (results.empty()) return "DKIM none";
  std::string text;
  for (const auto& result : results)
    text += (text.empty() ? "" : ", ") + ("DKIM " + auth::to_string(result.result) + " for d=" + result.domain);
  return text;
}

}  // namespace

void DkimDmarcPolicy::check_message(Host& host, const MessageCheck& check, std::function<void(PolicyVerdict)> done) {
  // Mail our own users submit is not checked here (it is signed on the way out instead).
  if (!check.session.authenticated_user.empty() || check.session.mode != smtp::ServerMode::relay) return done({});
  auto job = std::make_shared<Job>();
  job->host = &host;
  job->check = &check;
  job->done = std::move(done);
  if (options_.verify_dkim) {
    job->message = std::make_unique<auth::MessageView>(message_of(check));
    job->found.from_domain = auth::from_domain(*job->message).value_or("");
  } else {
    job->found.from_domain = auth::from_domain(message_of(check)).value_or("");
  }

  // SPF: the result of MAIL FROM when the SPF policy ran; otherwise DMARC needs it now.
  if (const SpfEvaluation* known =
          book_ ? book_->find(check.session.client_address, check.session.helo, check.envelope.reverse_path) : nullptr) {
    job->found.spf = *known;
    return check_dkim(job);
  }
  if (options_.dmarc == DmarcMode::off) return check_dkim(job);
  run_spf(host, *lookups_, spf_request_for(host, check.session, check.envelope.reverse_path),
          [this, job](const SpfEvaluation& evaluation) {
            if (book_) book_->store(evaluation);
            job->found.spf = evaluation;
            check_dkim(job);
          });
}

void DkimDmarcPolicy::check_dkim(const std::shared_ptr<Job>& job) {
  if (!options_.verify_dkim) return check_dmarc(job);
  Host& host = *job->host;
  auth::DkimVerifyOptions verify_options;
  verify_options.key_cache = key_cache_;
  auto verification =
      std::make_shared<auth::DkimVerification>(*job->message, authentication_epoch_seconds(host), verify_options);
  job->message.reset();  // the verification keeps what it needs of the message (its hashes)
  if (verification->done() && verification->results().empty()) {
    record_authentication(host, "DKIM", "DKIM none: the message carries no DKIM-Signature");
    return check_dmarc(job);
  }
  record_authentication(host, "DKIM", "DKIM check: verifying the message's DKIM-Signature header(s)");
  lookups_->drive(host, "DKIM", verification, [this, job, verification] {
    job->found.dkim = verification->results();
    if (job->found.dkim.empty())
      record_authentication(*job->host, "DKIM", "DKIM none: the message carries no DKIM-Signature");
    for (const auto& result : job->found.dkim) record_authentication(*job->host, "DKIM", describe_dkim(result));
    check_dmarc(job);
  });
}

void DkimDmarcPolicy::check_dmarc(const std::shared_ptr<Job>& job) {
  if (options_.dmarc == DmarcMode::off) return finish(job);
  Host& host = *job->host;
  if (job->found.from_domain.empty()) {
    // RFC 7489 §6.6.1 leaves messages without exactly one From domain to local policy: we only report.
    auth::DmarcOutcome outcome;
    outcome.result = auth::DmarcResult::permerror;
    outcome.reason = "no single RFC5322.From domain";
    job->found.dmarc = outcome;
    record_authentication(host, "DMARC", "DMARC permerror: the message has no single From address to check");
    return finish(job);
  }
  record_authentication(host, "DMARC",
                        "DMARC check: From domain " + job->found.from_domain + "; asking _dmarc." +
                            job->found.from_domain + " for its policy");
  auto discovery = std::make_shared<auth::DmarcDiscovery>(job->found.from_domain);
  lookups_->drive(host, "DMARC", discovery, [this, job, discovery] {
    Host& where = *job->host;
    auth::DmarcInputs inputs;
    inputs.from_domain = job->found.from_domain;
    if (job->found.spf) {
      inputs.spf_result = job->found.spf->outcome.result;
      inputs.spf_domain = job->found.spf->outcome.domain;
    }
    inputs.dkim = auth::dmarc_dkim_inputs(job->found.dkim);
    if (!rng_) rng_ = where.simulator().rng().derive("dmarc:" + where.name());
    inputs.sampling_draw = static_cast<int>(rng_->uniform(100));
    job->found.dmarc = auth::evaluate_dmarc(discovery->result(), inputs);
    finish(job);
  });
}

void DkimDmarcPolicy::finish(const std::shared_ptr<Job>& job) {
  Host& host = *job->host;
  MessageAuthentication& found = job->found;
  PolicyVerdict verdict;
  found.action = "deliver";

  if (found.dmarc && options_.dmarc != DmarcMode::off && !found.from_domain.empty()) {
    const auth::DmarcOutcome& dmarc = *found.dmarc;
    const std::string from = found.from_domain;
    std::string line;
    switch (dmarc.result) {
      case auth::DmarcResult::none: line = "DMARC none: " + from + " publishes no DMARC policy"; break;
      case auth::DmarcResult::temperror: line = "DMARC temperror: " + dmarc.reason; break;
      case auth::DmarcResult::permerror: line = "DMARC permerror: " + dmarc.reason; break;
      case auth::DmarcResult::pass:
        line = "DMARC pass: From " + from + " aligned with " +
               (dmarc.dkim_aligned ? std::string("DKIM") : std::string("SPF")) + " (" + spf_summary(found.spf) +
               "; " + dkim_summary(found.dkim) + "); policy " + auth::to_string(dmarc.policy);
        break;
      case auth::DmarcResult::fail:
        line = "DMARC fail: From " + from + " not aligned (" + spf_summary(found.spf) + "; " +
               dkim_summary(found.dkim) + "); policy " + auth::to_string(dmarc.policy);
        if (dmarc.sampled_out)  // RFC 7489 §6.6.4: a message not sampled gets the next weaker policy
          line += ", but this message was sampled out by pct= and is treated as " + auth::to_string(dmarc.disposition);
        break;
    }
    if (dmarc.result == auth::DmarcResult::fail) {
      const bool act = options_.dmarc == DmarcMode::enforce;
      if (dmarc.disposition == auth::DmarcPolicy::reject && act) {
        verdict.reply.code = 550;
        verdict.reply.enhanced_status = "5.7.1";
        verdict.reply.lines = {"Unauthenticated mail from " + from + " is refused by its DMARC policy (p=reject)"};
        found.action = "reject";
        line += " -> 550 5.7.1";
      } else if (dmarc.disposition == auth::DmarcPolicy::quarantine && act) {
        verdict.folder = "Junk";
        found.action = "junk";
        line += " -> quarantined in Junk";
      } else {
        line += !act ? " -> delivered (this MTA only reports DMARC)"
                     : dmarc.policy == auth::DmarcPolicy::none ? " -> delivered (p=none: the domain only monitors)"
                                                               : " -> delivered";
      }
    }
    record_authentication(host, "DMARC", line);
  }

  // RFC 8601 §2.2: authserv-id; resinfo; resinfo ...
  auth::AuthenticationResults results;
  results.authserv_id = options_.authserv_id.empty()
                            ? (job->check->session.server_hostname.empty() ? host.name()
                                                                           : job->check->session.server_hostname)
                            : options_.authserv_id;
  if (found.spf) results.results.push_back(auth::spf_authentication_result(found.spf->request, found.spf->outcome));
  if (options_.verify_dkim) {
    if (found.dkim.empty()) results.results.push_back(auth::dkim_none_authentication_result());
    for (const auto& result : found.dkim) results.results.push_back(auth::dkim_authentication_result(result));
  }
  if (found.dmarc && options_.dmarc != DmarcMode::off)
    results.results.push_back(auth::dmarc_authentication_result(*found.dmarc));
  std::string value = results.authserv_id;
  if (results.results.empty()) value += "; none";
  for (const auto& result : results.results) value += "; " + auth::format_authentication_result(result);
  found.authentication_results = value;
  if (found.action != "reject") verdict.prepend_headers.push_back({"Authentication-Results", value});
  ++checked_;
  recent_.push_back(std::move(found));
  if (recent_.size() > recent_limit) recent_.pop_front();
  job->done(std::move(verdict));
}

}  // namespace maillab::engine
