// LSM_INVARIANT(cond): an expensive internal consistency check. Compiled in by the `debug` and
// `asan` presets (LSM_INVARIANTS defined), compiled out of `release`. A failed check prints the
// condition and its place and aborts: it means a bug in lsm, never bad input (bad input gets a
// Status).
#ifndef LSM_UTIL_INVARIANT_H_
#define LSM_UTIL_INVARIANT_H_

#include <cstdio>
#include <cstdlib>

#ifdef LSM_INVARIANTS
#define LSM_INVARIANT(cond)                                                             \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)
#else
#define LSM_INVARIANT(cond) \
  do {                      \
  } while (false && (cond))
#endif

#endif  // LSM_UTIL_INVARIANT_H_
