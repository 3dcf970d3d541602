// SequenceDiagram: builds a Mermaid sequence diagram (renders on GitHub and in the docs).
//
// Output grammar (Mermaid "sequenceDiagram" syntax, https://mermaid.js.org/syntax/sequenceDiagram.html):
//   sequenceDiagram
//     [autonumber]
//     participant <id> as <label>          one per participant, in declaration order
//     <id><arrow><id>: <text>              arrows: ->> (sent), -->> (reply), -x (lost)
//     Note over <id>[,<id>]: <text>        or Note right of / left of <id>: <text>
// Ids are [A-Za-z][A-Za-z0-9_]*. Labels and texts are escaped so that no character can
// end the statement early: ';' and '#' become Mermaid entity codes (#59; #35;), a line
// break becomes <br/>, and other control characters become spaces.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace p2psim::trace {

class SequenceDiagram {
 public:
  enum class Arrow { kSolid, kDashed, kLost };

  // Declares a participant. Throws std::invalid_argument for a malformed or duplicate id.
  void participant(const std::string& id, const std::string& label);
  bool has_participant(const std::string& id) const;
  // Precondition (else std::invalid_argument): both ids are declared.
  void message(const std::string& from, const std::string& to, const std::string& text,
               Arrow arrow = Arrow::kSolid);
  void note_over(const std::string& a, const std::string& b, const std::string& text);
  void note_over(const std::string& a, const std::string& text);
  void note_right_of(const std::string& a, const std::string& text);
  // Numbers the messages in the rendered diagram (Mermaid's autonumber).
  void set_autonumber(bool on) { autonumber_ = on; }

  std::size_t messages() const { return messages_; }
  std::string render() const;

 private:
  void require(const std::string& id) const;

  std::vector<std::pair<std::string, std::string>> participants_;
  std::vector<std::string> lines_;
  std::size_t messages_ = 0;
  bool autonumber_ = false;
};

// Escapes free text for a Mermaid label or message (see the header comment).
std::string mermaid_escape(std::string_view text);

}  // namespace p2psim::trace
