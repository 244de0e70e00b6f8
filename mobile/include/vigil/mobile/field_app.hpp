// The officer's app: the touch screens (mobile/app/, built into the binary) served on this
// tablet's loopback address to a browser or a native shell's web view, over the same Tablet as
// vigil-field's commands and the C API (docs/field-app.md).
//
// The local app is not a door into the tablet: it answers only at http://127.0.0.1:PORT, to a
// page that opened its one-time launch address (which sets an HttpOnly, SameSite=Strict session
// cookie), never to a request with another Host or Origin; its pages may run only its own script
// (Content-Security-Policy); and what it shows goes when the tablet locks.
//
// Threading: the app's requests come on the HTTP server's threads and take turns on the tablet
// (one at a time, as a Tablet requires; AppOptions::turn shares the turn with other users). The
// Tablet must outlive the app.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "vigil/mobile/tablet.hpp"

namespace vigil::mobile {

struct AppOptions {
  unsigned short port = 0;  // 0: a free port, chosen by the system
  LinkOptions link;         // how the app's syncs reach the server
  // The turn every other user of the Tablet takes (the C API's calls while a native shell's app
  // serves), so the app's requests and theirs never use the tablet at once; null: the app's own.
  std::mutex* turn = nullptr;
};

class FieldApp {
 public:
  // Listens on 127.0.0.1 at once; throws vigil::Error (io) when the port cannot be had.
  FieldApp(Tablet& tablet, AppOptions options = {});
  ~FieldApp();  // stops, if still serving
  FieldApp(const FieldApp&) = delete;
  FieldApp& operator=(const FieldApp&) = delete;

  // "http://127.0.0.1:PORT/?launch=TOKEN": opens the app once; any later use of it is refused.
  [[nodiscard]] std::string launch_url() const;
  [[nodiscard]] unsigned short port() const;
  // Every (method, path) the app answers, for the test that closes each to other pages.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> routes() const;

  // Serves until stop() or, with stop_on_signals, SIGINT or SIGTERM.
  void run(bool stop_on_signals);
  // Serves in the background (a native shell, the tests).
  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::mobile
