// Mermaid sequence diagrams: every line of the output matches the grammar of Mermaid's
// sequenceDiagram statements, and free text cannot break a statement.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>

#include "models/trace/sequence_diagram.hpp"

using p2psim::trace::SequenceDiagram;
using p2psim::trace::mermaid_escape;

namespace {

// Checks the diagram against the statement grammar; returns "" or the first problem.
std::string well_formed(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != "sequenceDiagram") return "first line is not sequenceDiagram";
  const std::regex participant("    participant ([A-Za-z][A-Za-z0-9_]*) as (.+)");
  const std::regex message("    ([A-Za-z][A-Za-z0-9_]*)(->>|-->>|-x)([A-Za-z][A-Za-z0-9_]*): (.+)");
  const std::regex note("    Note (over ([A-Za-z][A-Za-z0-9_]*)(,([A-Za-z][A-Za-z0-9_]*))?|right of ([A-Za-z][A-Za-z0-9_]*)): (.+)");
  std::set<std::string> declared;
  bool in_body = false;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line == "    autonumber") {
      if (in_body || !declared.empty()) return "autonumber after the first statement";
      continue;
    }
    std::string txt;
    if (std::regex_match(line, m, participant)) {
      if (in_body) return "participant after a message: " + line;
      if (!declared.insert(m[1]).second) return "duplicate participant: " + line;
      txt = m[2];
    } else if (std::regex_match(line, m, message)) {
      in_body = true;
      if (!declared.count(m[1]) || !declared.count(m[3])) return "undeclared participant: " + line;
      txt = m[4];
    } else if (std::regex_match(line, m, note)) {
      in_body = true;
      for (int g : {2, 4, 5})
        if (m[g].matched && !declared.count(m[g])) return "undeclared participant in note: " + line;
      txt = m[6];
    } else {
      return "not a statement: " + line;
    }
    // Strip valid entity codes, then no ';' or '#' may remain.
    const std::string stripped = std::regex_replace(txt, std::regex("#[0-9]+;"), "");
    if (stripped.find_first_of(";#") != std::string::npos) return "unescaped ; or # in: " + line;
  }
  return "";
}

}  // namespace

TEST_CASE("a NAT traversal exchange renders as a well-formed Mermaid diagram", "[trace][mermaid]") {
  SequenceDiagram d;
  d.set_autonumber(true);
  d.participant("A", "Peer A 192.168.1.10");
  d.participant("NATA", "NAT A (port-restricted cone) 198.51.100.7");
  d.participant("STUN", "STUN server 203.0.113.5:3478");
  d.message("A", "NATA", "Binding request tid=deadbeef 192.168.1.10:5000 -> 203.0.113.5:3478");
  d.note_over("NATA", "new mapping 192.168.1.10:5000 => 198.51.100.7:40123 (endpoint-independent)");
  d.message("NATA", "STUN", "Binding request from 198.51.100.7:40123");
  d.message("STUN", "NATA", "Binding success XOR-MAPPED-ADDRESS=198.51.100.7:40123", SequenceDiagram::Arrow::kDashed);
  d.message("NATA", "A", "filtering: accepted; mapping exists", SequenceDiagram::Arrow::kDashed);
  d.note_over("A", "NATA", "A learns srflx 198.51.100.7:40123");
  d.message("STUN", "NATA", "dropped: no permission; A never sent to that port #1", SequenceDiagram::Arrow::kLost);
  d.note_right_of("STUN", "text with a\nnew line");
  const std::string out = d.render();
  INFO(out);
  CHECK(well_formed(out) == "");
  CHECK(d.messages() == 5);
  CHECK(out.find("    NATA->>STUN: Binding request from 198.51.100.7:40123\n") != std::string::npos);
  CHECK(out.find("    STUN--x") == std::string::npos);
  CHECK(out.find("    STUN-xNATA: dropped: no permission#59; A never sent to that port #35;1\n") != std::string::npos);
  CHECK(out.find("text with a<br/>new line") != std::string::npos);
  // The checker itself rejects malformed text (so the check above has teeth).
  CHECK(well_formed("sequenceDiagram\n    participant A as a\n    A->>B: x\n") != "");
  CHECK(well_formed("sequenceDiagram\n    participant A as a\n    A->>A: x; y\n") != "");
  CHECK(well_formed("graph TD\n") != "");
}

TEST_CASE("escaping keeps any text inside one statement", "[trace][mermaid]") {
  CHECK(mermaid_escape("a;b#c") == "a#59;b#35;c");
  CHECK(mermaid_escape("x\ny") == "x<br/>y");
  CHECK(mermaid_escape(std::string("t\tz\r")) == "t z ");
  CHECK(mermaid_escape("") == "-");
  SequenceDiagram d;
  d.participant("P1", "label; with # and\nnewline");
  d.message("P1", "P1", ";;;###\n\n");
  CHECK(well_formed(d.render()) == "");
}

TEST_CASE("ids are checked", "[trace][mermaid]") {
  SequenceDiagram d;
  d.participant("A", "a");
  CHECK_THROWS_AS(d.participant("A", "again"), std::invalid_argument);
  CHECK_THROWS_AS(d.participant("has space", "x"), std::invalid_argument);
  CHECK_THROWS_AS(d.participant("end", "x"), std::invalid_argument);
  CHECK_THROWS_AS(d.participant("1x", "x"), std::invalid_argument);
  CHECK_THROWS_AS(d.message("A", "B", "x"), std::invalid_argument);
}
