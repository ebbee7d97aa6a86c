#include "engine/hosts/tls/tls_observations.h"

#include <algorithm>

namespace maillab::engine {

TlsEndObservation& TlsObservations::end(std::uint64_t connection, const std::string& host) {
  auto [it, made] = ends_.try_emplace({connection, host});
  if (made) {
    it->second.connection = connection;
    it->second.host = host;
  }
  return it->second;
}

const TlsEndObservation* TlsObservations::find(std::uint64_t connection, const std::string& host) const {
  auto it = ends_.find({connection, host});
  return it == ends_.end() ? nullptr : &it->second;
}

std::vector<const TlsEndObservation*> TlsObservations::ends(std::uint64_t connection) const {
  std::vector<const TlsEndObservation*> out;
  for (auto it = ends_.lower_bound({connection, std::string()}); it != ends_.end() && it->first.first == connection;
       ++it) {
    out.push_back(&it->second);
  }
  std::stable_sort(out.begin(), out.end(), [](const TlsEndObservation* a, const TlsEndObservation* b) {
    return a->role == tls::Role::client && b->role != tls::Role::client;
  });
  return out;
}

std::vector<const TlsEndObservation*> TlsObservations::ends_on_host(const std::string& host) const {
  std::vector<const TlsEndObservation*> out;
  for (const auto& [key, end] : ends_) {  // ordered by connection id: the order they were made
    if (key.second == host) out.push_back(&end);
  }
  return out;
}

std::vector<const TlsSentRecords*> TlsObservations::writes_in_segment(std::uint64_t connection,
                                                                      const std::string& sender,
                                                                      std::string_view segment) const {
  std::vector<const TlsSentRecords*> out;
  const TlsEndObservation* end = find(connection, sender);
  if (!end || segment.empty()) return out;
  // Ciphertext does not repeat (every record has its own nonce), so where the segment's bytes
  // occur in the stream is where TCP took them from; a retransmission finds the same place.
  const std::size_t at = end->ciphertext.find(segment);
  if (at == std::string::npos) return out;
  const std::size_t until = at + segment.size();
  for (const TlsSentRecords& write : end->sent) {
    if (write.offset < until && at < write.offset + write.length) out.push_back(&write);
  }
  return out;
}

}  // namespace maillab::engine
