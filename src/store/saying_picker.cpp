#include "store/saying_picker.hpp"

namespace cs {

SayingPicker::SayingPicker(Store& store, const Clock& clock, Options options)
    : store_(store), clock_(clock), options_(options), items_(clock, options.item_ttl) {}

Result<std::shared_ptr<const std::vector<std::string>>> SayingPicker::ids() {
  {
    MutexLock lock(mutex_);
    if (ids_ && clock_.now() < ids_expire_) return ids_;
  }
  // Refresh outside the lock; concurrent refreshes are harmless (last one wins).
  auto fresh = store_.listSayingIds();
  MutexLock lock(mutex_);
  if (!fresh) {
    if (ids_) return ids_;  // a stale list beats no answer while the store is down
    return std::unexpected(fresh.error());
  }
  ids_ = std::make_shared<const std::vector<std::string>>(std::move(*fresh));
  ids_expire_ = clock_.now() + options_.id_list_ttl;
  return ids_;
}

void SayingPicker::prime(std::vector<std::string> ids) {
  auto list = std::make_shared<const std::vector<std::string>>(std::move(ids));
  MutexLock lock(mutex_);
  ids_ = std::move(list);
  ids_expire_ = clock_.now() + options_.id_list_ttl;
}

std::size_t SayingPicker::chooseIndex(const std::vector<std::string>& all,
                                      const std::string& avoid_id) {
  std::size_t index;
  {
    MutexLock lock(mutex_);
    index = std::uniform_int_distribution<std::size_t>(0, all.size() - 1)(rng_);
  }
  if (all.size() > 1 && all[index] == avoid_id) index = (index + 1) % all.size();
  return index;
}

Result<Saying> SayingPicker::pickRandom(const std::string& avoid_id) {
  auto list = ids();
  if (!list) return std::unexpected(list.error());
  const auto& all = **list;
  if (all.empty()) return fail(ErrorCode::kEmptyStore, "the store holds no sayings");
  // A few tries cover ids deleted since the list was read.
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto saying = get(all[chooseIndex(all, avoid_id)]);
    if (!saying) return std::unexpected(saying.error());
    if (*saying) return std::move(**saying);
  }
  return fail(ErrorCode::kEmptyStore, "the store's sayings could not be read");
}

std::shared_ptr<const Saying> SayingPicker::pickCached(const std::string& avoid_id) {
  std::shared_ptr<const std::vector<std::string>> list;
  {
    MutexLock lock(mutex_);
    if (!ids_ || clock_.now() >= ids_expire_) return nullptr;
    list = ids_;
  }
  if (list->empty()) return nullptr;
  return items_.get((*list)[chooseIndex(*list, avoid_id)]).value_or(nullptr);
}

Result<std::optional<Saying>> SayingPicker::get(const std::string& id) {
  if (auto cached = items_.get(id)) return std::optional<Saying>(**cached);
  auto fetched = store_.getSaying(id);
  if (fetched && *fetched) items_.put(id, std::make_shared<const Saying>(**fetched));
  return fetched;
}

void SayingPicker::remember(const Saying& saying) {
  items_.put(saying.id, std::make_shared<const Saying>(saying));
  MutexLock lock(mutex_);
  if (!ids_) return;
  auto grown = std::make_shared<std::vector<std::string>>(*ids_);
  grown->push_back(saying.id);
  ids_ = std::move(grown);
}

}  // namespace cs
