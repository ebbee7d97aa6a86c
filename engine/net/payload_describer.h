// How a packet's payload can be named in hop records without being named at send time.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace maillab::engine {

// Names a payload in hop records, called only when a record is made (a DNS datagram is decoded
// and summarized then, not when it is sent: a run nobody reads never pays for the words).
using PayloadDescriber = std::string (*)(std::span<const std::uint8_t> payload);

}  // namespace maillab::engine
