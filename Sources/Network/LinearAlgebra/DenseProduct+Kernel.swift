internal import COpenBLAS
import Foundation

/// The CPU kernels OpenBLAS runs its products with.
///
/// A `DYNAMIC_ARCH` OpenBLAS (Debian's `libopenblas0-pthread`) picks its kernels when the library
/// loads, from the CPU's family and model numbers. A CPU newer than the library (OpenBLAS
/// 0.3.21 on a Sapphire Rapids Xeon, as in a cloud VM that reports "Intel Xeon Processor")
/// falls back to the `Prescott` kernels: SSE3, no AVX, no fused multiply-add, 3x slower here on
/// both `sgemm` and `dgemm` than the AVX-512 kernels the same library ships.
///
/// ``DenseProduct`` calls ``select()`` once before its first product: when OpenBLAS runs the
/// `Prescott` fallback, `OPENBLAS_CORETYPE` is unset (the user did not choose) and the CPU's
/// flags (`/proc/cpuinfo`) include AVX-512 F/CD/BW/DQ/VL or AVX2 with FMA, it sets
/// `OPENBLAS_CORETYPE` to `SkylakeX` or `Haswell` (the oldest kernels that use those
/// instructions, so that they run on every CPU that has them) and re-initialises OpenBLAS's
/// kernel table (`gotoblas_dynamic_quit`, `gotoblas_dynamic_init`, looked up with `dlsym`:
/// absent from a library built for one CPU, then nothing changes). The variable stays set, so
/// that worker processes start with the same kernels. `setenv` must not race another
/// thread's `getenv`: the `verify` tool makes the choice first thing on its main thread
/// (`_ = DenseProduct.threads`); a library user who starts threads before the first product
/// should do the same.
///
/// Results: only the order of the sums changes (another blocking, fused multiply-adds), which
/// every error bound of the package already covers (it holds for any summation order and
/// with fused multiply-adds); float values may move in their last bits, verdicts do not.
/// Set `OPENBLAS_CORETYPE` yourself (for example `Prescott`) to keep OpenBLAS's own choice.
package enum BLASKernel {
    /// The kernels OpenBLAS runs now (`openblas_get_corename()`, for example `SkylakeX`).
    package static var current: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The core type to request instead of OpenBLAS's `Prescott` fallback on a CPU with these
    /// `flags` (the words of `/proc/cpuinfo`'s `flags` line); nil when none is better.
    package static func replacement(forFallbackWithFlags flags: Set<String>) -> String? {
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The CPU flags of the first processor in `/proc/cpuinfo` (empty where there is none).
    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// Replaces OpenBLAS's `Prescott` fallback as described on the type; returns the kernels in
    /// use afterwards. Call before any product (``DenseProduct`` does, once).
    @discardableResult
    static func select() -> String {
        let before = current
        guard before.lowercased() == "prescott",
              ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              let replacement = replacement(forFallbackWithFlags: cpuFlags()),
              let library = dlopen(nil, RTLD_NOW),
              let quit = dlsym(library, "gotoblas_dynamic_quit"),
              let initialise = dlsym(library, "gotoblas_dynamic_init") else { return before }
        typealias Entry = @convention(c) () -> Void
        setenv("OPENBLAS_CORETYPE", replacement, 1)
        unsafeBitCast(quit, to: Entry.self)()
        unsafeBitCast(initialise, to: Entry.self)()
        return current
    }
}
