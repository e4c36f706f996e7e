#include "lambda/runtime.hpp"

#include <atomic>
#include <exception>
#include <future>

#include "core/mutex.hpp"
#include "core/thread_boundary.hpp"
#include "http/json_error.hpp"
#include "lambda/apigw_event.hpp"
#include "obs/logger.hpp"

namespace cs::lambda {

// A handler that ran past its invocation's deadline: it finishes on its own thread (the
// Request it reads and the Response it writes live here) and is joined later.
struct Runtime::Straggler {
  http::Request request;
  http::Response response;
  std::promise<void> done;
  std::atomic<bool> finished{false};
  std::thread thread;
  ~Straggler() {
    if (thread.joinable()) thread.join();
  }
};

namespace {
// A streamed body (Server-Sent Events) collected into one: proxy integrations return one body.
// Only reached when a handler streams despite the JSON Accept the event parser sets.
class CollectingSink final : public http::StreamSink {
 public:
  bool write(std::string chunk) override {
    MutexLock lock(mutex_);
    body_ += chunk;
    return true;
  }
  void close() override {
    MutexLock lock(mutex_);
    if (!closed_) done_.set_value();
    closed_ = true;
  }
  std::future<void> closed() { return done_.get_future(); }
  std::string body() {
    MutexLock lock(mutex_);
    return body_;
  }

 private:
  Mutex mutex_;
  std::string body_ CS_GUARDED_BY(mutex_);
  bool closed_ CS_GUARDED_BY(mutex_) = false;
  std::promise<void> done_;
};

http::Response deadlineResponse() {
  return http::jsonError(ErrorCode::kTimeout,
                         "the request did not finish within the invocation's deadline");
}

// A deferred answer (a compare waiting for its models): Lambda delivers one invocation at a
// time, so this thread may wait for it, up to the invocation's deadline.
http::Response awaitDeferred(http::Response pending, Runtime::Clock::time_point deadline) {
  auto promise = std::make_shared<std::promise<http::Response>>();
  auto answer = promise->get_future();
  try {
    auto start = std::move(pending.deferred);
    start([promise](http::Response response) {
      response.deferred = nullptr;
      promise->set_value(std::move(response));
    });
  } catch (const std::exception&) {
    return http::jsonError(ErrorCode::kInternal, "the server failed to handle this request");
  }
  if (answer.wait_until(deadline) != std::future_status::ready) return deadlineResponse();
  try {
    return answer.get();
  } catch (const std::future_error&) {  // the completion was dropped uncalled
    return http::jsonError(ErrorCode::kInternal, "the server failed to answer this request");
  }
}
}  // namespace

Runtime::Runtime(RuntimeClient& client, http::HttpHandler& handler, Options options,
                 AfterResponse after_response, OnInvocation on_invocation)
    : client_(client),
      handler_(handler),
      options_(options),
      after_response_(std::move(after_response)),
      on_invocation_(std::move(on_invocation)) {}

Runtime::~Runtime() = default;

int Runtime::run() {
  for (;;) {
    auto invocation = client_.next();
    if (!invocation) {
      obs::log().error("Runtime API unavailable; exiting",
                       {{"error_type", invocation.error().name()},
                        {"error_message", invocation.error().message}});
      return 1;
    }
    handle(*invocation);
  }
}

Runtime::Clock::time_point Runtime::deadlineOf(const Invocation& invocation) const {
  const auto now = Clock::now();
  if (invocation.deadline_ms <= 0) return now + options_.default_budget;
  const auto wall_now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  return now + std::chrono::milliseconds(invocation.deadline_ms - wall_now) -
         options_.deadline_margin;
}

void Runtime::reapFinished() {
  std::erase_if(stragglers_, [](const auto& s) { return s->finished.load(); });
}

http::Response Runtime::dispatch(http::Request& request, Clock::time_point deadline) {
  // The server's limits, which it applies before a handler sees the request.
  const std::size_t limit = handler_.bodyLimit(request.method, request.path);
  if (request.body.size() > limit)
    return http::jsonError(ErrorCode::kPayloadTooLarge,
                           "request body is larger than " + std::to_string(limit) + " bytes");
  if (Clock::now() >= deadline) return deadlineResponse();
  if (!handler_.mayBlock(request)) return handler_.handle(request);
  // Slow I/O may come (LLM calls, a store that does not answer): bound it by the deadline.
  auto work = std::make_unique<Straggler>();
  work->request = std::move(request);
  auto done = work->done.get_future();
  Straggler& w = *work;
  w.thread = std::thread([this, &w] {
    // Pipeline::handle contains handler errors; this is the thread's own boundary.
    if (!runGuarded(ThreadKind::kWorkerPool, {}, [&] { w.response = handler_.handle(w.request); }))
      w.response =
          http::jsonError(ErrorCode::kInternal, "the server failed to handle this request");
    w.finished.store(true);
    w.done.set_value();
  });
  if (done.wait_until(deadline) == std::future_status::ready) {
    http::Response response = std::move(w.response);
    request = std::move(w.request);
    return response;  // `work` joins its finished thread here
  }
  obs::log().warn("Invocation deadline reached; answering 504",
                  {{"path", w.request.path}, {"error_type", "timeout"}});
  stragglers_.push_back(std::move(work));
  return deadlineResponse();
}

void Runtime::handle(const Invocation& invocation) {
  ++invocations_;
  reapFinished();
  if (on_invocation_) on_invocation_(&invocation);
  const auto deadline = deadlineOf(invocation);
  auto event = parseApiEvent(invocation.payload);
  if (!event && !event.error().api_gateway) {
    obs::log().warn("Unsupported event", {{"error_type", "unsupported_event"},
                                          {"error_message", event.error().message}});
    if (auto posted =
            client_.fail(invocation.request_id, "Runtime.UnsupportedEvent", event.error().message);
        !posted)
      obs::log().error("Posting an invocation error failed",
                       {{"error_message", posted.error().message}});
  } else {
    std::string body;
    if (!event) {
      auto bad = http::jsonError(ErrorCode::kBadRequest,
                                 "malformed API Gateway event: " + event.error().message);
      body = proxyResponse(event.error().format, bad);
      obs::log().warn("Malformed API Gateway event",
                      {{"error_type", "bad_request"}, {"error_message", event.error().message}});
    } else {
      http::Response response = dispatch(event->request, deadline);
      if (response.deferred) response = awaitDeferred(std::move(response), deadline);
      if (response.stream) {
        auto sink = std::make_shared<CollectingSink>();
        auto closed = sink->closed();
        response.stream(sink);
        if (closed.wait_until(deadline) == std::future_status::ready) {
          response.body = sink->body();
        } else {
          response = deadlineResponse();
        }
        response.stream = nullptr;
      }
      body = proxyResponse(event->format, response, event->request.method == "HEAD");
    }
    if (auto posted = client_.respond(invocation.request_id, std::move(body)); !posted) {
      obs::log().error("Posting the response failed", {{"error_type", posted.error().name()},
                                                       {"error_message", posted.error().message}});
      // Too large (413) and the like: tell Lambda the invocation failed rather than hang it.
      (void)client_.fail(invocation.request_id, "Runtime.ResponseRejected", posted.error().message);
    }
  }
  if (after_response_) {
    try {
      after_response_(deadline);
    } catch (const std::exception& e) {
      obs::log().error("Post-invocation work failed",
                       {{"error_type", "internal"}, {"error_message", e.what()}});
    }
  }
  if (on_invocation_) on_invocation_(nullptr);
}

}  // namespace cs::lambda
