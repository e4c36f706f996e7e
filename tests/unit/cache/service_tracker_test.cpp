#include <gtest/gtest.h>

#include "cache/service_tracker.hpp"

namespace cs::cache {
namespace {

TEST(ServiceTrackerTest, AvoidsTheMostUsedRecentServices) {
  ServiceTracker tracker({4, 2});
  tracker.record({"Amazon S3"});
  tracker.record({"Amazon S3", "AWS Lambda"});
  tracker.record({"Amazon SQS"});
  tracker.record({"Amazon S3"});
  EXPECT_EQ(tracker.avoidList(), (std::vector<std::string>{"Amazon S3", "Amazon SQS"}));
  // The window slides: old S3 mentions age out.
  for (int i = 0; i < 4; ++i) tracker.record({"Amazon EC2"});
  EXPECT_EQ(tracker.avoidList(), (std::vector<std::string>{"Amazon EC2"}));
}

}  // namespace
}  // namespace cs::cache
