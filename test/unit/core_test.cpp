// Unit tests of src/core.hpp: the error type the bridge maps to ereport, and interrupt polling.
#include <gtest/gtest.h>

#include "core.hpp"

namespace {

TEST(CoreError, CarriesSqlstateMessageDetailHint)
{
	shinjp::Error e(shinjp::sqlstate::kInvalidParameterValue, "rating must be between 1 and 4", "Got 7.",
	                "Use 1, 2, 3 or 4.");
	EXPECT_STREQ(e.sqlstate(), "22023");
	EXPECT_STREQ(e.what(), "rating must be between 1 and 4");
	EXPECT_EQ(e.detail(), "Got 7.");
	EXPECT_EQ(e.hint(), "Use 1, 2, 3 or 4.");
}

bool g_flag = false;
bool Pending() { return g_flag; }

TEST(CoreInterrupts, ThrowOnlyWhenPending)
{
	EXPECT_NO_THROW(shinjp::CheckInterrupts());  // no hook installed
	shinjp::g_cancel_pending = Pending;
	EXPECT_NO_THROW(shinjp::CheckInterrupts());
	g_flag = true;
	EXPECT_THROW(shinjp::CheckInterrupts(), shinjp::Interrupted);
	shinjp::g_cancel_pending = nullptr;
}

}  // namespace
