// DynamoDB writes whose answers are lost after they were applied (DroppingTransport around the
// real transport, dynalite behind it): a vote is counted exactly once, its retry is recognised
// as ours (never "already voted"), and a vote left uncounted by a writer that stopped midway is
// counted once by the next vote of that client.
#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "core/ids.hpp"
#include "fakes/dropping_transport.hpp"
#include "fakes/dynalite_process.hpp"
#include "net/curl_transport.hpp"
#include "store/dynamo/item_codec.hpp"

namespace cs {
namespace {

using testing::DroppingTransport;

Saying makeSaying(const std::string& id) {
  Saying s;
  s.id = id;
  s.text = "Amazon S3 is a closet";
  s.model = "claude-haiku-4-5";
  s.provider = "anthropic";
  s.created_at_ms = 1000;
  return s;
}

FeedbackRecord makeVote(const std::string& client, Vote v = Vote::kUp) {
  FeedbackRecord r;
  r.id = randomId();
  r.saying_id = "a";
  r.vote = v;
  r.model = "claude-haiku-4-5";
  r.provider = "anthropic";
  r.client_key = client;
  r.created_at_ms = 100;
  return r;
}

class LostAnswers : public ::testing::Test {
 protected:
  void start(DroppingTransport::Policy policy) {
    ASSERT_TRUE(dynalite_.start()) << dynalite_.why();
    auto dropping =
        std::make_unique<DroppingTransport>(std::make_unique<net::CurlTransport>(), policy);
    dropping_ = dropping.get();
    store_ = testing::makeDynaliteStore(dynalite_, tables_, 0, std::move(dropping));
    ASSERT_TRUE(store_->putSaying(makeSaying("a")).value());
  }
  Saying saying() { return store_->getSaying("a").value().value(); }
  // The one vote rollup row all these votes (minute 0, one model) land in.
  VoteRow rollup() {
    auto rows = store_->listVoteStats(VoteQuery{}).value();
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? VoteRow{} : rows.front();
  }

  testing::DynaliteProcess dynalite_;
  dynamo::Tables tables_ = testing::uniqueTables();
  std::unique_ptr<dynamo::DynamoStore> store_;
  DroppingTransport* dropping_ = nullptr;
};

TEST_F(LostAnswers, FirstAnswerOfEveryWriteLostStillCountsEachVoteOnce) {
  // Every distinct write request loses its first answer; its retry gets through.
  auto seen = std::make_shared<std::set<std::string>>();
  auto mutex = std::make_shared<std::mutex>();
  start([seen, mutex](std::uint64_t, const net::HttpRequest& request) {
    std::lock_guard lock(*mutex);
    return seen->insert(request.body).second;
  });
  for (int c = 0; c < 20; ++c) {
    auto first = store_->recordVote(
        makeVote("client-" + std::to_string(c), c % 3 == 0 ? Vote::kDown : Vote::kUp));
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_TRUE(first->counted) << "an applied vote reported as already voted";
    auto repeat = store_->recordVote(makeVote("client-" + std::to_string(c)));
    ASSERT_TRUE(repeat) << repeat.error().message;
    EXPECT_FALSE(repeat->counted);
    EXPECT_EQ(repeat->record_id, first->record_id);
  }
  EXPECT_GT(dropping_->dropped(), 20u);
  const auto s = saying();
  EXPECT_EQ(s.upvotes, 13);
  EXPECT_EQ(s.downvotes, 7);
  EXPECT_EQ(store_->listFeedback({}).value().size(), 20u);
  EXPECT_EQ(rollup().positive, 13);
  EXPECT_EQ(rollup().negative, 7);
}

TEST_F(LostAnswers, RollupAnswerLostOnEveryAttemptIsReadBack) {
  // Every answer to the vote rollup's UpdateItem is lost: applied once, each retry fails its
  // condition unseen, and the read-back of the rollup's marks shows the vote went in.
  start([](std::uint64_t, const net::HttpRequest& request) {
    return request.body.find("#vote_minute_ms") != std::string::npos;
  });
  for (int c = 0; c < 3; ++c) {
    auto vote = store_->recordVote(makeVote("client-" + std::to_string(c)));
    ASSERT_TRUE(vote) << vote.error().message;
    EXPECT_TRUE(vote->counted);
  }
  EXPECT_GE(dropping_->dropped(), 3u);
  EXPECT_EQ(rollup().positive, 3);
  EXPECT_EQ(rollup().negative, 0);
}

TEST_F(LostAnswers, CounterAnswerLostOnEveryAttemptIsReadBack) {
  // Every answer to the counter's UpdateItem is lost (it is applied once, then each retry fails
  // its condition unseen): the read-back of the saying's marks shows the count went in.
  start([](std::uint64_t, const net::HttpRequest& request) {
    return request.body.find("ADD #upvotes") != std::string::npos;
  });
  auto vote = store_->recordVote(makeVote("client-1"));
  ASSERT_TRUE(vote) << vote.error().message;
  EXPECT_TRUE(vote->counted);
  EXPECT_EQ(saying().upvotes, 1);
}

TEST_F(LostAnswers, RequestStatsRetriedAfterLostAnswersAddOnce) {
  start(DroppingTransport::everyOtherWrite());
  RequestStatsRow row;
  row.minute_ms = 60'000;
  row.model = "m";
  row.source = "llm";
  row.invocations = 2;
  row.tokens = 50;
  row.cost_usd = 0.5;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store_->addRequestStats({row, row}));
  auto rows = store_->listRequestStats({}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].invocations, 40);
  EXPECT_EQ(rows[0].tokens, 1000);
  EXPECT_DOUBLE_EQ(rows[0].cost_usd, 10.0);
}

TEST_F(LostAnswers, AVoteLeftUncountedIsCountedOnceByTheNextVoteOfThatClient) {
  start([](std::uint64_t, const net::HttpRequest&) { return false; });
  // What a writer that stopped after its PutItem leaves: the vote, counted = false, long ago.
  FeedbackRecord stranded = makeVote("client-1");
  auto item = dynamo::feedbackItem(stranded);
  item["counted"] = dynamo::attrBool(false);
  item["written_at"] = dynamo::attrN(std::int64_t{1000});
  ASSERT_TRUE(
      store_->client().call(dynamo::Op::kPutItem, dynamo::putItemRequest(tables_.feedback, item)));
  EXPECT_EQ(saying().upvotes, 0);

  for (int i = 0; i < 3; ++i) {
    auto again = store_->recordVote(makeVote("client-1"));
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_FALSE(again->counted);
    EXPECT_EQ(again->record_id, stranded.id);
    EXPECT_EQ(saying().upvotes, 1);   // counted by the first, never again
    EXPECT_EQ(rollup().positive, 1);  // and added to the rollup once, as the stranded vote
  }
}

}  // namespace
}  // namespace cs
