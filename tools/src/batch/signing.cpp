// Signing the nightly run's output and checking it afterwards (vigil/tools/batch.hpp): the key
// pair, the private key read for a run, and `vigil batch verify`.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include "batch/publish.hpp"
#include "vigil/base/digest.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/signature.hpp"
#include "vigil/tools/batch.hpp"

namespace vigil::backoffice {
namespace {

constexpr const char* kPrivateKeyName = "batch-signing.key";
constexpr const char* kPublicKeyName = "batch-signing.pub";
constexpr const char* kManifest = "manifest.json";
constexpr const char* kSignature = "manifest.sig";

// Written through the one descriptor that created it (never a file or link already there, never
// the path opened again), with exactly `mode` whatever the umask.
void write_new(const std::filesystem::path& path, const std::string& bytes, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) throw Error(ErrorCode::io, "cannot create " + path.string());
  if (::fchmod(fd, mode) != 0) {
    ::close(fd);
    throw Error(ErrorCode::io, "cannot set the permissions of " + path.string());
  }
  batch_detail::write_and_close(fd, path, bytes);
}

// A manifest's file name names a file in the folder itself, never one elsewhere.
bool plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

}  // namespace

BatchKeyFiles make_batch_key(const std::filesystem::path& folder) {
  BatchKeyFiles files{folder / kPrivateKeyName, folder / kPublicKeyName, ""};
  for (const auto& file : {files.private_key, files.public_key}) {
    if (std::filesystem::exists(std::filesystem::symlink_status(file))) {
      throw Error(ErrorCode::invalid_input,
                  file.string() +
                      " is there already; a new key would orphan every output it "
                      "signed, so move it away first if that is what you want");
    }
  }
  std::filesystem::create_directories(folder);
  const base::SigningKeyPair key = base::make_signing_key();
  write_new(files.private_key, key.private_pem, 0600);
  write_new(files.public_key, key.public_pem, 0644);
  files.fingerprint = base::public_key_fingerprint(key.public_pem);
  return files;
}

std::string read_signing_key(const std::filesystem::path& file) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) {
    throw Error(ErrorCode::invalid_input, "--sign-key " + file.string() + " is not a file");
  }
  if ((status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    throw Error(ErrorCode::invalid_input,
                "--sign-key " + file.string() +
                    " can be read by users other than its owner; make it its owner's alone "
                    "(chmod 600) before signing with it");
  }
  const auto pem = batch_detail::read_file(file);
  if (!pem) throw Error(ErrorCode::invalid_input, "cannot read --sign-key " + file.string());
  // Signs nothing yet: a key that is not one is refused before the night is read.
  (void)base::sign_message(*pem, "");
  return *pem;
}

OutputCheck verify_output(const std::filesystem::path& folder,
                          const std::filesystem::path& public_key_file,
                          const std::optional<std::string>& as_of) {
  const auto public_pem = batch_detail::read_file(public_key_file);
  if (!public_pem || std::filesystem::is_directory(public_key_file)) {
    throw Error(ErrorCode::invalid_input, "cannot read --public-key " + public_key_file.string());
  }
  if (!std::filesystem::is_directory(folder)) {
    throw Error(ErrorCode::invalid_input, folder.string() + " is not a folder");
  }
  OutputCheck check;
  check.fingerprint = base::public_key_fingerprint(*public_pem);
  const auto manifest = batch_detail::read_file(folder / kManifest);
  if (!manifest) {
    check.problems.push_back(std::string(kManifest) +
                             " is missing: nothing can be checked without it");
    return check;
  }
  const auto signature = batch_detail::read_file(folder / kSignature);
  if (!signature) {
    check.problems.push_back(
        std::string(kSignature) +
        " is missing: the output was not signed, or its signature was removed");
  } else if (!base::signature_holds(*public_pem, *manifest, *signature)) {
    check.problems.push_back(std::string(kSignature) + " is not the signature of " + kManifest +
                             " under this key: the manifest was changed, or another key signed it");
  }

  rapidjson::Document document;
  document.Parse(manifest->data(), manifest->size());
  const rapidjson::Value* listed = nullptr;
  if (!document.HasParseError() && document.IsObject() && document.HasMember("files") &&
      document["files"].IsArray()) {
    listed = &document["files"];
  }
  if (listed == nullptr) {
    check.problems.push_back(std::string(kManifest) + " is not a nightly run's manifest");
    return check;
  }
  const auto text = [&](const char* name) {
    return document.HasMember(name) && document[name].IsString() ? document[name].GetString() : "";
  };
  check.as_of = text("as_of");
  check.run_at = text("run_at");
  check.clean =
      document.HasMember("clean") && document["clean"].IsBool() && document["clean"].GetBool();
  if (as_of && *as_of != check.as_of) {
    check.problems.push_back("the output is the run for " + check.as_of + ", not for " + *as_of +
                             ": another night's output stands in its place");
  }
  std::set<std::string> names{kManifest, kSignature};
  for (const auto& entry : listed->GetArray()) {
    const bool whole = entry.IsObject() && entry.HasMember("name") && entry["name"].IsString() &&
                       entry.HasMember("sha256") && entry["sha256"].IsString() &&
                       entry.HasMember("bytes") && entry["bytes"].IsInt64();
    const std::string name = whole ? entry["name"].GetString() : "";
    if (!whole || !plain_name(name) || !names.insert(name).second) {
      check.problems.push_back(std::string(kManifest) + " lists a file it cannot name");
      continue;
    }
    ++check.files;
    const auto status = std::filesystem::symlink_status(folder / name);
    const auto bytes = std::filesystem::is_regular_file(status)
                           ? batch_detail::read_file(folder / name)
                           : std::nullopt;
    if (!std::filesystem::exists(status)) {
      check.problems.push_back(name + " was removed: the manifest lists it");
    } else if (!bytes) {
      check.problems.push_back(name + " was replaced by what is not the file the run wrote");
    } else if (static_cast<std::int64_t>(bytes->size()) != entry["bytes"].GetInt64() ||
               base::sha256_hex(*bytes) != entry["sha256"].GetString()) {
      check.problems.push_back(name + " was changed: its SHA-256 is not the manifest's");
    }
  }
  std::vector<std::string> added;
  for (const auto& file : std::filesystem::directory_iterator(folder)) {
    const std::string name = file.path().filename().string();
    if (!names.count(name)) added.push_back(name);
  }
  std::sort(added.begin(), added.end());
  for (const auto& name : added) {
    check.problems.push_back(name + " was added: the manifest does not list it");
  }
  return check;
}

}  // namespace vigil::backoffice
