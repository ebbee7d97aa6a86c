// set_command_rate (engine/hosts/command_rate.h) lives with the MTA: it reaches every kind of
// mail server, and this library sees them all.
#include "engine/hosts/command_rate.h"

#include <cmath>

#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/mailbox/imap_service.h"
#include "engine/hosts/mailbox/pop3_service.h"
#include "engine/net/network.h"

namespace maillab::engine {

namespace {

std::string number(double value) {
  if (value == std::floor(value)) return std::to_string(static_cast<long long>(value));
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  return text;
}

}  // namespace

std::string CommandRate::describe() const {
  return number(per_second) + " commands/s (bursts of " + number(burst) + ")";
}

void set_command_rate(Network& network, const CommandRate& rate) {
  for (Host* host : network.hosts()) {
    for (const auto& service : host->services()) {
      if (auto* mta = dynamic_cast<MtaService*>(service.get())) mta->set_command_rate(rate);
      if (auto* pop3 = dynamic_cast<Pop3Service*>(service.get())) pop3->set_command_rate(rate);
      if (auto* imap = dynamic_cast<ImapService*>(service.get())) imap->set_command_rate(rate);
    }
  }
}

}  // namespace maillab::engine
