#include "models/trace/sequence_diagram.hpp"

#include <cctype>
#include <stdexcept>

namespace p2psim::trace {
namespace {

bool valid_id(const std::string& id) {
  if (id.empty() || !std::isalpha(static_cast<unsigned char>(id[0]))) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  // Words of the grammar cannot be participant ids.
  for (const char* kw : {"end", "participant", "actor", "Note", "note", "loop", "alt", "else", "opt", "par", "and",
                         "rect", "autonumber", "activate", "deactivate", "as", "box", "critical", "break"})
    if (id == kw) return false;
  return true;
}

}  // namespace

std::string mermaid_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == ';') {
      out += "#59;";
    } else if (c == '#') {
      out += "#35;";
    } else if (c == '\n') {
      out += "<br/>";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      out += ' ';
    } else {
      out += c;
    }
  }
  // Mermaid trims; an empty text after ':' is still well formed, but keep one visible char.
  if (out.find_first_not_of(' ') == std::string::npos) return std::string(1, '-');
  return out;
}

void SequenceDiagram::participant(const std::string& id, const std::string& label) {
  if (!valid_id(id)) throw std::invalid_argument("invalid Mermaid participant id: " + id);
  if (has_participant(id)) throw std::invalid_argument("duplicate Mermaid participant id: " + id);
  participants_.emplace_back(id, label);
}

bool SequenceDiagram::has_participant(const std::string& id) const {
  for (const auto& p : participants_)
    if (p.first == id) return true;
  return false;
}

void SequenceDiagram::require(const std::string& id) const {
  if (!has_participant(id)) throw std::invalid_argument("undeclared Mermaid participant: " + id);
}

void SequenceDiagram::message(const std::string& from, const std::string& to, const std::string& text, Arrow arrow) {
  require(from);
  require(to);
  const char* a = arrow == Arrow::kSolid ? "->>" : arrow == Arrow::kDashed ? "-->>" : "-x";
  lines_.push_back(from + a + to + ": " + mermaid_escape(text));
  ++messages_;
}

void SequenceDiagram::note_over(const std::string& a, const std::string& b, const std::string& text) {
  require(a);
  require(b);
  lines_.push_back("Note over " + a + "," + b + ": " + mermaid_escape(text));
}

void SequenceDiagram::note_over(const std::string& a, const std::string& text) {
  require(a);
  lines_.push_back("Note over " + a + ": " + mermaid_escape(text));
}

void SequenceDiagram::note_right_of(const std::string& a, const std::string& text) {
  require(a);
  lines_.push_back("Note right of " + a + ": " + mermaid_escape(text));
}

std::string SequenceDiagram::render() const {
  std::string s = "sequenceDiagram\n";
  if (autonumber_) s += "    autonumber\n";
  for (const auto& [id, label] : participants_) s += "    participant " + id + " as " + mermaid_escape(label) + "\n";
  for (const auto& l : lines_) s += "    " + l + "\n";
  return s;
}

}  // namespace p2psim::trace
