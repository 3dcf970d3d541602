// ScenarioError: a problem in a scenario file, reported as
//   file:line:column: key.path: expected ..., got "..."
// Line and column are 1-based. The CLI prints what() and exits with status 2.
#pragma once

#include <stdexcept>
#include <string>

namespace p2psim::scenario {

struct SourcePos {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
};

class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(SourcePos pos, std::string path, std::string message);
  const SourcePos& pos() const { return pos_; }
  const std::string& path() const { return path_; }
  const std::string& message() const { return message_; }

 private:
  SourcePos pos_;
  std::string path_, message_;
};

}  // namespace p2psim::scenario
