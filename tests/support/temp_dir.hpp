// A fresh directory for one test, removed when the test ends.
#pragma once

#include <filesystem>

#include "vigil/base/temporary_directory.hpp"

class TempDir : public vigil::base::TemporaryDirectory {
 public:
  TempDir() : TemporaryDirectory("vigil-test-") {}
  // Under `under`: /dev/shm for a test that writes much and must be quick.
  explicit TempDir(const std::filesystem::path& under) : TemporaryDirectory("vigil-test-", under) {}
};
