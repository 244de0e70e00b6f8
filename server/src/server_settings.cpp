#include "server_settings.hpp"

#include <algorithm>
#include <fstream>

#include "vigil/rules/text.hpp"

namespace vigil::server {
namespace {

// No setting is near this long: a longer line is not a settings file.
constexpr std::size_t kLongestLine = 4096;

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

}  // namespace

ServerSettings::ServerSettings(std::span<const std::string> words,
                               std::span<const base::Option> options)
    : args_(words, options) {
  if (args_.help()) return;  // --help says how, whatever the file holds
  if (auto named = args_.value("config")) {
    file_ = *named;
    if (!std::filesystem::exists(*file_)) {
      throw base::UsageError("--config names " + quoted_excerpt(*named) + ", which does not exist");
    }
  } else if (std::filesystem::exists(kDefaultConfig)) {
    file_ = kDefaultConfig;
  }
  if (!file_) return;
  if (!std::filesystem::is_regular_file(*file_)) {
    throw base::UsageError("the configuration file " + quoted_excerpt(file_->string()) +
                           " is not a file");
  }
  std::ifstream in(*file_);
  if (!in) throw base::UsageError("the configuration file " + file_->string() + " cannot be read");
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    if (text.size() > kLongestLine) {
      throw base::UsageError(file_->string() + " line " + std::to_string(number + 1) +
                             " is longer than " + std::to_string(kLongestLine) + " characters");
    }
    take_line(text, ++number, options);
  }
  if (in.bad()) {
    throw base::UsageError("the configuration file " + file_->string() +
                           " could not be read to its end");
  }
}

void ServerSettings::take_line(std::string_view text, int number,
                               std::span<const base::Option> options) {
  const std::string_view line = trimmed(text);
  if (line.empty() || line.front() == '#') return;
  const std::string at = file_->string() + " line " + std::to_string(number);
  const auto equals = line.find('=');
  if (equals == std::string_view::npos) {
    throw base::UsageError(at + " is not 'name = value': '" + quoted_excerpt(line) + "'");
  }
  if (line.find('\0') != std::string_view::npos) {
    throw base::UsageError(at + " holds a NUL character");
  }
  const std::string name(trimmed(line.substr(0, equals)));
  const std::string value(trimmed(line.substr(equals + 1)));
  const auto settable = [](const base::Option& o) {
    return o.name != "config" && o.name != "check-config";
  };
  const auto known = std::find_if(options.begin(), options.end(), [&](const base::Option& o) {
    return o.name == name && settable(o);
  });
  if (known == options.end()) {
    std::string names;
    for (const auto& o : options) {
      if (!settable(o)) continue;
      if (!names.empty()) names += ", ";
      names += o.name;
    }
    throw base::UsageError(at + " sets '" + quoted_excerpt(name) +
                           "', which vigil-server does not know (it knows " + names + ")");
  }
  if (value.empty()) throw base::UsageError(at + " gives " + name + " no value");
  if (!known->takes_value && !parse_yes_no(value)) {
    throw base::UsageError(at + " sets " + name + " to '" + quoted_excerpt(value) +
                           "'; it takes yes or no");
  }
  if (!from_file_.emplace(name, FromFile{value, number}).second) {
    throw base::UsageError(at + " sets " + name + " again (line " +
                           std::to_string(from_file_.at(name).line) + " set it first)");
  }
}

std::optional<std::string> ServerSettings::value(std::string_view name) const {
  if (auto given = args_.value(name)) return given;
  const auto found = from_file_.find(name);
  if (found == from_file_.end()) return std::nullopt;
  return found->second.value;
}

bool ServerSettings::on(std::string_view name) const {
  if (args_.flag(name)) return true;
  const auto found = from_file_.find(name);
  return found != from_file_.end() && parse_yes_no(found->second.value).value_or(false);
}

std::string ServerSettings::where(std::string_view name) const {
  if (args_.value(name) || args_.flag(name)) return "--" + std::string(name);
  const auto found = from_file_.find(name);
  if (found == from_file_.end()) return "--" + std::string(name);
  return file_->string() + " line " + std::to_string(found->second.line) + " (" +
         std::string(name) + ")";
}

}  // namespace vigil::server
