// The `send:` action: a host opens an SMTP connection to an MTA and sends one message.
//
//   - {at: 1s, send: {from: alice@example.com, to: bob@example.org, subject: Hi, body: "...",
//                     via: mail.example.com, from_host: alice-laptop}}          # 587 + AUTH
//   - {at: 2s, send: {from: ceo@example.com, mail_from: x@evil.test, to: bob@example.org,
//                     via: mx.example.org, port: 25, from_host: attacker}}     # no AUTH
//
// Port 587 (default) and 465 log in as the sender's local part with its password from the MTA
// host's mailboxes (or `password:`); `auth: false` tries without. Port 25 sends without AUTH, or
// with `auth: true` where the MTA offers it there (`auth_on_relay: true`; else a load error).
// The Date and Message-ID headers are left out on purpose: the submission server adds them
// (RFC 6409 §8); give `message_id:` to set one.
//
// Delivery status notifications (RFC 3461), sent when the server advertises DSN:
//   notify: never | [success, failure, delay]   # NOTIFY= on every RCPT TO
//   ret: full | hdrs                             # RET= on MAIL FROM: the whole message or its headers in a bounce
//   envid: "order-1234"                          # ENVID= on MAIL FROM (xtext): echoed as Original-Envelope-Id
//   orcpt: true                                  # ORCPT=rfc822;<recipient> on every RCPT TO
#include "engine/hosts/mail/submission_client.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "protocols/mail/address.h"
#include "protocols/mail/message.h"
#include "protocols/mail/text.h"
#include "protocols/smtp/dsn_parameters.h"
#include "scenarios/modules/mta_module.h"

namespace maillab::scenarios::mta_module {
namespace {

std::string to_crlf(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  if (!out.empty() && (out.size() < 2 || out.substr(out.size() - 2) != "\r\n")) out += "\r\n";
  return out;
}

std::optional<std::string> parse_address_value(const YAML::Node& node, LoadContext& context, std::string_view what,
                                               bool allow_empty = false) {
  auto text = context.text(node, what);
  if (!text) return std::nullopt;
  if (allow_empty && (text->empty() || *text == "<>")) return std::string();
  auto parsed = mail::parse_mailbox(*text);
  if (!parsed.ok()) {
    context.error(node, "bad " + std::string(what) + " '" + *text + "': " + parsed.error(), "an address like alice@example.com");
    return std::nullopt;
  }
  return parsed.value().addr_spec();
}

// notify:, ret:, envid:, orcpt: (RFC 3461). False after errors.
bool read_dsn_options(const YAML::Node& value, smtp::RecipientDsn& dsn, std::string& ret, std::string& envid,
                      LoadContext& context) {
  const std::size_t errors_before = context.diagnostics.count();
  if (const auto& node = value["notify"]) {
    if (auto words = context.text_list(node, "notify")) {
      std::string list;
      for (const auto& word : *words) list += (list.empty() ? "" : ",") + word;
      if (auto notify = smtp::parse_notify(list)) dsn.notify = *notify;
      else context.error(node, "bad notify '" + list + "'", "never, or a list of success, failure and delay (RFC 3461 §4.1)");
    }
  }
  if (const auto& node = value["ret"]) {
    if (auto text = context.text(node, "ret")) {
      ret = mail::to_upper(*text);
      if (ret != "FULL" && ret != "HDRS") context.error(node, "bad ret '" + *text + "'", "full or hdrs (RFC 3461 §4.3)");
    }
  }
  if (const auto& node = value["envid"]) {
    if (auto text = context.text(node, "envid")) {
      envid = *text;
      if (envid.empty() || smtp::xtext_encode(envid).size() > smtp::max_envid_length)
        context.error(node, "envid is empty or over 100 characters as xtext", "a short id (RFC 3461 §4.4)");
    }
  }
  if (const auto& node = value["orcpt"])
    if (auto on = context.boolean(node, "orcpt"); on && *on) dsn.orcpt = "rfc822;";  // each recipient's, below
  return context.diagnostics.count() == errors_before;
}

// What the send: block says, once every value has been read.
struct SendFields {
  std::string from, mail_from;
  std::vector<std::string> recipients, cc;
  engine::Host* via = nullptr;
  engine::Host* from_host = nullptr;
  std::string subject = "(no subject)", body = "Hello.\n";
  std::uint16_t port = 587;
  smtp::RecipientDsn recipient_dsn;
  std::string ret, envid;
};

// Reads every key of the block, reporting each bad one; nothing when any was bad.
std::optional<SendFields> read_send_fields(const YAML::Node& value, LoadContext& context) {
  if (!context.check_keys(value, "send", {"from", "to", "via"},
                          {"subject", "body", "port", "from_host", "mail_from", "password", "auth", "message_id", "cc",
                           "notify", "ret", "envid", "orcpt"}))
    return std::nullopt;
  SendFields fields;
  bool ok = true;
  auto from = parse_address_value(value["from"], context, "from address");
  if (auto list = context.text_list(value["to"], "to")) {
    for (const auto& item : *list) {
      auto parsed = mail::parse_mailbox(item);
      if (!parsed.ok()) {
        context.error(value["to"], "bad recipient '" + item + "': " + parsed.error(), "an address like bob@example.org");
        ok = false;
      } else {
        fields.recipients.push_back(parsed.value().addr_spec());
      }
    }
  } else {
    ok = false;
  }
  if (value["cc"]) {
    if (auto list = context.text_list(value["cc"], "cc")) fields.cc = *list;
    else ok = false;
  }
  fields.via = context.host(value["via"], "send via");
  fields.from_host = value["from_host"] ? context.host(value["from_host"], "from_host") : fields.via;
  if (value["subject"]) {
    if (auto text = context.text(value["subject"], "subject")) fields.subject = *text;
    else ok = false;
  }
  if (value["body"]) {
    if (auto text = context.text(value["body"], "body")) fields.body = *text;
    else ok = false;
  }
  std::optional<std::uint16_t> port = fields.port;
  if (value["port"]) port = context.port(value["port"], "send port");
  std::optional<std::string> mail_from = from;
  if (value["mail_from"]) mail_from = parse_address_value(value["mail_from"], context, "mail_from", true);
  if (!read_dsn_options(value, fields.recipient_dsn, fields.ret, fields.envid, context)) ok = false;
  if (!ok || !from || !fields.via || !fields.from_host || !port || !mail_from) return std::nullopt;
  fields.from = *from;
  fields.mail_from = *mail_from;
  fields.port = *port;
  return fields;
}

struct Credentials {
  std::string user, password;  // both empty: send without AUTH
};

// Whether to log in (auth:, else by port) and with which password: password:, the MTA's
// credentials:, or the MTA host's mailboxes. Nothing after a located error.
std::optional<Credentials> read_credentials(const YAML::Node& value, const SendFields& fields,
                                            const engine::MtaService& mta, LoadContext& context) {
  const engine::MtaConfig& mta_config = mta.config();
  const std::string& via = fields.via->name();
  const bool relay_port = fields.port == 25 || fields.port == mta_config.relay_port;
  std::optional<bool> auth = !relay_port;
  if (value["auth"]) auth = context.boolean(value["auth"], "auth");
  if (!auth) return std::nullopt;
  // RFC 4954 §3: a client may only AUTH where the server offers it. Said at load, not as a
  // mysterious failure at run time.
  if (*auth && relay_port && !mta_config.auth_on_relay) {
    context.error(value["auth"] ? value["auth"] : value["port"],
                  "auth: true on port " + std::to_string(fields.port) + ", but the MTA on " + via +
                      " offers no AUTH on its relay port",
                  "port: 587 (submission), auth: false, or auth_on_relay: true in " + via + "'s mta: block");
    return std::nullopt;
  }
  Credentials credentials;
  if (!*auth) return credentials;
  std::string& user = credentials.user;
  user = fields.from.substr(0, fields.from.rfind('@'));
  if (value["password"]) {
    auto text = context.text(value["password"], "password");
    if (!text) return std::nullopt;
    credentials.password = *text;
  } else if (auto found = mta_config.credentials.find(user); found != mta_config.credentials.end()) {
    credentials.password = found->second;
  } else if (auto* mailboxes = fields.via->find_service<engine::MailboxService>();
             mailboxes && mailboxes->store().password(user)) {
    credentials.password = *mailboxes->store().password(user);
  } else {
    context.error(value, "no password is known for '" + user + "' on " + via,
                  "a password: entry, a user in that host's mailboxes:, or auth: false");
    return std::nullopt;
  }
  return credentials;
}

std::string comma_list(const std::vector<std::string>& items) {
  std::string list;
  for (const auto& item : items) list += (list.empty() ? "" : ", ") + item;
  return list;
}

// The message as the user's program writes it: no Date or Message-ID unless message_id: is
// given (the submission server adds them, RFC 6409 §8).
std::string compose_message(const YAML::Node& value, const SendFields& fields, LoadContext& context) {
  mail::Message message;
  message.headers.append("From", fields.from);
  message.headers.append("To", comma_list(fields.recipients));
  if (!fields.cc.empty()) message.headers.append("Cc", comma_list(fields.cc));
  message.headers.append("Subject", fields.subject);
  if (value["message_id"]) {
    if (auto text = context.text(value["message_id"], "message_id")) message.headers.append("Message-ID", *text);
  }
  message.body = to_crlf(fields.body);
  return message.serialize();
}

// The envelope: To and Cc recipients, with the DSN parameters (RFC 3461) on each.
smtp::Envelope make_envelope(const SendFields& fields) {
  smtp::Envelope envelope;
  envelope.reverse_path = fields.mail_from;
  envelope.recipients = fields.recipients;
  envelope.recipients.insert(envelope.recipients.end(), fields.cc.begin(), fields.cc.end());
  envelope.ret = fields.ret;
  envelope.envid = fields.envid;
  if (fields.recipient_dsn.notify.given() || !fields.recipient_dsn.orcpt.empty())
    for (const auto& recipient : envelope.recipients) {
      smtp::RecipientDsn dsn = fields.recipient_dsn;
      if (!dsn.orcpt.empty()) dsn.orcpt = "rfc822;" + recipient;
      envelope.recipient_dsn.push_back(dsn);
    }
  return envelope;
}

}  // namespace

std::optional<engine::Simulator::Action> parse_send(const YAML::Node& value, LoadContext& context) {
  auto fields = read_send_fields(value, context);
  if (!fields) return std::nullopt;
  auto* mta = fields->via->find_service<engine::MtaService>();
  if (!mta) {
    context.error(value["via"], "'" + fields->via->name() + "' runs no MTA", "a host with an mta: block");
    return std::nullopt;
  }
  auto credentials = read_credentials(value, *fields, *mta, context);
  if (!credentials) return std::nullopt;

  engine::Submission submission;
  submission.server = engine::Endpoint{fields->via->address(), fields->port};
  submission.server_name = fields->via->name();
  submission.message = compose_message(value, *fields, context);
  submission.envelope = make_envelope(*fields);
  submission.auth_user = credentials->user;
  submission.auth_password = credentials->password;
  submission.implicit_tls = fields->port == mta->config().implicit_tls_port && mta->config().submission;
  submission.label = fields->subject;

  auto* client = fields->from_host->find_service<engine::SubmissionClient>();
  if (!client)
    client = static_cast<engine::SubmissionClient*>(
        &fields->from_host->add_service(std::make_unique<engine::SubmissionClient>(&context.world.ledger)));
  return engine::Simulator::Action([client, submission] { client->submit(submission); });
}

}  // namespace maillab::scenarios::mta_module
