#include "app/runner/huge_pages.hpp"

#include <unistd.h>

#include <cstdlib>

namespace p2psim::runner {

void use_huge_pages(char** argv) {
  if (std::getenv("GLIBC_TUNABLES") != nullptr || std::getenv("P2PSIM_NO_THP") != nullptr) return;
  if (setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1) != 0) return;
  execv("/proc/self/exe", argv);  // returns only on failure
  unsetenv("GLIBC_TUNABLES");
}

}  // namespace p2psim::runner
