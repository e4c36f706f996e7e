#pragma once
// One store per test on each backend a store contract runs against: "sqlite" (a file),
// "dynalite" (DynamoDB's wire protocol on a free port) and "dynalite_lost_answers" (dynalite
// through a transport that applies every other write, then drops its answer, so the caller
// sees a timeout and retries). Every contract suite derives its fixture from this one.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fakes/dropping_transport.hpp"
#include "fakes/dynalite_process.hpp"
#include "net/curl_transport.hpp"
#include "store/sqlite_store.hpp"
#include "support/test_support.hpp"

namespace cs::testing {

inline constexpr int kContractScanPage = 7;  // dynalite pages every 7 items: listings span pages

class StoreBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      store_ = std::make_unique<SqliteStore>(dir_.file("contract.db"));
      return;
    }
    ASSERT_TRUE(dynalite_.start()) << dynalite_.why();
    net::HttpTransportPtr transport;
    if (GetParam() == "dynalite_lost_answers") {
      auto dropping = std::make_unique<DroppingTransport>(std::make_unique<net::CurlTransport>(),
                                                          DroppingTransport::everyOtherWrite());
      dropping_ = dropping.get();
      transport = std::move(dropping);
    }
    store_ = makeDynaliteStore(dynalite_, uniqueTables(), kContractScanPage, std::move(transport));
  }
  // Through the dropping transport, a test that wrote must have had answers dropped.
  void expectAnswersDropped() {
    if (dropping_) {
      EXPECT_GT(dropping_->dropped(), 0u);
    }
  }
  Store& store() { return *store_; }

  TempDir dir_;
  DynaliteProcess dynalite_;
  StorePtr store_;
  DroppingTransport* dropping_ = nullptr;  // owned by store_
};

inline auto storeBackends() {
  return ::testing::Values("sqlite", "dynalite", "dynalite_lost_answers");
}
inline std::string backendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace cs::testing
