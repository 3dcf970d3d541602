// Every Catch2 test name must survive ctest's registration (catch_discover_tests passes the
// name back to the binary as its test spec): a name starting with '-' is read by Catch2 as
// one of its own options, and ctest splits a name at ';'. Scans every test source.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

TEST_CASE("no test name starts with a dash or holds a semicolon (ctest would pass it on mangled)", "[app][meta]") {
  const std::regex test_case(R"re(TEST_CASE\s*\(\s*"((?:[^"\\]|\\.)*)")re");
  int names = 0;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(P2PSIM_SOURCE_DIR) / "tests")) {
    if (!e.is_regular_file() || e.path().extension() != ".cpp") continue;
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (std::sregex_iterator it(s.begin(), s.end(), test_case), end; it != end; ++it) {
      const std::string name = (*it)[1];
      ++names;
      INFO(e.path().string() << ": \"" << name << "\"");
      CHECK_FALSE(name.empty());
      if (!name.empty()) CHECK(name.front() != '-');
      CHECK(name.find(';') == std::string::npos);
    }
  }
  CHECK(names > 100);
}
