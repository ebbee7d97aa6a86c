#include "protocols/auth/dkim_key_cache.h"

namespace maillab::auth {

std::shared_ptr<DkimPreparedKey> DkimPublicKeyCache::decode(DkimKeyType type, std::string_view public_key_base64) {
  std::string text = to_string(type);
  text += ':';
  text += public_key_base64;
  if (auto found = index_.find(text); found != index_.end()) {
    recent_.splice(recent_.begin(), recent_, found->second);
    ++reused_;
    return found->second->second;
  }
  ++decoded_;
  std::string error;
  auto key = decode_public_key(type, public_key_base64, error);
  if (!key) return nullptr;  // not kept: the caller decodes again to say why
  auto prepared = std::make_shared<DkimPreparedKey>(std::move(*key));
  recent_.emplace_front(text, prepared);
  index_.emplace(std::move(text), recent_.begin());
  if (recent_.size() > capacity_) {
    index_.erase(recent_.back().first);
    recent_.pop_back();
  }
  return prepared;
}

}  // namespace maillab::auth
