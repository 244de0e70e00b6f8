// vigil-field's key agent. Each vigil-field command is a process of its own, yet the officer
// unlocks once and works on until the tablet has been left alone for the policy's idle limit.
// `unlock` (and `enrol`) start a small process that holds the store's key in memory and hands it
// to the next command of the same user that asks; it ends, and the key with it, when the idle
// limit passes without a command, at `lock`, or when the store's key file goes (a wipe).
//
// It listens on an abstract Unix socket named after the store's full path, so nothing of it is on
// disk, and answers only a process of the same user (the kernel's SO_PEERCRED says who). The
// native app does not need it: it holds the key in its own process (the C API).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>

#include "vigil/base/seal.hpp"

namespace vigil::mobile::key_agent {

// vigil-field's hidden command that runs the agent: `vigil-field --key-agent STORE SECONDS`.
inline constexpr const char* kAgentCommand = "--key-agent";

// Starts the store's agent holding `key` (ending one already running): vigil-field run again
// (the running program, /proc/self/exe) as the agent, its socket bound before it starts so the
// next command finds it, the key handed over a pipe. For vigil-field only.
void start(const std::filesystem::path& store, const base::SecretKey& key,
           std::chrono::seconds idle_limit);
// The key the store's agent holds, which starts its idle time again; nothing when none runs.
[[nodiscard]] std::optional<base::SecretKey> fetch(const std::filesystem::path& store);
// Ends the store's agent, if one runs.
void stop(const std::filesystem::path& store);
// The agent's life, in the program start() runs: never returns.
[[noreturn]] void serve(const std::filesystem::path& store, std::chrono::seconds idle_limit);

}  // namespace vigil::mobile::key_agent
