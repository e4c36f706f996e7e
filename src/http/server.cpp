// Boost 1.74's Asio uses std::exchange without including <utility>.
#include <utility>
// clang-format off
#include "http/server.hpp"
// clang-format on

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/cpu.hpp"
#include "core/thread_boundary.hpp"
#include "http/address_slots.hpp"
#include "http/asio_event_loop.hpp"
#include "http/beast_request.hpp"
#include "http/json_error.hpp"
#include "http/stream_channel.hpp"
#include "obs/logger.hpp"

namespace cs::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

namespace {
constexpr auto kAwait = net::use_awaitable;
auto withEc(beast::error_code& ec) {
  return net::redirect_error(kAwait, ec);
}

struct Counted {
  explicit Counted(std::atomic<std::size_t>& c) : counter(c) { ++counter; }
  ~Counted() { --counter; }
  std::atomic<std::size_t>& counter;
  // Gives back one already taken (by a fetch_add elsewhere).
  struct Release {
    explicit Release(std::atomic<std::size_t>& c) : counter(c) {}
    ~Release() { --counter; }
    std::atomic<std::size_t>& counter;
  };
};

// Releases a slot the accept loop took for a connection (taken there, so a burst of accepts
// cannot overshoot max_connections before the sessions start).
struct ConnectionSlot {
  explicit ConnectionSlot(std::atomic<std::size_t>& c) : counter(c) {}
  ~ConnectionSlot() { --counter; }
  std::atomic<std::size_t>& counter;
};

// Gives back an address's connection slot when the session ends.
struct AddressSlot {
  AddressSlot(AddressSlots& s, std::string a) : slots(s), address(std::move(a)) {}
  ~AddressSlot() { slots.release(address); }
  AddressSlots& slots;
  std::string address;
};

// Sent without waiting to a connection over a limit, then closed: a clear answer that costs
// the server no coroutine.
constexpr std::string_view kTooManyConnections =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
    "Retry-After: 1\r\nCache-Control: no-store\r\nContent-Length: 61\r\n\r\n"
    "{\"error\":\"unavailable\",\"message\":\"too many open connections\"}";
constexpr std::string_view kTooManyFromAddress =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
    "Retry-After: 1\r\nCache-Control: no-store\r\nContent-Length: 78\r\n\r\n"
    "{\"error\":\"unavailable\",\"message\":\"too many open connections from one address\"}";

// How many complete requests `data` holds, front to back (stops at the first partial or bad
// one). Used once, when a connection reaches its request cap: those requests were already
// read, so they are answered before the connection closes.
std::size_t completeRequestsIn(net::const_buffer data, std::size_t header_limit) {
  std::size_t count = 0;
  while (data.size() > 0) {
    bhttp::request_parser<bhttp::string_body> p;
    p.header_limit(static_cast<std::uint32_t>(header_limit));
    p.body_limit(std::numeric_limits<std::uint64_t>::max());
    p.eager(true);
    beast::error_code ec;
    while (!p.is_done()) {
      const std::size_t n = p.put(data, ec);
      if (ec || n == 0) return count;
      data += n;
    }
    ++count;
  }
  return count;
}

template <typename Message>
void copyHeaders(Message& msg, const Response& res, bool keep_alive) {
  msg.result(static_cast<unsigned>(res.status));
  msg.version(11);
  msg.set(bhttp::field::server, "cloud-sayings");
  if (!res.content_type.empty()) msg.set(bhttp::field::content_type, res.content_type);
  for (const auto& [k, v] : res.headers.all()) msg.insert(k, v);
  msg.keep_alive(keep_alive);
}

// The head Beast's serializer writes for a response<string_body> after copyHeaders() and
// prepare_payload(), rendered into a reused string. Only for the statuses and headers where
// that is plain (see writesPlainly); the rest still goes through Beast.
void renderHead(std::string& out, const Response& res, bool keep_alive) {
  out.clear();
  out += "HTTP/1.1 ";
  out += std::to_string(res.status);
  out += ' ';
  out += bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(res.status)));
  out += "\r\nServer: cloud-sayings\r\n";
  if (!res.content_type.empty()) {
    out += "Content-Type: ";
    out += res.content_type;
    out += "\r\n";
  }
  for (const auto& [k, v] : res.headers.all()) {
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  if (!keep_alive) out += "Connection: close\r\n";
  out += "Content-Length: ";
  out += std::to_string(res.body.size());
  out += "\r\n\r\n";
}

bool writesPlainly(const Response& res) {
  if (res.status < 200 || res.status == 204 || res.status == 304 || res.status > 999) return false;
  for (const auto& [k, v] : res.headers.all())
    if (iequals(k, "Content-Length") || iequals(k, "Transfer-Encoding") || iequals(k, "Connection"))
      return false;
  return true;
}

bool isParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}
}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, HttpHandler& handler)
      : opts_(std::move(options)),
        handler_(handler),
        io_threads_(opts_.io_threads ? opts_.io_threads : allowedCores()),
        ioc_(1),
        acceptor_(ioc_),
        signals_(ioc_),
        drain_timer_(ioc_),
        workers_(std::max(1u, opts_.worker_threads)),
        blocking_limit_(std::max(1u, opts_.worker_threads) + opts_.blocking_queue_limit) {
    // One io_context per I/O thread, each run by exactly that thread (concurrency hint 1): a
    // connection lives on one context, so its handlers never hop threads, need no strand and
    // wake no other thread. ioc_ (thread 0) also owns the acceptor, signals and the drain.
    for (unsigned i = 1; i < io_threads_; ++i) {
      extra_.push_back(std::make_unique<net::io_context>(1));
      keep_running_.push_back(net::make_work_guard(*extra_.back()));
    }
  }

  void listen() {
    beast::error_code ec;
    const auto address = net::ip::make_address(opts_.host, ec);
    if (ec) throw std::runtime_error("host: not an IP address: " + opts_.host);
    tcp::endpoint ep(address, opts_.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::runtime_error("cannot listen on " + opts_.host + ":" + std::to_string(opts_.port) +
                               ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
  }

  std::size_t connections() const { return connections_.load(); }
  std::size_t inFlight() const { return in_flight_.load(); }
  std::size_t blockingRejected() const { return blocking_rejected_.load(); }
  void onShutdown(std::function<void()> fn) { shutdown_hooks_.push_back(std::move(fn)); }
  std::uint16_t port() const { return port_; }

  void run(bool handle_signals) {
    if (handle_signals) {
      signals_.add(SIGINT);
      signals_.add(SIGTERM);
      signals_.async_wait([this](const beast::error_code& ec, int signo) {
        if (ec) return;
        obs::log().info("Shutdown requested", {{"signal", signo}});
        beginStop();
      });
    }
    net::co_spawn(ioc_, acceptLoop(), net::detached);
    // Each I/O thread is an EventLoop to the layers below (core/event_loop), so an upstream
    // call a request makes runs on the request's own thread. A loop's stop hooks run on its
    // thread once its context has stopped: work still in flight on it fails there.
    auto runLoop = [](net::io_context& ctx) {
      AsioEventLoop loop(ctx);
      EventLoop::Scope current(loop);
      ctx.run();
      loop.stop();
    };
    std::vector<std::thread> threads;
    threads.reserve(extra_.size());
    for (auto& ctx : extra_) threads.emplace_back([&ctx, runLoop] { runLoop(*ctx); });
    runLoop(ioc_);
    for (auto& ctx : extra_) ctx->stop();
    for (auto& t : threads) t.join();
    workers_.join();
  }

  void stop() {
    net::post(ioc_, [this] { beginStop(); });
  }

 private:
  void beginStop() {
    if (draining_.exchange(true)) return;
    beast::error_code ec;
    acceptor_.close(ec);
    signals_.cancel(ec);
    drain_deadline_ = std::chrono::steady_clock::now() + opts_.drain_timeout;
    for (auto& hook : shutdown_hooks_) {
      try {
        hook();
      } catch (const std::exception& e) {  // a hook's surprise must not cut the drain short
        obs::log().error("Shutdown hook failed",
                         {{"error_type", "internal"}, {"error_message", e.what()}});
      }
    }
    pollDrain();
  }

  // Requests in flight finish (their responses say Connection: close); idle keep-alive
  // connections are dropped when the loop stops.
  void pollDrain() {
    if (in_flight_ == 0 || std::chrono::steady_clock::now() >= drain_deadline_) {
      ioc_.stop();
      return;
    }
    drain_timer_.expires_after(std::chrono::milliseconds(5));
    drain_timer_.async_wait([this](const beast::error_code&) { pollDrain(); });
  }

  net::awaitable<void> acceptLoop() {
    for (;;) {
      beast::error_code ec;
      // Connections are dealt round-robin over the I/O threads' contexts.
      const std::size_t slot = accepted_++ % io_threads_;
      net::io_context& home = slot == 0 ? ioc_ : *extra_[slot - 1];
      tcp::socket socket = co_await acceptor_.async_accept(home, withEc(ec));
      if (ec) {
        if (!acceptor_.is_open() || ec == net::error::operation_aborted) co_return;
        // Out of file descriptors and the like: back off briefly instead of spinning.
        net::steady_timer pause(co_await net::this_coro::executor, std::chrono::milliseconds(20));
        co_await pause.async_wait(withEc(ec));
        continue;
      }
      const auto endpoint = socket.remote_endpoint(ec);
      std::string remote = ec ? std::string() : endpoint.address().to_string();
      const bool full = connections_ >= opts_.max_connections;
      if (full || !addresses_.tryTake(remote)) {
        socket.non_blocking(true, ec);
        socket.write_some(net::buffer(full ? kTooManyConnections : kTooManyFromAddress), ec);
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        continue;
      }
      ++connections_;
      socket.set_option(tcp::no_delay(true), ec);
      auto executor = socket.get_executor();
      net::co_spawn(executor, session(beast::tcp_stream(std::move(socket)), std::move(remote)),
                    net::detached);
    }
  }

  net::awaitable<void> sendError(beast::tcp_stream& stream, int status, std::string_view message) {
    Response res = jsonError(errorCodeForStatus(status), message);
    bhttp::response<bhttp::string_body> msg;
    copyHeaders(msg, res, false);
    msg.body() = std::move(res.body);
    msg.prepare_payload();
    beast::error_code ec;
    stream.expires_after(opts_.read_timeout);
    co_await bhttp::async_write(stream, msg, withEc(ec));
  }

  // The worker pool's job entry: a thread boundary. Whatever escapes the handler is logged
  // once and counted (core/thread_boundary: cloudsayings_thread_exceptions_total
  // {thread="worker_pool"}) and becomes a JSON 500; the worker thread and the process carry on.
  Response handleGuarded(Request& request) {
    Response response;
    const std::string model = request.queryParam("model").value_or("");
    if (runGuarded(ThreadKind::kWorkerPool, model, [&] { response = handler_.handle(request); }))
      return response;
    return jsonError(ErrorCode::kInternal, "the server failed to handle this request");
  }

  // Blocking requests go to the bounded worker pool; when its queue is full the answer is a
  // 503 at once (the I/O thread never waits for a worker).
  net::awaitable<Response> handleBlocking(Request& request) {
    if (blocking_.fetch_add(1) >= blocking_limit_) {
      --blocking_;
      ++blocking_rejected_;
      Response busy = jsonError(ErrorCode::kUnavailable, "the server is busy; try again shortly");
      busy.headers.set("Retry-After", "1");
      co_return busy;
    }
    co_return co_await net::co_spawn(
        workers_,
        [this, &request]() -> net::awaitable<Response> {
          Counted::Release done(blocking_);
          co_return handleGuarded(request);
        },
        kAwait);
  }

  // After the last answer: send FIN, then read and drop what the client still sends (bounded)
  // until it closes, so unread input never turns the close into a reset that would destroy
  // answers still in flight to the client.
  net::awaitable<void> lingeringClose(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    stream.expires_after(
        std::min<std::chrono::milliseconds>(opts_.read_timeout, std::chrono::seconds(2)));
    std::size_t dropped = 0;
    while (dropped < (4u << 20)) {
      buffer.clear();
      const std::size_t n =
          co_await stream.async_read_some(buffer.prepare(std::size_t{64} * 1024), withEc(ec));
      if (ec) break;
      dropped += n;
    }
  }

  net::awaitable<void> session(beast::tcp_stream stream, std::string remote) {
    ConnectionSlot connection(connections_);
    AddressSlot address(addresses_, remote);
    beast::error_code ec;
    beast::flat_buffer buffer;
    std::string head_text;  // reused for every response head on this connection
    // Once the request cap is reached: complete requests already read, still to be answered.
    std::optional<std::size_t> pending_after_cap;
    bool we_close = false;  // we chose to end the connection (not the client, not an error)
    for (std::size_t served = 0;; ++served) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(opts_.header_limit));
      // The route's limit applies once the path is known. (Not boost::none: Beast 1.74 compares
      // the optional against Content-Length and treats none as smaller than everything.)
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      if (buffer.size() == 0) {
        // A new connection must start within first_byte_timeout (idle sockets hold slots); a
        // keep-alive one may wait up to idle_timeout for its next request...
        stream.expires_after(served == 0 ? opts_.first_byte_timeout : opts_.idle_timeout);
        const std::size_t n = co_await stream.async_read_some(buffer.prepare(4096), withEc(ec));
        if (ec) break;
        buffer.commit(n);
      }
      // ...and, once it has, its header must be complete within read_timeout (slowloris).
      stream.expires_after(opts_.read_timeout);
      co_await bhttp::async_read_header(stream, buffer, parser, withEc(ec));
      if (ec) {
        if (ec == bhttp::error::header_limit)
          co_await sendError(stream, 431, "request headers are larger than the server accepts");
        else if (ec == bhttp::error::body_limit)
          co_await sendError(stream, 413, "request body is too large");
        else if (isParseError(ec))
          co_await sendError(stream, 400, "malformed HTTP request");
        break;
      }
      Counted in_flight(in_flight_);
      const auto& header = parser.get();
      const std::string_view target = header.target();
      const auto path = target.substr(0, target.find('?'));
      const std::size_t limit = handler_.bodyLimit(header.method_string(), path);
      if (parser.content_length() && *parser.content_length() > limit) {
        co_await sendError(stream, 413,
                           "request body is larger than " + std::to_string(limit) + " bytes");
        break;
      }
      parser.body_limit(limit);
      if (!parser.is_done()) {
        if (bhttp::token_list(header[bhttp::field::expect]).exists("100-continue")) {
          bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
          co_await bhttp::async_write(stream, cont, withEc(ec));
          if (ec) break;
        }
        stream.expires_after(opts_.read_timeout);
        co_await bhttp::async_read(stream, buffer, parser, withEc(ec));
        if (ec == bhttp::error::body_limit) {
          co_await sendError(stream, 413,
                             "request body is larger than " + std::to_string(limit) + " bytes");
          break;
        }
        if (ec) {
          if (isParseError(ec)) co_await sendError(stream, 400, "malformed HTTP request body");
          break;
        }
      }
      // At the cap, the requests already read are answered too; the last answer says close.
      if (!pending_after_cap && served + 1 >= opts_.max_requests_per_connection)
        pending_after_cap = completeRequestsIn(buffer.data(), opts_.header_limit);
      else if (pending_after_cap && *pending_after_cap > 0)
        --*pending_after_cap;
      bool keep_alive = parser.get().keep_alive() && (!pending_after_cap || *pending_after_cap > 0);
      Request request = toRequest(parser.release(), remote);
      const bool head = request.method == "HEAD";
      Response response;
      if (handler_.mayBlock(request)) {
        if (auto now = handler_.handleInline(request))
          response = std::move(*now);
        else
          response = co_await handleBlocking(request);
      } else
        response = handler_.handle(request);
      // An answer that comes later (a compare) is awaited here, holding no thread.
      if (response.deferred) response = co_await awaitDeferred(std::move(response));
      // Asked after the handler: a shutdown that began meanwhile closes this connection.
      keep_alive = keep_alive && !draining_;
      if (response.stream) {
        co_await writeStream(stream, response, keep_alive, ec);
      } else if (head) {
        bhttp::response<bhttp::empty_body> msg;
        copyHeaders(msg, response, keep_alive);
        msg.content_length(response.body.size());
        stream.expires_after(opts_.read_timeout);
        co_await bhttp::async_write(stream, msg, withEc(ec));
      } else if (writesPlainly(response)) {
        // The hot path: head and body leave in one gather write, with no Beast message built.
        renderHead(head_text, response, keep_alive);
        const std::array<net::const_buffer, 2> buffers{net::buffer(head_text),
                                                       net::buffer(response.body)};
        stream.expires_after(opts_.read_timeout);
        co_await net::async_write(stream, buffers, withEc(ec));
      } else {
        bhttp::response<bhttp::string_body> msg;
        copyHeaders(msg, response, keep_alive);
        msg.body() = std::move(response.body);
        msg.prepare_payload();
        stream.expires_after(opts_.read_timeout);
        co_await bhttp::async_write(stream, msg, withEc(ec));
      }
      if (ec) break;
      if (!keep_alive) {
        we_close = true;
        break;
      }
    }
    if (we_close) {
      co_await lingeringClose(stream, buffer);
      co_return;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  net::awaitable<void> writeStream(beast::tcp_stream& stream, Response& response, bool keep_alive,
                                   beast::error_code& ec) {
    bhttp::response<bhttp::empty_body> header;
    copyHeaders(header, response, keep_alive);
    header.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> serializer{header};
    stream.expires_after(opts_.read_timeout);
    co_await bhttp::async_write_header(stream, serializer, withEc(ec));
    if (ec) co_return;
    // The timer lives here, in the session's frame; the channel only points at it while
    // attached, so producers that outlive the session (or the server) touch no Asio object.
    net::steady_timer wake_timer(stream.get_executor());
    auto channel = std::make_shared<StreamChannel>();
    StreamChannel::Attach attach(*channel, wake_timer);
    response.stream(channel);
    std::vector<std::string> chunks;
    for (;;) {
      const bool closed = channel->take(chunks);
      for (const auto& chunk : chunks) {
        if (chunk.empty()) continue;
        stream.expires_after(opts_.read_timeout);
        co_await net::async_write(stream, bhttp::make_chunk(net::buffer(chunk)), withEc(ec));
        if (ec) co_return;
      }
      chunks.clear();
      if (closed) break;
      co_await channel->wait();
    }
    stream.expires_after(opts_.read_timeout);
    co_await net::async_write(stream, bhttp::make_chunk_last(), withEc(ec));
  }

  ServerOptions opts_;
  HttpHandler& handler_;
  unsigned io_threads_;
  // Destruction order matters (members die bottom-up). Pending coroutine frames are freed when
  // their io_context is destroyed, and they touch these counters (ConnectionSlot), so the
  // counters outlive every context. extra_ outlives ioc_: an accept still pending on ioc_ owns
  // a socket bound to one of the extra contexts, which must exist when that op is freed.
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::size_t> blocking_{0};  // blocking requests queued or running on workers_
  std::atomic<std::size_t> blocking_rejected_{0};
  AddressSlots addresses_{
      opts_
          .max_connections_per_address};  // outlives the contexts: frames they free release into it
  std::atomic<bool> draining_{false};
  std::chrono::steady_clock::time_point drain_deadline_;
  std::vector<std::unique_ptr<net::io_context>> extra_;  // the other I/O threads' contexts
  std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running_;
  net::io_context ioc_;
  std::size_t accepted_ = 0;
  tcp::acceptor acceptor_;
  net::signal_set signals_;
  net::steady_timer drain_timer_;
  net::thread_pool workers_;
  std::size_t blocking_limit_;
  std::vector<std::function<void()>> shutdown_hooks_;
  std::uint16_t port_ = 0;
};

Server::Server(ServerOptions options, HttpHandler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}
Server::~Server() = default;
void Server::listen() {
  impl_->listen();
}
std::uint16_t Server::port() const {
  return impl_->port();
}
void Server::run(bool handle_signals) {
  impl_->run(handle_signals);
}
void Server::stop() {
  impl_->stop();
}
std::size_t Server::connections() const {
  return impl_->connections();
}
std::size_t Server::inFlight() const {
  return impl_->inFlight();
}
std::size_t Server::blockingRejected() const {
  return impl_->blockingRejected();
}
void Server::onShutdown(std::function<void()> fn) {
  impl_->onShutdown(std::move(fn));
}

}  // namespace cs::http
