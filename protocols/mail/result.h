// A parse result: a value, or a clear error message for people (bad input never crashes).
// In the spirit of picohttpparser: callers check ok() and print error() as is.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace maillab::mail {

template <typename T>
class ParseResult {
 public:
  static ParseResult success(T value) {
    ParseResult result;
    result.value_ = std::move(value);
    return result;
  }
  static ParseResult failure(std::string error) {
    ParseResult result;
    result.error_ = std::move(error);
    return result;
  }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T* operator->() const { return &*value_; }
  const std::string& error() const { return error_; }

 private:
  std::optional<T> value_;
  std::string error_;
};

}  // namespace maillab::mail
