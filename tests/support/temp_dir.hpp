// A fresh directory for one test, removed when the test ends.
#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <utility>

class TempDir {
 public:
  TempDir() : TempDir(std::filesystem::temp_directory_path()) {}
  // Under `base`: /dev/shm for a test that writes much and must be quick.
  explicit TempDir(const std::filesystem::path& base) {
    std::random_device random;
    path_ = base / ("vigil-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};
