// MtaService: life cycle, listeners, the queue runner, accessors and the conservation audit.
#include "engine/hosts/mail/mta_service.h"

#include <algorithm>
#include <cctype>

#include "engine/hosts/mail/mail_trace.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/net/network.h"
#include "protocols/common/ascii_case.h"

namespace maillab::engine {

MtaService::MtaService(MtaConfig config, MailLedger& ledger)
    : config_(std::move(config)), ledger_(ledger), greylist_(config_.greylist.value_or(GreylistPolicy{})) {
  for (auto& domain : config_.domains) domain = common::to_lower(domain);
  for (auto& domain : config_.relay_domains) domain = common::to_lower(domain);
}

std::map<std::uint16_t, smtp::ServerMode> MtaService::listeners() const {
  std::map<std::uint16_t, smtp::ServerMode> ports;
  if (config_.relay) ports.emplace(config_.relay_port, smtp::ServerMode::relay);
  if (config_.submission) {
    ports.emplace(config_.submission_port, smtp::ServerMode::submission);
    ports.emplace(config_.implicit_tls_port, smtp::ServerMode::implicit_tls);
  }
  return ports;
}

std::vector<std::string> MtaService::apply_config(MtaConfig next) {
  for (auto& domain : next.domains) domain = common::to_lower(domain);
  for (auto& domain : next.relay_domains) domain = common::to_lower(domain);
  if (next.hostname.empty() && host_) next.hostname = host_->name();
  if (next.greylist && (!config_.greylist || next.greylist->delay != config_.greylist->delay ||
                        next.greylist->max_age != config_.greylist->max_age))
    greylist_ = Greylist(*next.greylist);  // a new policy starts with no triplets, as a restarted postgrey
  const auto before = listeners();
  config_ = std::move(next);
  const auto after = listeners();
  std::vector<std::string> effects;
  if (!host_) return effects;
  for (const auto& [port, mode] : before)
    if (auto found = after.find(port); found == after.end() || found->second != mode) {
      host_->unlisten(port);
      effects.push_back("port " + std::to_string(port) + " closed");
    }
  for (const auto& [port, mode] : after)
    if (auto found = before.find(port); found == before.end() || found->second != mode) {
      listen_on(port, mode);
      effects.push_back("port " + std::to_string(port) + " open");
    }
  schedule_queue_run();
  return effects;
}

MtaService::~MtaService() {
  *alive_ = false;
  if (host_ && queue_timer_) host_->simulator().cancel(queue_timer_);
  // Host destroys its services before its transport, so our resolver may unbind its port here.
}

StubResolver& MtaService::resolver() {
  if (!resolver_) {
    own_resolver_ = std::make_unique<StubResolver>(*host_);
    resolver_ = own_resolver_.get();
  }
  return *resolver_;
}

void MtaService::start(Host& host) {
  host_ = &host;
  if (config_.hostname.empty()) config_.hostname = host.name();
  // Its own generator, derived from the run's seed and the host: MX ties are shuffled the same
  // way for the same seed, whatever other components draw.
  rng_ = host.simulator().rng().derive("mta:" + host.name());
  for (const auto& [port, mode] : listeners()) listen_on(port, mode);
}

void MtaService::listen_on(std::uint16_t port, smtp::ServerMode mode) {
  host_->listen(port, [this, mode](std::shared_ptr<StreamConnection> connection) {
    auto server = std::make_shared<SmtpServerConnection>(*this, *host_, std::move(connection), server_options(mode),
                                                         config_.command_timeout);
    connections_[server->id()] = server;
    server->start();
  });
}

smtp::ServerOptions MtaService::server_options(smtp::ServerMode mode) const {
  smtp::ServerOptions options;
  options.hostname = config_.hostname;
  options.mode = mode;
  options.max_message_size = config_.max_message_size;
  options.max_recipients = config_.max_recipients;
  options.offer_starttls = config_.starttls && mode != smtp::ServerMode::implicit_tls;
  options.tls_active = mode == smtp::ServerMode::implicit_tls;
  options.offer_auth_on_relay = config_.auth_on_relay;
  options.offer_dsn = config_.dsn;
  options.check_credentials = [this](std::string_view user, std::string_view password) {
    return check_credentials(user, password);
  };
  return options;
}

void MtaService::on_crash() {
  ++epoch_;
  host_->simulator().cancel_timer(queue_timer_);
  for (auto& [id, connection] : connections_) connection->drop();
  connections_.clear();
  // The queue is on disk and survives; the attempts that were running are lost with the memory.
  for (auto& [sequence, entry] : queue_.entries()) {
    if (!entry.in_flight) continue;
    entry.in_flight = false;
    entry.next_attempt = 0;  // retried as soon as the host is back
    record_mail(*host_, entry.ledger_id,
                "interrupted: " + host_->name() + " crashed during the delivery attempt for queue entry " +
                    entry.queue_id + "; it stays in the queue (on disk)");
  }
}

void MtaService::on_restart() {
  if (queue_.size() > 0)
    record_mail(*host_, {}, "queue: " + host_->name() + " restarted with " + std::to_string(queue_.size()) +
                                " queued message(s)");
  schedule_queue_run();
}

std::vector<std::string> MtaService::domains() const {
  if (!config_.domains.empty()) return config_.domains;
  if (auto* mailboxes = this->mailboxes()) return mailboxes->domains();
  return {};
}

bool MtaService::is_local_domain(std::string_view domain) const {
  const auto list = domains();
  return std::find(list.begin(), list.end(), common::to_lower(domain)) != list.end();
}

bool MtaService::is_relay_domain(std::string_view domain) const {
  return std::find(config_.relay_domains.begin(), config_.relay_domains.end(), common::to_lower(domain)) !=
         config_.relay_domains.end();
}

MailboxService* MtaService::mailboxes() const { return host_ ? host_->find_service<MailboxService>() : nullptr; }

bool MtaService::check_credentials(std::string_view user, std::string_view password) const {
  if (auto found = config_.credentials.find(std::string(user)); found != config_.credentials.end())
    return found->second == password;
  auto* mailboxes = this->mailboxes();
  if (!mailboxes) return false;
  // Users log in as "alice" or as "alice@example.com" (when example.com is ours).
  std::string name(user);
  if (auto at = name.rfind('@'); at != std::string::npos) {
    if (!mailboxes->serves_domain(name.substr(at + 1))) return false;
    name = name.substr(0, at);
  }
  return mailboxes->store().check_password(name, password);
}

std::vector<MtaService::QueueItem> MtaService::queue_contents() const {
  std::vector<QueueItem> items;
  for (const auto& [sequence, entry] : queue_.entries()) {
    QueueItem item{entry.queue_id, entry.ledger_id, entry.sender, entry.local ? "local" : entry.domain, {},
                   entry.attempts, entry.arrived, entry.next_attempt, entry.in_flight, entry.last_error};
    for (const auto& recipient : entry.recipients)
      if (recipient.state == RecipientState::pending) item.recipients.push_back(recipient.address);
    items.push_back(std::move(item));
  }
  return items;
}

void MtaService::note_rejection(SmtpServerConnection& connection, std::string stage, const smtp::Reply& reply,
                                std::size_t copies) {
  rejections_.push_back({host_->simulator().now(), connection.peer_name(), stage, reply});
  // From one of our MTAs the message is already in the ledger: that MTA bounces it. From anyone
  // else it was never accepted: each refused copy is a rejection.
  if (!connection.peer_is_mta())
    for (std::size_t i = 0; i < copies; ++i) ledger_.rejected();
  record_mail(*host_, {}, "rejected at " + stage + " from " + connection.peer_name() + ": " + reply.summary(),
              connection.peer_name());
}

void MtaService::connection_closed(std::uint64_t id) {
  // Not now: the connection object is still running the callback that told us.
  std::weak_ptr<bool> alive = alive_;
  host_->simulator().schedule_in(0, [this, alive, id] {
    if (alive.expired()) return;
    auto found = connections_.find(id);
    if (found != connections_.end()) connections_.erase(found);
  });
}

void MtaService::schedule_queue_run() {
  if (!host_ || !host_->up()) return;
  auto due = queue_.next_due();
  if (!due) return;
  const Time when = std::max(*due, host_->simulator().now());
  if (queue_timer_ && queue_timer_at_ <= when) return;  // an earlier run will reschedule
  if (queue_timer_) host_->simulator().cancel(queue_timer_);
  queue_timer_at_ = when;
  std::weak_ptr<bool> alive = alive_;
  queue_timer_ = host_->simulator().schedule_at(when, [this, alive] {
    if (alive.expired()) return;
    queue_timer_ = 0;
    run_queue();
  });
}

void MtaService::run_queue() {
  if (!host_->up()) return;
  const Time now = host_->simulator().now();
  std::vector<std::string> due;
  for (const auto& [sequence, entry] : queue_.entries())
    if (!entry.in_flight && entry.next_attempt <= now) due.push_back(entry.queue_id);
  for (const auto& id : due)
    if (auto* entry = queue_.find(id); entry && !entry->in_flight) attempt(*entry);
  schedule_queue_run();
}

std::vector<MtaService*> all_mtas(Network& network) {
  std::vector<MtaService*> mtas;
  for (auto* host : network.hosts())
    if (auto* mta = host->find_service<MtaService>()) mtas.push_back(mta);
  return mtas;
}

std::vector<std::string> audit_mail_conservation(const MailLedger& ledger, Network& network) {
  std::vector<std::string> problems;
  const auto mtas = all_mtas(network);
  for (const auto& [ledger_id, entry] : ledger.entries())
    for (const auto& copy : entry.copies) {
      const std::string& id = ledger_id;  // a lambda may not capture a structured binding (clang 14)
      if (copy.fate != CopyFate::queued) continue;
      const bool held = std::any_of(mtas.begin(), mtas.end(),
                                    [&](MtaService* mta) { return mta->queue().holds(id, copy.recipient); });
      if (!held)
        problems.push_back(id + " to " + copy.recipient + " is counted as queued but no MTA queue holds it");
    }
  return problems;
}

}  // namespace maillab::engine
