#include "fakes/fake_runtime_api.hpp"

namespace cs::testing {

namespace {
constexpr std::string_view kInvocation = "/2018-06-01/runtime/invocation/";

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

http::Response accepted() {
  http::Response r;
  r.status = 202;
  r.body = R"({"status":"OK"})";
  return r;
}
}  // namespace

FakeRuntimeApi::FakeRuntimeApi() {
  http::Router router;
  router.add(
      "GET", "/2018-06-01/runtime/invocation/next", [this](const http::Request&) { return next(); },
      /*may_block=*/true);
  router.addPrefix("POST", std::string(kInvocation),
                   [this](const http::Request& r) { return post(r); });
  router.add("POST", "/2018-06-01/runtime/init/error", [this](const http::Request& r) {
    std::lock_guard lock(mutex_);
    init_error_ = InitError{
        r.body, std::string(r.headers.get("Lambda-Runtime-Function-Error-Type").value_or(""))};
    changed_.notify_all();
    return accepted();
  });
  server_ = std::make_unique<LoopbackServer>(std::move(router));
}

FakeRuntimeApi::~FakeRuntimeApi() {
  shutdown();
  server_->stop();
}

void FakeRuntimeApi::shutdown() {
  std::lock_guard lock(mutex_);
  closing_ = true;
  changed_.notify_all();
}

std::string FakeRuntimeApi::address() const {
  return "127.0.0.1:" + std::to_string(server_->port());
}

std::string FakeRuntimeApi::enqueue(std::string payload, std::int64_t deadline_ms,
                                    std::string trace_id) {
  std::lock_guard lock(mutex_);
  std::string id = "8476a536-e9f4-11e8-9739-" + std::to_string(100000000000 + ++counter_);
  queue_.push_back(
      {id, std::move(payload), std::move(trace_id), deadline_ms ? deadline_ms : nowMs() + 30'000});
  changed_.notify_all();
  return id;
}

http::Response FakeRuntimeApi::next() {
  std::unique_lock lock(mutex_);
  ++next_calls_;
  changed_.notify_all();
  // A long poll, as Lambda's; capped so a forgotten test cannot hang the server's drain.
  changed_.wait_for(lock, std::chrono::seconds(120), [&] { return closing_ || !queue_.empty(); });
  if (closing_ || queue_.empty()) {
    http::Response gone;
    gone.status = 500;
    gone.body = R"({"errorMessage":"runtime API shut down","errorType":"Test.Shutdown"})";
    return gone;
  }
  Pending p = std::move(queue_.front());
  queue_.pop_front();
  http::Response r;
  r.body = std::move(p.payload);
  r.headers.set("Lambda-Runtime-Aws-Request-Id", p.id);
  r.headers.set("Lambda-Runtime-Deadline-Ms", std::to_string(p.deadline_ms));
  r.headers.set("Lambda-Runtime-Trace-Id", p.trace_id);
  r.headers.set("Lambda-Runtime-Invoked-Function-Arn",
                "arn:aws:lambda:us-east-1:123456789012:function:cloud-sayings");
  return r;
}

http::Response FakeRuntimeApi::post(const http::Request& request) {
  std::string_view rest = std::string_view(request.path).substr(kInvocation.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) {
    http::Response bad;
    bad.status = 404;
    return bad;
  }
  const std::string id(rest.substr(0, slash));
  const std::string kind(rest.substr(slash + 1));
  std::lock_guard lock(mutex_);
  outcomes_[id] =
      Outcome{kind, request.body,
              std::string(request.headers.get("Lambda-Runtime-Function-Error-Type").value_or(""))};
  changed_.notify_all();
  return accepted();
}

std::optional<FakeRuntimeApi::Outcome> FakeRuntimeApi::waitOutcome(const std::string& id,
                                                                   std::chrono::seconds cap) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, cap, [&] { return outcomes_.contains(id); })) return std::nullopt;
  return outcomes_.at(id);
}

std::optional<FakeRuntimeApi::InitError> FakeRuntimeApi::waitInitError(std::chrono::seconds cap) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, cap, [&] { return init_error_.has_value(); });
  return init_error_;
}

bool FakeRuntimeApi::waitNextCalls(std::size_t n, std::chrono::seconds cap) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, cap, [&] { return next_calls_ >= n; });
}

std::size_t FakeRuntimeApi::nextCalls() const {
  std::lock_guard lock(mutex_);
  return next_calls_;
}

}  // namespace cs::testing
