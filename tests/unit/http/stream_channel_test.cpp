// StreamChannel and DeferredSlot (http/stream_channel.hpp), the hand-over from producer threads
// to a session's coroutine: chunks in order, the close, writes refused once the session is gone
// (the producer's only back-pressure: the queue itself is unbounded), and the first answer of a
// deferred response. The session side runs on a real io_context, attached as server.cpp
// attaches it; the producers are real threads. No sleeping: the coroutine ends when it has
// seen the close, and io_context::run returns with it.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/stream_channel.hpp"

namespace cs::http {
namespace {

namespace asio = boost::asio;
using Chunks = std::vector<std::string>;

// What a session owns: its io_context and the timer its coroutine waits on.
struct Session {
  asio::io_context io;
  SessionWaker::Timer timer{io};
};

TEST(StreamChannel, RefusesWritesUntilASessionAttaches) {
  auto channel = std::make_shared<StreamChannel>();
  EXPECT_FALSE(channel->write("early"));
  Chunks out;
  EXPECT_FALSE(channel->take(out));
  EXPECT_TRUE(out.empty());
}

TEST(StreamChannel, HandsChunksOverInOrderThenReportsTheClose) {
  Session session;
  auto channel = std::make_shared<StreamChannel>();
  SessionWaker::Attach attach(*channel, session.timer);
  for (const char* chunk : {"a", "b", "c"}) ASSERT_TRUE(channel->write(chunk));
  Chunks out;
  EXPECT_FALSE(channel->take(out)) << "not closed yet";
  EXPECT_EQ(out, (Chunks{"a", "b", "c"}));
  ASSERT_TRUE(channel->write("d"));
  channel->close();
  EXPECT_FALSE(channel->write("after the close"));
  channel->close();  // a second close changes nothing
  out.clear();
  EXPECT_TRUE(channel->take(out));
  EXPECT_EQ(out, Chunks{"d"}) << "what came before the close is still delivered";
  out.clear();
  EXPECT_TRUE(channel->take(out));
  EXPECT_TRUE(out.empty());
}

TEST(StreamChannel, AProducerLearnsThatTheSessionIsGone) {
  auto channel = std::make_shared<StreamChannel>();
  {
    Session session;
    SessionWaker::Attach attach(*channel, session.timer);
    EXPECT_TRUE(channel->write("while attached"));
  }
  // The session and its io_context are gone; the producer still holds the channel.
  EXPECT_FALSE(channel->write("late"));
  channel->close();  // posts nothing: there is no executor left to post to
  Chunks out;
  EXPECT_TRUE(channel->take(out));
  EXPECT_EQ(out, Chunks{"while attached"});
}

// The session's loop of server.cpp (take what is there, else wait), with a producer thread
// that writes while the coroutine waits: every chunk arrives once, in order, and the loop ends
// at the close.
asio::awaitable<void> drain(std::shared_ptr<StreamChannel> channel, SessionWaker::Timer& timer,
                            int chunks, Chunks& got, int& waits) {
  SessionWaker::Attach attach(*channel, timer);
  std::jthread producer([channel, chunks] {
    for (int i = 0; i < chunks; ++i) EXPECT_TRUE(channel->write(std::to_string(i)));
    channel->close();
  });
  for (;;) {
    const bool closed = channel->take(got);
    if (closed) break;
    co_await channel->wait();
    ++waits;
  }
}

TEST(StreamChannel, AWaitingSessionIsWokenForEveryChunkAndTheClose) {
  constexpr int kChunks = 2'000;
  Session session;
  auto channel = std::make_shared<StreamChannel>();
  Chunks got;
  int waits = 0;
  asio::co_spawn(session.io, drain(channel, session.timer, kChunks, got, waits), asio::detached);
  session.io.run();  // returns once the coroutine has seen the close
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kChunks));
  for (int i = 0; i < kChunks; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], std::to_string(i));
  // A wait returns when something is ready or when a write's wake lands: at most twice per
  // write and the close. More would be the coroutine spinning.
  EXPECT_LE(waits, 2 * (kChunks + 1));
}

TEST(DeferredSlot, TheFirstAnswerCountsAndDoesNotDeferAgain) {
  Session session;
  auto slot = std::make_shared<DeferredSlot>();
  SessionWaker::Attach attach(*slot, session.timer);
  EXPECT_FALSE(slot->take());
  auto done = slot->completion();
  Response first;
  first.status = 201;
  first.deferred = [](ResponseCallback) {};
  done(std::move(first));
  Response second;
  second.status = 500;
  done(std::move(second));
  auto answer = slot->take();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 201);
  EXPECT_FALSE(answer->deferred);
  EXPECT_FALSE(slot->take()) << "taken once";
}

TEST(DeferredSlot, ACompletionDroppedUncalledAnswers500) {
  Session session;
  auto slot = std::make_shared<DeferredSlot>();
  SessionWaker::Attach attach(*slot, session.timer);
  { auto dropped = slot->completion(); }
  auto answer = slot->take();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 500);
  EXPECT_NE(answer->body.find("internal"), std::string::npos) << answer->body;
}

TEST(DeferredSlot, AnAnswerAfterTheSessionLeftIsDropped) {
  auto slot = std::make_shared<DeferredSlot>();
  auto done = slot->completion();
  Response late;
  late.status = 200;
  done(std::move(late));
  EXPECT_FALSE(slot->take());
}

// awaitDeferred as a session awaits it: the answer comes from another thread, and the
// coroutine resumes with it on the session's io_context.
TEST(DeferredSlot, AwaitDeferredResumesWithTheAnswerFromAnotherThread) {
  asio::io_context io;
  std::jthread producer;
  Response pending;
  pending.deferred = [&producer](ResponseCallback done) {
    producer = std::jthread([done = std::move(done)] {
      Response r;
      r.status = 202;
      r.body = "from the producer";
      done(std::move(r));
    });
  };
  std::optional<Response> got;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { got = co_await awaitDeferred(std::move(pending)); },
      asio::detached);
  io.run();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 202);
  EXPECT_EQ(got->body, "from the producer");
}

}  // namespace
}  // namespace cs::http
