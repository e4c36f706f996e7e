#pragma once
#include <memory>

#include "store/store.hpp"

namespace cs::testing {

// A Store that passes every call to another: the base of test decorators (counting, slowing),
// which override only the calls they change and call ForwardingStore::x for the real answer.
class ForwardingStore : public Store {
 public:
  explicit ForwardingStore(Store& inner) : inner_(&inner) {}
  explicit ForwardingStore(std::unique_ptr<Store> owned)
      : owned_(std::move(owned)), inner_(owned_.get()) {}

  std::string_view backendName() const override { return inner_->backendName(); }
  Result<void> ping() override { return inner_->ping(); }
  Result<bool> putSaying(const Saying& s) override { return inner_->putSaying(s); }
  Result<std::optional<Saying>> getSaying(const std::string& id) override {
    return inner_->getSaying(id);
  }
  Result<std::vector<Saying>> getSayings(const std::vector<std::string>& ids) override {
    return inner_->getSayings(ids);
  }
  Result<std::vector<std::string>> listSayingIds() override { return inner_->listSayingIds(); }
  Result<std::vector<Saying>> recentSayings(std::size_t limit) override {
    return inner_->recentSayings(limit);
  }
  Result<VoteOutcome> recordVote(const FeedbackRecord& record) override {
    return inner_->recordVote(record);
  }
  Result<std::vector<FeedbackRecord>> listFeedback(const TimeRange& range) override {
    return inner_->listFeedback(range);
  }
  Result<std::vector<VoteRow>> listVoteStats(const VoteQuery& q) override {
    return inner_->listVoteStats(q);
  }
  Result<std::optional<std::int64_t>> firstVoteMinute(const VoteQuery& q) override {
    return inner_->firstVoteMinute(q);
  }
  Result<std::vector<VoteSample>> recentVotes(const VoteQuery& q, std::size_t limit) override {
    return inner_->recentVotes(q, limit);
  }
  Result<void> addRequestStats(const std::vector<RequestStatsRow>& rows) override {
    return inner_->addRequestStats(rows);
  }
  Result<std::vector<RequestStatsRow>> listRequestStats(const TimeRange& range) override {
    return inner_->listRequestStats(range);
  }
  Result<void> addLedgerStats(const std::vector<LedgerRow>& rows) override {
    return inner_->addLedgerStats(rows);
  }
  Result<std::vector<LedgerRow>> listLedgerStats(const TimeRange& range) override {
    return inner_->listLedgerStats(range);
  }
  Result<void> putBattle(const ArenaBattle& battle) override { return inner_->putBattle(battle); }
  Result<std::optional<ArenaBattle>> getBattle(const std::string& id) override {
    return inner_->getBattle(id);
  }
  Result<ArenaVoteOutcome> recordArenaVote(const ArenaVote& vote) override {
    return inner_->recordArenaVote(vote);
  }
  Result<std::vector<ArenaVote>> listArenaVotes() override { return inner_->listArenaVotes(); }

 private:
  std::unique_ptr<Store> owned_;
  Store* inner_;
};

}  // namespace cs::testing
