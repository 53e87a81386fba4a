/*
 * memory.hpp — C++ objects and containers in PostgreSQL memory contexts.
 *
 *  - Allocator<T>: a stateful allocator for std:: and Boost.Container containers that allocates in a
 *    MemoryContext without ever longjmp'ing: failure throws std::bad_alloc, oversized requests
 *    throw std::bad_array_new_length before PostgreSQL is asked.
 *  - NewInContext<T>(cxt, args...): placement-new a C++ object into cxt and run its destructor when
 *    the context is reset or deleted (including on error abort).
 *
 * Glue files only.
 */
#pragma once

#include <cstddef>
#include <new>
#include <utility>

#include "pg/boundary.hpp"

extern "C" {
#include "utils/memutils.h"
}

namespace shinjp::pg {

template <class T>
class Allocator {
  public:
	using value_type = T;

	explicit Allocator(MemoryContext cxt) noexcept : cxt_(cxt) {}
	template <class U>
	Allocator(const Allocator<U> &other) noexcept : cxt_(other.context())
	{
	}

	T *allocate(std::size_t n)
	{
		if (n > MaxAllocSize / sizeof(T))
			throw std::bad_array_new_length();
		void *p = MemoryContextAllocExtended(cxt_, n * sizeof(T), MCXT_ALLOC_NO_OOM);
		if (p == nullptr)
			throw std::bad_alloc();
		return static_cast<T *>(p);
	}
	void deallocate(T *p, std::size_t) noexcept { pfree(p); }

	MemoryContext context() const noexcept { return cxt_; }
	template <class U>
	bool operator==(const Allocator<U> &o) const noexcept
	{
		return cxt_ == o.context();
	}
	template <class U>
	bool operator!=(const Allocator<U> &o) const noexcept
	{
		return cxt_ != o.context();
	}

  private:
	MemoryContext cxt_;
};

namespace detail {
template <class T>
struct ContextObject {
	MemoryContextCallback callback;
	alignas(T) unsigned char storage[sizeof(T)];
	bool live;
};

template <class T>
void
DestroyContextObject(void *arg)
{
	auto *box = static_cast<ContextObject<T> *>(arg);
	if (box->live) {
		box->live = false;
		reinterpret_cast<T *>(box->storage)->~T();
	}
}
}  // namespace detail

/*
 * Construct a T in cxt; its destructor runs when cxt is reset or deleted.  Throws std::bad_alloc
 * (never longjmps); T's constructor may throw, in which case nothing is registered.
 */
template <class T, class... Args>
T *
NewInContext(MemoryContext cxt, Args &&...args)
{
	static_assert(alignof(T) <= MAXIMUM_ALIGNOF, "NewInContext: over-aligned type");
	void *mem = MemoryContextAllocExtended(cxt, sizeof(detail::ContextObject<T>), MCXT_ALLOC_NO_OOM);
	if (mem == nullptr)
		throw std::bad_alloc();
	auto *box = static_cast<detail::ContextObject<T> *>(mem);
	box->live = false;
	T *obj;
	try {
		obj = new (box->storage) T(std::forward<Args>(args)...);
	} catch (...) {
		pfree(mem);
		throw;
	}
	box->live = true;
	box->callback.func = detail::DestroyContextObject<T>;
	box->callback.arg = box;
	MemoryContextRegisterResetCallback(cxt, &box->callback);
	return obj;
}

}  // namespace shinjp::pg
