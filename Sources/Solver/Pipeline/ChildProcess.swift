// One child process under a wall-clock deadline: spawned with posix_spawn, its stdout and
// stderr captured, killed with SIGKILL when it overruns or when asked to stop, and always
// reaped (waitpid) before `run` returns. Linux (glibc): the package targets Debian's Z3.

import Foundation
import Glibc
import Synchronization

/// How a child process ended.
enum ChildProcessEnding: Equatable {
    /// It exited by itself with this status.
    case exited(Int32)
    /// A signal it did not ask for ended it (a crash, or someone else's kill).
    case signalled(Int32)
    /// Killed by ``ChildProcess/run(executable:arguments:deadline:slot:shouldStop:outputLimit:)``
    /// at the deadline.
    case killedAtDeadline
    /// Killed because `shouldStop` said so or ``ChildProcessSlot/kill()`` was called.
    case killedOnRequest
    /// Killed because its stdout passed the output limit.
    case killedForOutput
    /// It was reaped by someone else (its status is unknown).
    case vanished
}

/// What a child printed and how it ended.
struct ChildProcessResult {
    var ending: ChildProcessEnding
    var standardOutput: [UInt8]
    var standardError: [UInt8]
    /// Wall time from spawn to reaping.
    var seconds: Double
}

/// A child that could not be started.
struct ChildProcessError: Error, CustomStringConvertible {
    var description: String
}

/// The pid of the child running for one solver, so that another thread can kill it
/// (``QueryInterruptHandle/interrupt()``). The pid is held only between spawn and reaping:
/// `release()` comes before `waitpid`, so a kill never reaches a recycled pid.
final class ChildProcessSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: pid_t?

    func hold(_ pid: pid_t) { lock.lock(); self.pid = pid; lock.unlock() }
    func release() { lock.lock(); pid = nil; lock.unlock() }

    /// SIGKILL to the running child's process group (the child and anything it started).
    func kill() {
        lock.lock(); defer { lock.unlock() }
        if let pid { _ = sendKill(pid) }
    }
}

/// `kill(-pid, SIGKILL)`: the whole process group the child leads (it is spawned as the
/// leader of a new group, so a shell script's own children die with it).
private func sendKill(_ pid: pid_t) -> Int32 {
    Glibc.kill(-pid, SIGKILL)
}

enum ChildProcess {
    /// Serialises pipe creation (`pipe` + `FD_CLOEXEC`, two calls) with every spawn of this
    /// type, so that no child spawned by another worker inherits a pipe end in between: an
    /// inherited write end would keep a pipe open after its own child died.
    private static let spawnLock = Mutex<Void>(())

    /// Runs `executable arguments...` and waits for it, at most `deadline` seconds.
    ///
    /// The child gets a pipe as stdin whose write end this process holds until the child is
    /// reaped (a child can watch it to die with its parent), pipes as stdout and stderr, the
    /// default action for SIGINT, SIGTERM and SIGPIPE, an empty signal mask, and its own
    /// process group. `shouldStop` is polled about every 50 ms.
    ///
    /// Postconditions: the child has been reaped; every pipe end is closed; `slot` is empty.
    /// - Throws: ``ChildProcessError`` when the pipes or the spawn fail.
    static func run(executable: String, arguments: [String], deadline: Double, slot: ChildProcessSlot,
                    shouldStop: () -> Bool, outputLimit: Int = 1 << 20) throws -> ChildProcessResult {
        let started = DispatchTime.now()
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }

        let (pid, stdinWrite, stdoutRead, stderrRead) = try spawn(executable, arguments)
        slot.hold(pid)
        defer {
            close(stdinWrite)
            close(stdoutRead)
            close(stderrRead)
        }
        var output: [UInt8] = [], errors: [UInt8] = []
        var open = [stdoutRead, stderrRead]
        var ending: ChildProcessEnding?

        /// Reads what is ready on the open pipes, waiting at most `milliseconds`. With both
        /// pipes closed the child is normally exiting: sleep 1 ms, not the whole slice.
        func pump(_ milliseconds: Int32) {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard !fds.isEmpty else {
                if milliseconds > 0 { usleep(1000) }
                return
            }
            guard poll(&fds, nfds_t(fds.count), milliseconds) > 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            for entry in fds where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if entry.fd == stdoutRead { output += buffer[0..<count] } else if errors.count < 65_536 { errors += buffer[0..<count] }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    open.removeAll { $0 == entry.fd }
                }
            }
        }

        var reaped = false
        while ending == nil {
            if shouldStop() { ending = .killedOnRequest; break }
            let remaining = deadline - elapsed()
            if remaining <= 0 { ending = .killedAtDeadline; break }
            pump(Int32(min(remaining, 0.05) * 1000) + 1)
            if output.count > outputLimit { ending = .killedForOutput; break }
            if hasExited(pid) {
                // Its answer is in the pipes: take what is there without waiting for the
                // end of file (something it started may still hold them).
                while !open.isEmpty {
                    let before = output.count + errors.count, openBefore = open.count
                    pump(0)
                    if output.count + errors.count == before && open.count == openBefore { break }
                }
                _ = sendKill(pid)      // leftovers of its group; the zombie still owns the pid
                slot.release()
                ending = reap(pid).map(decode) ?? .vanished
                reaped = true
            }
        }
        if !reaped {
            _ = sendKill(pid)
            slot.release()
            _ = reap(pid)
        }
        return ChildProcessResult(ending: ending!, standardOutput: output, standardError: errors, seconds: elapsed())
    }

    /// Whether the child has terminated, without reaping it (`WNOWAIT` keeps the zombie, so
    /// its pid and process group id cannot be reused while we still signal them).
    private static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        while true {
            let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
            if result == 0 { return info.si_signo == SIGCHLD }
            if errno != EINTR { return true }   // ECHILD: nothing left to wait for
        }
    }

    /// `waitpid` until it succeeds; the raw status, or `nil` when the child is gone
    /// (`ECHILD`: someone else reaped it).
    private static func reap(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return nil }
        }
        return status
    }

    /// The `WIFEXITED` / `WEXITSTATUS` / `WTERMSIG` decoding of a wait status.
    private static func decode(_ status: Int32) -> ChildProcessEnding {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// Creates the pipes and spawns the child; returns its pid and the parent's pipe ends.
    private static func spawn(_ executable: String, _ arguments: [String]) throws -> (pid_t, Int32, Int32, Int32) {
        try spawnLock.withLock { _ in
            var pipes: [Int32] = []
            func closeAll() { pipes.forEach { close($0) } }
            for _ in 0..<3 {
                var ends: [Int32] = [-1, -1]
                guard pipe(&ends) == 0 else {
                    closeAll()
                    throw ChildProcessError(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
                }
                for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                pipes += ends
            }
            // pipes: [stdin read, stdin write, stdout read, stdout write, stderr read, stderr write]
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, pipes[0], 0)
            posix_spawn_file_actions_adddup2(&actions, pipes[3], 1)
            posix_spawn_file_actions_adddup2(&actions, pipes[5], 2)

            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var defaults = sigset_t(), empty = sigset_t()
            sigemptyset(&defaults)
            for signal in [SIGINT, SIGTERM, SIGPIPE] { sigaddset(&defaults, signal) }
            sigemptyset(&empty)
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setsigmask(&attributes, &empty)
            posix_spawnattr_setpgroup(&attributes, 0)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

            let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            let code = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
            // The child's ends belong to the child now (or to nobody).
            close(pipes[0]); close(pipes[3]); close(pipes[5])
            guard code == 0 else {
                close(pipes[1]); close(pipes[2]); close(pipes[4])
                throw ChildProcessError(description: "cannot start \(executable): \(String(cString: strerror(code)))")
            }
            return (pid, pipes[1], pipes[2], pipes[4])
        }
    }
}
