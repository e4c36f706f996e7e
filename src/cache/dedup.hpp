#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/mutex.hpp"

namespace cs::cache {

// Lower-case, punctuation dropped, runs of whitespace collapsed to one space, trimmed:
// "Amazon S3 is like... a CLOSET!" and "amazon s3 is like a closet" normalise alike.
std::string normaliseText(std::string_view text);

// Hashes of the overlapping `words`-word windows of normalised text, sorted and unique.
// Texts shorter than `words` words yield one shingle of the whole text.
std::vector<std::uint64_t> wordShingles(std::string_view normalised, std::size_t words);

// Jaccard similarity |A∩B| / |A∪B| of two sorted unique sets.
double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

// The sayings this instance knows (pooled, in flight, recently stored), remembered so that a
// new saying that matches one of them exactly (after normalisation) or nearly (shingle Jaccard
// at or above the threshold) is recognised as a duplicate. Bounded: the oldest entries go
// first. Thread-safe; admit() checks and adds atomically, so two copies of a saying generated
// at the same moment cannot both get in.
class DedupIndex {
 public:
  struct Options {
    double threshold = 0.8;
    std::size_t shingle_words = 2;
    std::size_t capacity = 2000;
  };
  explicit DedupIndex(Options options);

  // The id of the known saying `text` duplicates, if any; otherwise remembers it under `id`.
  std::optional<std::string> admit(const std::string& id, std::string_view text);
  // Drops what admit() remembered under `id` (a saying that could not be stored: a later copy
  // must not be called a duplicate of an id nobody can find).
  void forget(const std::string& id);
  // Remembers without checking (sayings already in the store).
  void remember(const std::string& id, std::string_view text);
  std::optional<std::string> findDuplicate(std::string_view text) const;
  std::size_t size() const;
  std::uint64_t droppedCount() const;

 private:
  struct Entry {
    std::string id;
    std::string normalised;
    std::vector<std::uint64_t> shingles;
  };
  std::optional<std::string> findLocked(const std::string& normalised,
                                        const std::vector<std::uint64_t>& shingles) const
      CS_REQUIRES(mutex_);
  void addLocked(const std::string& id, std::string normalised, std::vector<std::uint64_t> shingles)
      CS_REQUIRES(mutex_);

  Options options_;
  mutable Mutex mutex_;
  std::deque<Entry> entries_ CS_GUARDED_BY(mutex_);
  std::unordered_map<std::string, std::string> exact_ CS_GUARDED_BY(mutex_);  // normalised -> id
  std::uint64_t dropped_ CS_GUARDED_BY(mutex_) = 0;
};

}  // namespace cs::cache
