#include <gtest/gtest.h>

#include <set>

#include "core/time_format.hpp"

namespace cs {
namespace {

TEST(TimeFormat, RoundTripsIsoUtc) {
  EXPECT_EQ(formatIsoUtcMs(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatIsoUtcMs(1705314600123), "2024-01-15T10:30:00.123Z");
  EXPECT_EQ(parseIsoUtc("2024-01-15T10:30:00Z"), 1705314600000);
  EXPECT_EQ(parseIsoUtc("2024-01-15T10:30:00.123Z"), 1705314600123);
  EXPECT_EQ(parseIsoUtc("2024-01-15T12:30:00+02:00"), 1705314600000);
  EXPECT_EQ(parseIsoUtc("2024-01-15"), 1705276800000);
  EXPECT_FALSE(parseIsoUtc("2024-13-01").has_value());
  EXPECT_FALSE(parseIsoUtc("yesterday").has_value());
  EXPECT_FALSE(parseIsoUtc("2024-01-15T10:30").has_value());
  // Offsets are -12:00..+14:00 with minutes below 60.
  EXPECT_FALSE(parseIsoUtc("2026-12-01T00:00:00+99:99").has_value());
  EXPECT_FALSE(parseIsoUtc("2026-12-01T00:00:00+02:60").has_value());
  EXPECT_EQ(parseIsoUtc("2026-12-01T14:00:00+14:00"), parseIsoUtc("2026-12-01T00:00:00Z"));
  EXPECT_EQ(parseIsoUtc("2026-12-01T00:00:00-12:00"), parseIsoUtc("2026-12-01T12:00:00Z"));
}

}  // namespace
}  // namespace cs
