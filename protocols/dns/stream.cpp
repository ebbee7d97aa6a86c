#include "protocols/dns/stream.h"

namespace maillab::dns {

std::string frame_for_stream(std::span<const std::uint8_t> message) {
  const std::size_t size = std::min(message.size(), max_tcp_message);
  std::string out;
  out.reserve(size + 2);
  out.push_back(static_cast<char>((size >> 8) & 0xff));
  out.push_back(static_cast<char>(size & 0xff));
  out.append(reinterpret_cast<const char*>(message.data()), size);
  return out;
}

void StreamReader::feed(std::string_view bytes) { buffer_.append(bytes); }

std::optional<Bytes> StreamReader::next() {
  if (buffer_.size() < 2) return std::nullopt;
  const std::size_t size = (std::size_t(static_cast<std::uint8_t>(buffer_[0])) << 8) |
                           static_cast<std::uint8_t>(buffer_[1]);
  if (buffer_.size() < 2 + size) return std::nullopt;
  Bytes message(buffer_.begin() + 2, buffer_.begin() + 2 + static_cast<std::ptrdiff_t>(size));
  buffer_.erase(0, 2 + size);
  return message;
}

}  // namespace maillab::dns
