// ThreadExecutor: timers in due order, a throwing job counted (the thread lives on), stop()
// firing pending timers at once, jobs after stop run on the caller, a fixed thread count.
#include <gtest/gtest.h>

#include <dirent.h>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/executor.hpp"
#include "core/thread_boundary.hpp"

namespace cs {
namespace {

using std::chrono::milliseconds;

// What the jobs did, in order; waitFor's cap only keeps a broken build from hanging.
struct Journal {
  void add(std::string what) {
    {
      std::lock_guard lock(mutex);
      entries.push_back(std::move(what));
    }
    changed.notify_all();
  }
  bool waitFor(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(20), [&] { return entries.size() >= n; });
  }
  std::vector<std::string> all() {
    std::lock_guard lock(mutex);
    return entries;
  }
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> entries;
};

std::size_t threadsOfThisProcess() {
  std::size_t n = 0;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (const dirent* e = ::readdir(dir))
      if (e->d_name[0] != '.') ++n;
    ::closedir(dir);
  }
  return n;
}

TEST(Executor, TimersFireInDueOrderNotPostOrder) {
  Journal journal;
  ThreadExecutor executor(1);
  executor.postAfter(milliseconds(60), [&] { journal.add("third"); });
  executor.postAfter(milliseconds(20), [&] { journal.add("first"); });
  executor.postAfter(milliseconds(40), [&] { journal.add("second"); });
  executor.post([&] { journal.add("now"); });
  ASSERT_TRUE(journal.waitFor(4));
  EXPECT_EQ(journal.all(), (std::vector<std::string>{"now", "first", "second", "third"}));
}

// Found by ASan in the server: a thread waiting for the earliest timer held a reference into
// the timer list, and postAfter from other threads reallocated the list under it.
TEST(Executor, TimersPostedWhileAThreadWaitsForTheEarliestOneDoNotMoveItsDeadline) {
  Journal journal;
  ThreadExecutor executor(2);
  executor.postAfter(milliseconds(30), [&] { journal.add("due"); });
  std::this_thread::sleep_for(milliseconds(5));  // let both threads wait on that timer
  std::vector<std::thread> posters;
  for (int t = 0; t < 4; ++t)
    posters.emplace_back([&] {
      for (int i = 0; i < 500; ++i) executor.postAfter(std::chrono::hours(1), [] {});
    });
  for (auto& p : posters) p.join();
  ASSERT_TRUE(journal.waitFor(1));
  executor.stop();  // fires the 2,000 hour-long timers at once
  EXPECT_EQ(journal.all(), (std::vector<std::string>{"due"}));
}

TEST(Executor, AThrowingJobIsCountedAndTheThreadCarriesOn) {
  Journal journal;
  const auto before = surprisesIn(ThreadKind::kExecutor);
  ThreadExecutor executor(1);
  executor.post([] { throw std::runtime_error("a job's bug"); });
  executor.postAfter(milliseconds(1), [] { throw 42; });  // not even a std::exception
  executor.postAfter(milliseconds(5), [&] { journal.add("after"); });
  ASSERT_TRUE(journal.waitFor(1));
  EXPECT_EQ(surprisesIn(ThreadKind::kExecutor), before + 2);
}

TEST(Executor, StopFiresPendingTimersAtOnceAndTheyKnowIt) {
  Journal journal;
  auto executor = std::make_unique<ThreadExecutor>(2);
  Executor& e = *executor;
  executor->postAfter(std::chrono::hours(1), [&] {
    journal.add(e.stopping() ? "fired early, stopping" : "fired on time");
  });
  executor->stop();  // returns without waiting an hour: the timer ran at once
  EXPECT_EQ(journal.all(), (std::vector<std::string>{"fired early, stopping"}));
}

TEST(Executor, AJobPostedAfterStopRunsOnTheCaller) {
  ThreadExecutor executor(1);
  executor.stop();
  std::thread::id ran_on;
  executor.post([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  bool timer_ran = false;
  executor.postAfter(milliseconds(10'000), [&] { timer_ran = true; });
  EXPECT_TRUE(timer_ran);  // nothing is ever dropped
}

// ThreadSanitizer starts a background thread of its own, lazily, at a moment of its choosing.
#if defined(__SANITIZE_THREAD__)
constexpr std::size_t kSanitizerThreads = 1;
#else
constexpr std::size_t kSanitizerThreads = 0;
#endif

::testing::AssertionResult threadsAre(std::size_t expected) {
  const auto now = threadsOfThisProcess();
  if (now >= expected && now <= expected + kSanitizerThreads) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << now << " threads, expected " << expected;
}

TEST(Executor, ItsThreadsAreFixedWhateverTheLoad) {
  Journal journal;
  const auto before = threadsOfThisProcess();
  ThreadExecutor executor(3);
  EXPECT_EQ(executor.threads(), 3u);
  EXPECT_TRUE(threadsAre(before + 3));
  for (int i = 0; i < 500; ++i) {
    executor.post([&] { journal.add("job"); });
    executor.postAfter(milliseconds(i % 7), [&] { journal.add("timer"); });
  }
  EXPECT_TRUE(threadsAre(before + 3));
  ASSERT_TRUE(journal.waitFor(1000));
  EXPECT_TRUE(threadsAre(before + 3));
}

}  // namespace
}  // namespace cs
