#include "vigil/base/cli.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace vigil::base {

int run_program(std::string_view program, const std::function<int()>& body,
                std::string_view usage_hint,
                const std::function<int(const std::exception&)>& status_of) {
  try {
    return body();
  } catch (const UsageError& error) {
    std::cerr << program << ": " << error.what() << '\n';
    if (!usage_hint.empty()) std::cerr << '(' << usage_hint << ")\n";
    return kExitUsage;
  } catch (const std::exception& error) {
    std::cerr << program << ": " << error.what() << '\n';
    return status_of ? status_of(error) : kExitFailure;
  }
}

Args::Args(std::span<const std::string> words, std::span<const Option> options) {
  auto find = [&](std::string_view name) -> const Option* {
    for (const auto& option : options) {
      if (option.name == name) return &option;
    }
    return nullptr;
  };
  bool only_positionals = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (only_positionals || word.size() < 2 || word.rfind("--", 0) != 0) {
      if (!only_positionals && word.size() >= 2 && word[0] == '-' && word != "-") {
        if (word == "-h") {
          help_ = true;
          continue;
        }
        throw UsageError("unknown option " + word);
      }
      positionals_.push_back(word);
      continue;
    }
    if (word == "--") {
      only_positionals = true;
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name == "help") {
      help_ = true;
      continue;
    }
    const Option* option = find(name);
    if (option == nullptr) throw UsageError("unknown option --" + name);
    auto& slot = values_[name];
    if (!slot.empty() && !option->repeatable) throw UsageError("--" + name + " given twice");
    if (!option->takes_value) {
      if (inline_value) throw UsageError("--" + name + " takes no value");
      slot.emplace_back();
      continue;
    }
    if (inline_value) {
      slot.push_back(*inline_value);
    } else if (i + 1 < words.size()) {
      slot.push_back(words[++i]);
    } else {
      throw UsageError("--" + name + " needs a value");
    }
  }
}

bool Args::flag(std::string_view name) const {
  return values_.find(name) != values_.end();
}

std::optional<std::string> Args::value(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.front();
}

std::string Args::required(std::string_view name) const {
  auto found = value(name);
  if (!found) throw UsageError("missing --" + std::string(name));
  return *found;
}

std::vector<std::string> Args::values(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

bool is_terminal(int fd) {
  return isatty(fd) == 1;
}

std::string read_secret(std::string_view prompt) {
  const bool terminal = is_terminal(STDIN_FILENO);
  termios saved{};
  if (terminal) {
    std::cerr << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << '\n';
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace vigil::base
