#if canImport(Glibc)
import Glibc
#endif
internal import COpenBLAS
import Foundation

/// OpenBLAS's kernels on a CPU model that the installed library does not know.
///
/// Debian's OpenBLAS (0.3.21, a `DYNAMIC_ARCH` build) picks its kernels by CPU model when it
/// is loaded; for a model it does not know (e.g. Emerald Rapids, family 6 model 207) it falls
/// back to "Prescott": SSE3 kernels without fused multiply-adds, which ran the bound passes'
/// products about 1.6x slower on such a machine than the SkylakeX kernels the CPU supports
/// (Benchmarks/README.md). When the user has not chosen (`OPENBLAS_CORETYPE` unset), the
/// library reports Prescott and the kernel reports AVX-512 (or AVX2 with FMA) as enabled,
/// ``selectIfNeeded()`` switches to SkylakeX (or Haswell) by the library's own path for that
/// variable: it sets `OPENBLAS_CORETYPE` and re-runs `gotoblas_dynamic_init` after
/// `gotoblas_dynamic_quit` (found with `dlsym`, so a library built for one CPU is left alone).
/// It runs once, before the first product (``DenseProduct/threads``).
///
/// Soundness does not depend on the kernels: every error bound of the bounds engine holds for
/// any summation order and with fused multiply-adds, and the float passes that decide
/// something are re-checked (``DenseProduct``).
package enum BLASKernelChoice {
    /// The core type to select, or nil to keep the library's choice.
    ///
    /// - Parameters:
    ///   - userChoice: the value of `OPENBLAS_CORETYPE` (nil: unset);
    ///   - libraryCore: the core the library chose (`openblas_get_corename`);
    ///   - cpuFlags: the CPU feature flags the kernel reports (`/proc/cpuinfo`).
    package static func choice(userChoice: String?, libraryCore: String, cpuFlags: Set<String>) -> String? {
        guard userChoice == nil, libraryCore.lowercased() == "prescott" else { return nil }
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        return nil
    }

    /// The first `flags` line of `/proc/cpuinfo` as a set (empty where it cannot be read).
    package static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// The core the library runs now.
    package static var libraryCore: String {
        guard let name = openblas_get_corename() else { return "" }
        return String(cString: name).trimmingCharacters(in: .whitespaces)
    }

    /// Applies ``choice(userChoice:libraryCore:cpuFlags:)`` once; returns the core selected
    /// (nil: the library's choice was kept).
    @discardableResult
    package static func selectIfNeeded() -> String? {
        let user = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        guard let core = choice(userChoice: user, libraryCore: libraryCore, cpuFlags: cpuFlags()) else { return nil }
        #if canImport(Glibc)
        let everywhere = UnsafeMutableRawPointer(bitPattern: 0)  // RTLD_DEFAULT
        guard let quit = dlsym(everywhere, "gotoblas_dynamic_quit"),
              let initialise = dlsym(everywhere, "gotoblas_dynamic_init") else { return nil }
        typealias Entry = @convention(c) () -> Void
        setenv("OPENBLAS_CORETYPE", core, 1)
        unsafeBitCast(quit, to: Entry.self)()
        unsafeBitCast(initialise, to: Entry.self)()
        unsetenv("OPENBLAS_CORETYPE")
        return libraryCore.lowercased() == core.lowercased() ? core : nil
        #else
        return nil
        #endif
    }
}
