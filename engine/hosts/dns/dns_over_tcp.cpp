#include "engine/hosts/dns/dns_over_tcp.h"

#include <memory>

#include "protocols/dns/stream.h"

namespace maillab::engine {

void ask_over_tcp(Host& host, Address server, const dns::Bytes& query, std::string label,
                  std::function<void(dns::Bytes reply)> on_reply) {
  ConnectHandlers handlers;
  handlers.on_connected = [framed = dns::frame_for_stream(query), label = std::move(label),
                           on_reply = std::move(on_reply)](std::shared_ptr<StreamConnection> connection) {
    auto reader = std::make_shared<dns::StreamReader>();
    auto answered = std::make_shared<bool>(false);
    std::weak_ptr<StreamConnection> weak = connection;
    connection->on_data = [reader, answered, weak, on_reply](std::string_view bytes) {
      if (*answered) return;
      reader->feed(bytes);
      auto reply = reader->next();
      if (!reply) return;
      *answered = true;
      if (auto open = weak.lock()) open->close();
      on_reply(std::move(*reply));
    };
    connection->on_closed = [](CloseReason) {};
    connection->send(framed, label);
  };
  handlers.on_failed = [](ConnectError) {};
  host.connect(Endpoint{server, 53}, std::move(handlers));
}

}  // namespace maillab::engine
