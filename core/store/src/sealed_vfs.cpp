#include "sealed_vfs.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <new>
#include <span>
#include <vector>

#include "vigil/base/error.hpp"

namespace vigil::store {
namespace {

constexpr int kPage = kSealedPageSize;
constexpr int kSealed = kPage - static_cast<int>(base::kSealBytes);  // bytes of a page encrypted
constexpr sqlite3_int64 kLogHeader = 32;    // the write-ahead log's own header
constexpr sqlite3_int64 kFrameHeader = 24;  // each frame's header, before its page
constexpr sqlite3_int64 kFrame = kFrameHeader + kPage;

enum class Kind : char { database = 'D', log = 'W' };

struct SealedFile;
int sealed_close(sqlite3_file* file);
int sealed_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset);
int sealed_write(sqlite3_file* file, const void* in, int amount, sqlite3_int64 offset);

}  // namespace

struct SealedVfs::State {
  const SealedVfs* owner = nullptr;
  base::SecretKey key;
  sqlite3_vfs* real = nullptr;  // the operating system's VFS, which does the file work
  sqlite3_vfs vfs{};
  std::string name;
  sqlite3_io_methods sealed_methods{};
  sqlite3_io_methods memory_methods{};
  std::optional<std::string> refused;
};

namespace {

// A file of the store on disk: SQLite's own file object follows this one in the same allocation.
struct SealedFile {
  sqlite3_file base;  // first, so SQLite's pointer is this object's
  SealedVfs::State* vfs;
  Kind kind;
  std::string name;
  std::array<std::uint8_t, kPage> page{};

  static std::size_t real_offset() { return (sizeof(SealedFile) + 15) & ~std::size_t{15}; }
  sqlite3_file* real() {
    return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(this) + real_offset());
  }
};

// A journal or temporary file: never on disk.
struct MemoryFile {
  sqlite3_file base;
  std::vector<std::uint8_t>* bytes;
};

SealedFile* sealed(sqlite3_file* file) {
  return reinterpret_cast<SealedFile*>(file);
}
std::vector<std::uint8_t>& memory(sqlite3_file* file) {
  return *reinterpret_cast<MemoryFile*>(file)->bytes;
}
SealedVfs::State* state_of(sqlite3_vfs* vfs) {
  return static_cast<SealedVfs::State*>(vfs->pAppData);
}

// Where a page belongs, authenticated with it: the file's kind and the page's number in it; for a
// frame of the log, also the first 8 bytes of its header (the database page it holds, the size of
// the database at a commit), so a frame cannot be made to land on another page or end a
// transaction it did not end. The salts and checksums (bytes 8 to 23) are left out: while a
// transaction has rewritten one of its own frames in place, SQLite writes its further frames with
// those bytes zero and fills them in at the commit, after their pages are written. Frames of an
// older log cannot be mixed into this one all the same: SQLite's checksums chain each frame to the
// one before over its plaintext, which only the key opens.
struct Place {
  std::array<std::uint8_t, 9 + 8> bytes{};
  std::size_t size = 9;
  [[nodiscard]] std::span<const std::uint8_t> view() const { return {bytes.data(), size}; }
};

int place_of(SealedFile* f, sqlite3_int64 page_offset, sqlite3_int64 index, Place& place) {
  place.bytes[0] = static_cast<std::uint8_t>(f->kind);
  for (std::size_t i = 0; i < 8; ++i) {
    place.bytes[8 - i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(index) >> (8 * i));
  }
  if (f->kind == Kind::database) return SQLITE_OK;
  sqlite3_file* real = f->real();
  place.size = place.bytes.size();
  return real->pMethods->xRead(real, place.bytes.data() + 9, 8, page_offset - kFrameHeader);
}

int refuse(SealedFile* f, Kind kind, sqlite3_int64 index) {
  f->vfs->refused = (kind == Kind::database ? "page " + std::to_string(index + 1) + " of "
                                            : "frame " + std::to_string(index + 1) + " of ") +
                    f->name;
  return SQLITE_IOERR_DATA;
}

// Reads the sealed page at `offset` of the real file into f->page and opens it. SQLITE_OK with
// the plaintext (reserved bytes zero); SQLITE_IOERR_SHORT_READ with zeros when the page lies past
// the end of the file; SQLITE_IOERR_DATA when it fails authentication.
int read_page(SealedFile* f, sqlite3_int64 offset, sqlite3_int64 index) {
  sqlite3_file* real = f->real();
  const int rc = real->pMethods->xRead(real, f->page.data(), kPage, offset);
  if (rc == SQLITE_IOERR_SHORT_READ &&
      std::all_of(f->page.begin(), f->page.end(), [](std::uint8_t b) { return b == 0; })) {
    return rc;  // nothing there yet: SQLite expects zeros
  }
  if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
  // A page cut short, or a frame whose header is, is as altered as one changed.
  Place place;
  const std::span<std::uint8_t> page(f->page);
  if (rc != SQLITE_OK || place_of(f, offset, index, place) != SQLITE_OK ||
      !base::open_in_place(f->vfs->key, page.first(kSealed), place.view(),
                           page.subspan(kSealed).first<base::kSealBytes>())) {
    return SQLITE_IOERR_DATA;
  }
  std::fill(f->page.begin() + kSealed, f->page.end(), 0);
  return SQLITE_OK;
}

// Seals f->page (plaintext) and writes it at `offset` of the real file.
int write_page(SealedFile* f, sqlite3_int64 offset, sqlite3_int64 index) {
  const std::span<std::uint8_t> page(f->page);
  // SQLite leaves the reserved bytes zero. Were it ever to put something there, sealing would
  // lose it (and with it a log checksum): refused loudly rather than lost quietly.
  if (!std::all_of(f->page.begin() + kSealed, f->page.end(),
                   [](std::uint8_t b) { return b == 0; })) {
    return SQLITE_IOERR_WRITE;
  }
  // A frame's header is written before its page: it is there to be read.
  Place place;
  if (place_of(f, offset, index, place) != SQLITE_OK) return SQLITE_IOERR_WRITE;
  base::seal_in_place(f->vfs->key, page.first(kSealed), place.view(),
                      page.subspan(kSealed).first<base::kSealBytes>());
  sqlite3_file* real = f->real();
  return real->pMethods->xWrite(real, f->page.data(), kPage, offset);
}

// One stretch of a read or a write, within one page or one clear header.
struct Stretch {
  sqlite3_int64 page_offset = -1;  // where the sealed page starts in the file (-1: clear bytes)
  sqlite3_int64 index = 0;         // the page's number in the file (from 0)
  int within = 0;                  // where the stretch starts in the page
  int length = 0;
};

Stretch stretch_at(Kind kind, sqlite3_int64 offset, int amount) {
  Stretch s;
  if (kind == Kind::database) {
    s.index = offset / kPage;
    s.page_offset = s.index * kPage;
    s.within = static_cast<int>(offset - s.page_offset);
    s.length = std::min(amount, kPage - s.within);
    return s;
  }
  if (offset < kLogHeader) {
    s.length = static_cast<int>(std::min<sqlite3_int64>(amount, kLogHeader - offset));
    return s;
  }
  const sqlite3_int64 frame = (offset - kLogHeader) / kFrame;
  const sqlite3_int64 in_frame = (offset - kLogHeader) % kFrame;
  if (in_frame < kFrameHeader) {
    s.length = static_cast<int>(std::min<sqlite3_int64>(amount, kFrameHeader - in_frame));
    return s;
  }
  s.index = frame;
  s.page_offset = kLogHeader + frame * kFrame + kFrameHeader;
  s.within = static_cast<int>(offset - s.page_offset);
  s.length = std::min(amount, kPage - s.within);
  return s;
}

// No C++ exception may unwind through SQLite's C frames: what OpenSSL or the allocator throws is
// SQLite's I/O error (or out-of-memory) instead.
template <class Body>
int guarded(int failure, Body body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (...) {
    return failure;
  }
}

int sealed_read_unguarded(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  SealedFile* f = sealed(file);
  sqlite3_file* real = f->real();
  auto* to = static_cast<std::uint8_t*>(out);
  // The recovery of a log after a crash reads whole frames from their start.
  const bool recovering = f->kind == Kind::log && offset >= kLogHeader &&
                          (offset - kLogHeader) % kFrame == 0 && amount >= kFrame;
  bool short_read = false;
  while (amount > 0) {
    const Stretch s = stretch_at(f->kind, offset, amount);
    if (s.page_offset < 0) {
      const int rc = real->pMethods->xRead(real, to, s.length, offset);
      if (rc == SQLITE_IOERR_SHORT_READ) {
        short_read = true;
      } else if (rc != SQLITE_OK) {
        return rc;
      }
    } else {
      const int rc = read_page(f, s.page_offset, s.index);
      if (rc == SQLITE_IOERR_SHORT_READ) {
        short_read = true;
      } else if (rc == SQLITE_IOERR_DATA && recovering) {
        // A frame a cut-off write left: handed over as it lies, for SQLite's checksum to stop at.
        if (real->pMethods->xRead(real, f->page.data(), kPage, s.page_offset) != SQLITE_OK) {
          std::fill(f->page.begin(), f->page.end(), 0);
        }
      } else if (rc == SQLITE_IOERR_DATA) {
        return refuse(f, f->kind, s.index);
      } else if (rc != SQLITE_OK) {
        return rc;
      }
      std::memcpy(to, f->page.data() + s.within, static_cast<std::size_t>(s.length));
    }
    to += s.length;
    offset += s.length;
    amount -= s.length;
  }
  return short_read ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

int sealed_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  return guarded(SQLITE_IOERR_READ,
                 [&] { return sealed_read_unguarded(file, out, amount, offset); });
}

int sealed_write_unguarded(sqlite3_file* file, const void* in, int amount, sqlite3_int64 offset) {
  SealedFile* f = sealed(file);
  sqlite3_file* real = f->real();
  const auto* from = static_cast<const std::uint8_t*>(in);
  while (amount > 0) {
    const Stretch s = stretch_at(f->kind, offset, amount);
    int rc = SQLITE_OK;
    if (s.page_offset < 0) {
      rc = real->pMethods->xWrite(real, from, s.length, offset);
    } else {
      if (s.length < kPage) {
        // Part of a page: the rest is what is there already (nothing, past the end).
        rc = read_page(f, s.page_offset, s.index);
        if (rc == SQLITE_IOERR_DATA) return refuse(f, f->kind, s.index);
        if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
      }
      std::memcpy(f->page.data() + s.within, from, static_cast<std::size_t>(s.length));
      rc = write_page(f, s.page_offset, s.index);
    }
    if (rc != SQLITE_OK) return rc;
    from += s.length;
    offset += s.length;
    amount -= s.length;
  }
  return SQLITE_OK;
}

int sealed_write(sqlite3_file* file, const void* in, int amount, sqlite3_int64 offset) {
  return guarded(SQLITE_IOERR_WRITE,
                 [&] { return sealed_write_unguarded(file, in, amount, offset); });
}

int sealed_close(sqlite3_file* file) {
  SealedFile* f = sealed(file);
  sqlite3_file* real = f->real();
  const int rc = real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
  f->~SealedFile();
  return rc;
}

// The rest of a file's methods are the real file's: Forwarded<&sqlite3_io_methods::xLock>::call
// is an xLock that calls the real file's xLock.
template <auto Method>
struct Forwarded;
template <class Result, class... Args,
          Result (*sqlite3_io_methods::*Method)(sqlite3_file*, Args...)>
struct Forwarded<Method> {
  static Result call(sqlite3_file* file, Args... args) {
    sqlite3_file* real = sealed(file)->real();
    return (real->pMethods->*Method)(real, args...);
  }
};

int sealed_device(sqlite3_file* file) {
  // Batch-atomic writes would bypass the journal this VFS keeps in memory.
  return Forwarded<&sqlite3_io_methods::xDeviceCharacteristics>::call(file) &
         ~SQLITE_IOCAP_BATCH_ATOMIC;
}

// No memory map: every page goes through sealed_read.
int sealed_fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;
  return SQLITE_OK;
}
int sealed_unfetch(sqlite3_file*, sqlite3_int64, void*) {
  return SQLITE_OK;
}

int memory_close(sqlite3_file* file) {
  delete reinterpret_cast<MemoryFile*>(file)->bytes;
  return SQLITE_OK;
}
int memory_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  const auto& bytes = memory(file);
  const auto size = static_cast<sqlite3_int64>(bytes.size());
  const sqlite3_int64 have = std::clamp<sqlite3_int64>(size - offset, 0, amount);
  std::memcpy(out, bytes.data() + std::min(offset, size), static_cast<std::size_t>(have));
  if (have == amount) return SQLITE_OK;
  std::memset(static_cast<char*>(out) + have, 0, static_cast<std::size_t>(amount - have));
  return SQLITE_IOERR_SHORT_READ;
}
int memory_write(sqlite3_file* file, const void* in, int amount, sqlite3_int64 offset) {
  return guarded(SQLITE_IOERR_WRITE, [&] {
    auto& bytes = memory(file);
    const auto end = static_cast<std::size_t>(offset + amount);
    if (bytes.size() < end) bytes.resize(end);
    std::memcpy(bytes.data() + offset, in, static_cast<std::size_t>(amount));
    return SQLITE_OK;
  });
}
int memory_truncate(sqlite3_file* file, sqlite3_int64 size) {
  return guarded(SQLITE_IOERR_TRUNCATE, [&] {
    memory(file).resize(static_cast<std::size_t>(size));
    return SQLITE_OK;
  });
}
int memory_sync(sqlite3_file*, int) {
  return SQLITE_OK;
}
int memory_size(sqlite3_file* file, sqlite3_int64* size) {
  *size = static_cast<sqlite3_int64>(memory(file).size());
  return SQLITE_OK;
}
int memory_lock(sqlite3_file*, int) {
  return SQLITE_OK;
}
int memory_check_lock(sqlite3_file*, int* out) {
  *out = 0;
  return SQLITE_OK;
}
int memory_control(sqlite3_file*, int, void*) {
  return SQLITE_NOTFOUND;
}
int memory_sector(sqlite3_file*) {
  return kPage;
}
int memory_device(sqlite3_file*) {
  return 0;
}

// A new store file is made readable by its owner only, before SQLite opens it; the log and the
// shared-memory index SQLite makes beside it take the same mode from it.
int create_private(const char* path) {
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return SQLITE_OK;
  }
  return errno == EEXIST ? SQLITE_OK : SQLITE_CANTOPEN;
}

int vfs_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  SealedVfs::State* state = state_of(vfs);
  file->pMethods = nullptr;
  const bool on_disk = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0;
  if (!on_disk) {
    auto* m = reinterpret_cast<MemoryFile*>(file);
    m->bytes = new (std::nothrow) std::vector<std::uint8_t>();
    if (m->bytes == nullptr) return SQLITE_NOMEM;
    m->base.pMethods = &state->memory_methods;
    if (out_flags != nullptr) *out_flags = flags;
    return SQLITE_OK;
  }
  if ((flags & SQLITE_OPEN_MAIN_DB) != 0 && (flags & SQLITE_OPEN_CREATE) != 0 && name != nullptr) {
    if (const int rc = create_private(name); rc != SQLITE_OK) return rc;
  }
  SealedFile* f = nullptr;
  try {
    f = new (file) SealedFile{};
    f->vfs = state;
    f->kind = (flags & SQLITE_OPEN_WAL) != 0 ? Kind::log : Kind::database;
    f->name = name != nullptr ? name : "";
  } catch (const std::bad_alloc&) {
    if (f != nullptr) f->~SealedFile();
    file->pMethods = nullptr;
    return SQLITE_NOMEM;
  }
  const int rc = state->real->xOpen(state->real, name, f->real(), flags, out_flags);
  if (rc != SQLITE_OK) {
    f->~SealedFile();
    file->pMethods = nullptr;
    return rc;
  }
  f->base.pMethods = &state->sealed_methods;
  return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  sqlite3_vfs* real = state_of(vfs)->real;
  const int rc = real->xDelete(real, name, sync_dir);
  // A journal kept in memory was never on disk to delete.
  return rc == SQLITE_IOERR_DELETE_NOENT ? SQLITE_OK : rc;
}
int vfs_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  sqlite3_vfs* real = state_of(vfs)->real;
  return real->xAccess(real, name, flags, out);
}
int vfs_full_path(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  sqlite3_vfs* real = state_of(vfs)->real;
  return real->xFullPathname(real, name, size, out);
}
int vfs_randomness(sqlite3_vfs* vfs, int size, char* out) {
  sqlite3_vfs* real = state_of(vfs)->real;
  return real->xRandomness(real, size, out);
}
int vfs_sleep(sqlite3_vfs* vfs, int micros) {
  sqlite3_vfs* real = state_of(vfs)->real;
  return real->xSleep(real, micros);
}
int vfs_time(sqlite3_vfs* vfs, double* out) {
  sqlite3_vfs* real = state_of(vfs)->real;
  return real->xCurrentTime(real, out);
}
int vfs_last_error(sqlite3_vfs* vfs, int size, char* out) {
  sqlite3_vfs* real = state_of(vfs)->real;
  return real->xGetLastError(real, size, out);
}
int vfs_time_ms(sqlite3_vfs* vfs, sqlite3_int64* out) {
  sqlite3_vfs* real = state_of(vfs)->real;
  return real->xCurrentTimeInt64(real, out);
}

std::atomic<unsigned> next_vfs{0};

}  // namespace

SealedVfs::SealedVfs(const base::SecretKey& key) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.owner = this;
  s.key = key;
  s.real = sqlite3_vfs_find(nullptr);
  if (s.real == nullptr || s.real->iVersion < 2) {
    throw Error(ErrorCode::internal, "SQLite has no operating-system VFS to seal");
  }
  s.name = "vigil-sealed-" + std::to_string(next_vfs++);

  s.sealed_methods.iVersion = 3;
  s.sealed_methods.xClose = sealed_close;
  s.sealed_methods.xRead = sealed_read;
  s.sealed_methods.xWrite = sealed_write;
  s.sealed_methods.xTruncate = Forwarded<&sqlite3_io_methods::xTruncate>::call;
  s.sealed_methods.xSync = Forwarded<&sqlite3_io_methods::xSync>::call;
  s.sealed_methods.xFileSize = Forwarded<&sqlite3_io_methods::xFileSize>::call;
  s.sealed_methods.xLock = Forwarded<&sqlite3_io_methods::xLock>::call;
  s.sealed_methods.xUnlock = Forwarded<&sqlite3_io_methods::xUnlock>::call;
  s.sealed_methods.xCheckReservedLock = Forwarded<&sqlite3_io_methods::xCheckReservedLock>::call;
  s.sealed_methods.xFileControl = Forwarded<&sqlite3_io_methods::xFileControl>::call;
  s.sealed_methods.xSectorSize = Forwarded<&sqlite3_io_methods::xSectorSize>::call;
  s.sealed_methods.xDeviceCharacteristics = sealed_device;
  s.sealed_methods.xShmMap = Forwarded<&sqlite3_io_methods::xShmMap>::call;
  s.sealed_methods.xShmLock = Forwarded<&sqlite3_io_methods::xShmLock>::call;
  s.sealed_methods.xShmBarrier = Forwarded<&sqlite3_io_methods::xShmBarrier>::call;
  s.sealed_methods.xShmUnmap = Forwarded<&sqlite3_io_methods::xShmUnmap>::call;
  s.sealed_methods.xFetch = sealed_fetch;
  s.sealed_methods.xUnfetch = sealed_unfetch;

  s.memory_methods.iVersion = 1;
  s.memory_methods.xClose = memory_close;
  s.memory_methods.xRead = memory_read;
  s.memory_methods.xWrite = memory_write;
  s.memory_methods.xTruncate = memory_truncate;
  s.memory_methods.xSync = memory_sync;
  s.memory_methods.xFileSize = memory_size;
  s.memory_methods.xLock = memory_lock;
  s.memory_methods.xUnlock = memory_lock;
  s.memory_methods.xCheckReservedLock = memory_check_lock;
  s.memory_methods.xFileControl = memory_control;
  s.memory_methods.xSectorSize = memory_sector;
  s.memory_methods.xDeviceCharacteristics = memory_device;

  s.vfs.iVersion = 2;
  s.vfs.szOsFile = static_cast<int>(std::max(
      SealedFile::real_offset() + static_cast<std::size_t>(s.real->szOsFile), sizeof(MemoryFile)));
  s.vfs.mxPathname = s.real->mxPathname;
  s.vfs.zName = s.name.c_str();
  s.vfs.pAppData = &s;
  s.vfs.xOpen = vfs_open;
  s.vfs.xDelete = vfs_delete;
  s.vfs.xAccess = vfs_access;
  s.vfs.xFullPathname = vfs_full_path;
  s.vfs.xRandomness = vfs_randomness;
  s.vfs.xSleep = vfs_sleep;
  s.vfs.xCurrentTime = vfs_time;
  s.vfs.xGetLastError = vfs_last_error;
  s.vfs.xCurrentTimeInt64 = vfs_time_ms;
  if (sqlite3_vfs_register(&s.vfs, 0) != SQLITE_OK) {
    throw Error(ErrorCode::internal, "SQLite would not take the sealed store's VFS");
  }
}

SealedVfs::~SealedVfs() {
  sqlite3_vfs_unregister(&state_->vfs);
}

const char* SealedVfs::name() const {
  return state_->name.c_str();
}

std::optional<std::string> SealedVfs::refusal() const {
  if (!state_->refused) return std::nullopt;
  return "The store has been altered on disk: " + *state_->refused +
         " fails its authentication, so it is not read.";
}

std::optional<std::string> refusal_of(sqlite3* db) {
  sqlite3_vfs* vfs = nullptr;
  if (db == nullptr ||
      sqlite3_file_control(db, "main", SQLITE_FCNTL_VFS_POINTER, &vfs) != SQLITE_OK ||
      vfs == nullptr || vfs->xOpen != vfs_open) {
    return std::nullopt;
  }
  return state_of(vfs)->owner->refusal();
}

}  // namespace vigil::store
