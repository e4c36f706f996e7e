#include <gtest/gtest.h>

#include "cache/dedup.hpp"
#include "cache/model_pool.hpp"

namespace cs::cache {
namespace {

TEST(Dedup, NormalisesCasePunctuationAndWhitespace) {
  EXPECT_EQ(normaliseText("  Amazon S3 is like...   a CLOSET!  "), "amazon s3 is like a closet");
  EXPECT_EQ(normaliseText("Don't\tpanic -- it's\nserverless"), "dont panic its serverless");
  EXPECT_EQ(normaliseText("!!!"), "");
}

TEST(Dedup, ExactAfterNormalisationIsADuplicate) {
  DedupIndex index({});
  EXPECT_FALSE(index.admit("a", "Amazon S3 is like a bottomless closet."));
  auto dup = index.admit("b", "amazon s3 IS like a bottomless closet!!");
  ASSERT_TRUE(dup);
  EXPECT_EQ(*dup, "a");
  EXPECT_EQ(index.droppedCount(), 1u);
  EXPECT_EQ(index.size(), 1u);
}

TEST(Dedup, NearDuplicatesByShingleJaccard) {
  const std::string base =
      "AWS Lambda is like a food truck that only parks when someone is hungry and leaves before "
      "the bill";
  const std::string one_word = base.substr(0, base.rfind(' ')) + " cheque";  // last word changed
  const std::string different =
      "Amazon SQS is like a queue at the post office where nobody ever complains";
  DedupIndex index({0.8, 2, 100});
  EXPECT_GE(jaccard(wordShingles(normaliseText(base), 2), wordShingles(normaliseText(one_word), 2)),
            0.8);
  EXPECT_FALSE(index.admit("base", base));
  EXPECT_EQ(index.admit("near", one_word), std::optional<std::string>("base"));
  EXPECT_FALSE(index.admit("other", different));

  // The threshold is configurable: at 0.95 the one-word change is a new saying.
  DedupIndex strict({0.95, 2, 100});
  EXPECT_FALSE(strict.admit("base", base));
  EXPECT_FALSE(strict.admit("near", one_word));
}

TEST(Dedup, ForgetsTheOldestPastCapacity) {
  DedupIndex index({0.8, 2, 2});
  index.remember("1", "first saying about buckets and closets");
  index.remember("2", "second saying about functions and food trucks");
  index.remember("3", "third saying about queues and post offices");
  EXPECT_EQ(index.size(), 2u);
  EXPECT_FALSE(index.findDuplicate("first saying about buckets and closets"));
  EXPECT_TRUE(index.findDuplicate("third saying about queues and post offices"));
}

}  // namespace
}  // namespace cs::cache
