/*
 * core.cpp — storage for the core's interrupt hook (set by src/pg/boundary.cpp).
 */
#include "core_only.hpp"

namespace shinjp {

bool (*g_cancel_pending)() = nullptr;

}  // namespace shinjp
