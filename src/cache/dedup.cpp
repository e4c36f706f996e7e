#include "cache/dedup.hpp"

#include <algorithm>
#include <cctype>

#include "core/fnv.hpp"

namespace cs::cache {

std::string normaliseText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) {  // keep non-ASCII bytes: words in other scripts
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      out.push_back(static_cast<char>(std::tolower(c)));
    } else if (std::isspace(c) || c == '-' || c == '/') {
      pending_space = true;  // word separators
    }
    // other punctuation is dropped in place ("don't" -> "dont")
  }
  return out;
}

std::vector<std::uint64_t> wordShingles(std::string_view normalised, std::size_t words) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  while (start < normalised.size()) {
    auto end = normalised.find(' ', start);
    if (end == std::string_view::npos) end = normalised.size();
    if (end > start) tokens.push_back(normalised.substr(start, end - start));
    start = end + 1;
  }
  std::vector<std::uint64_t> out;
  if (tokens.empty()) return out;
  words = std::max<std::size_t>(1, words);
  if (tokens.size() <= words) {
    out.push_back(fnv1a(normalised));
  } else {
    for (std::size_t i = 0; i + words <= tokens.size(); ++i) {
      const char* first = tokens[i].data();
      const char* last = tokens[i + words - 1].data() + tokens[i + words - 1].size();
      out.push_back(fnv1a(std::string_view(first, static_cast<std::size_t>(last - first))));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  if (a.empty() && b.empty()) return 1.0;
  std::size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  const std::size_t unite = a.size() + b.size() - common;
  return static_cast<double>(common) / static_cast<double>(unite);
}

DedupIndex::DedupIndex(Options options) : options_(options) {}

std::optional<std::string> DedupIndex::findLocked(
    const std::string& normalised, const std::vector<std::uint64_t>& shingles) const {
  if (auto it = exact_.find(normalised); it != exact_.end()) return it->second;
  // Jaccard can only reach the threshold when the set sizes are close: skip the rest cheaply.
  for (const auto& e : entries_) {
    const auto lo = std::min(e.shingles.size(), shingles.size());
    const auto hi = std::max(e.shingles.size(), shingles.size());
    if (hi == 0 || static_cast<double>(lo) / static_cast<double>(hi) < options_.threshold) continue;
    if (jaccard(e.shingles, shingles) >= options_.threshold) return e.id;
  }
  return std::nullopt;
}

void DedupIndex::addLocked(const std::string& id, std::string normalised,
                           std::vector<std::uint64_t> shingles) {
  if (entries_.size() >= options_.capacity && !entries_.empty()) {
    auto it = exact_.find(entries_.front().normalised);
    if (it != exact_.end() && it->second == entries_.front().id) exact_.erase(it);
    entries_.pop_front();
  }
  exact_.insert_or_assign(normalised, id);
  entries_.push_back(Entry{id, std::move(normalised), std::move(shingles)});
}

void DedupIndex::forget(const std::string& id) {
  MutexLock lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->id != id) continue;
    if (auto e = exact_.find(it->normalised); e != exact_.end() && e->second == id) exact_.erase(e);
    entries_.erase(it);
    return;
  }
}

std::optional<std::string> DedupIndex::admit(const std::string& id, std::string_view text) {
  auto normalised = normaliseText(text);
  auto shingles = wordShingles(normalised, options_.shingle_words);
  MutexLock lock(mutex_);
  if (auto dup = findLocked(normalised, shingles)) {
    ++dropped_;
    return dup;
  }
  addLocked(id, std::move(normalised), std::move(shingles));
  return std::nullopt;
}

void DedupIndex::remember(const std::string& id, std::string_view text) {
  auto normalised = normaliseText(text);
  auto shingles = wordShingles(normalised, options_.shingle_words);
  MutexLock lock(mutex_);
  addLocked(id, std::move(normalised), std::move(shingles));
}

std::optional<std::string> DedupIndex::findDuplicate(std::string_view text) const {
  auto normalised = normaliseText(text);
  auto shingles = wordShingles(normalised, options_.shingle_words);
  MutexLock lock(mutex_);
  return findLocked(normalised, shingles);
}

std::size_t DedupIndex::size() const {
  MutexLock lock(mutex_);
  return entries_.size();
}

std::uint64_t DedupIndex::droppedCount() const {
  MutexLock lock(mutex_);
  return dropped_;
}

}  // namespace cs::cache
