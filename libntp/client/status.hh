#pragma once
// The error convention of the mode 6 client and the tools built on it: a
// Status says what went wrong (a code and the message a tool prints), a
// Result<T> holds either a value or that Status. Nothing throws on network
// input; callers test ok() and print message() themselves.

#include <optional>
#include <string>
#include <utility>

namespace ntp::client {

class Status {
public:
    Status() = default;  // success
    Status(int code, std::string message) : code_(code), message_(std::move(message)) {}

    bool ok() const { return code_ == 0; }
    // 0 for success; otherwise what the producer documents (e.g. a mode 6
    // query code, or an errno value for socket failures).
    int code() const { return code_; }
    const std::string& message() const { return message_; }

private:
    int code_ = 0;
    std::string message_;
};

template <class T>
class Result {
public:
    Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
    Result(Status error) : status_(std::move(error)) {}  // NOLINT: implicit by design

    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }
    const Status& status() const { return status_; }
    T& value() { return *value_; }
    const T& value() const { return *value_; }
    T& operator*() { return *value_; }
    const T& operator*() const { return *value_; }
    T* operator->() { return &*value_; }
    const T* operator->() const { return &*value_; }

private:
    std::optional<T> value_;
    Status status_;
};

}  // namespace ntp::client
