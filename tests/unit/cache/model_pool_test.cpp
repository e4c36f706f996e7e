#include <gtest/gtest.h>

#include "cache/dedup.hpp"
#include "cache/model_pool.hpp"

namespace cs::cache {
namespace {

SayingPtr saying(const std::string& id) {
  auto s = std::make_shared<Saying>();
  s->id = id;
  return s;
}

TEST(ModelPoolTest, ServesEachSayingMaxServesTimesAndStaysBounded) {
  ModelPool pool(3, 2);
  EXPECT_EQ(pool.add({saying("a"), saying("b"), saying("c"), saying("d")}), 3u);
  std::vector<std::string> served;
  while (auto t = pool.take()) served.push_back(t->saying->id);
  EXPECT_EQ(served, (std::vector<std::string>{"a", "b", "c", "a", "b", "c"}));
  EXPECT_EQ(pool.size(), 0u);

  ModelPool once(5, 1);
  once.add({saying("x"), saying("y")});
  EXPECT_EQ(once.take()->remaining, 1u);
  EXPECT_EQ(once.take()->saying->id, "y");
  EXPECT_FALSE(once.take());
}

}  // namespace
}  // namespace cs::cache
