internal import CZ3
import Encoding
import Synchronization

/// Owns one reference-counted Z3 context (`Z3_mk_context_rc`). Shared, via a strong
/// reference, by the ``Z3Context`` and its ``Z3InterruptHandle``s, so `Z3_interrupt` can
/// never reach a deleted context. Only `Z3_interrupt` is ever called from another thread
/// (Z3 documents it as thread-safe), which is what makes `@unchecked Sendable` true.
final class Z3ContextStorage: @unchecked Sendable {
    let context: Z3_context
    /// Set by ``Z3InterruptHandle/interrupt()``; cleared at the start of each query.
    let interruptRequested = Atomic<Bool>(false)

    init() throws {
        guard let config = Z3_mk_config() else { throw Z3Error.contextUnavailable }
        defer { Z3_del_config(config) }
        guard let context = Z3_mk_context_rc(config) else { throw Z3Error.contextUnavailable }
        // No handler: errors only set the code (the default handler calls exit(1)).
        Z3_set_error_handler(context, nil)
        self.context = context
    }

    deinit { Z3_del_context(context) }
}

/// Asks a running query on its context to stop; the query then answers
/// `unknown(.interrupted)`. Safe from any thread. A request that arrives while no query
/// runs is dropped when the next query starts.
public struct Z3InterruptHandle: Sendable {
    let storage: Z3ContextStorage

    public func interrupt() {
        storage.interruptRequested.store(true, ordering: .sequentiallyConsistent)
        Z3_interrupt(storage.context)
    }
}

/// One Z3 context: create one per worker thread (the type is not `Sendable`, so the
/// compiler keeps it on one thread). Each query gets a fresh solver; every AST, solver,
/// model and parameter set is reference counted and released when the query returns.
///
/// Every C call goes through ``call(_:_:)``, which turns Z3's error code into
/// ``Z3Error/call(function:code:message:)``.
public final class Z3Context {
    let storage: Z3ContextStorage
    var context: Z3_context { storage.context }
    /// Z3's context-wide "rlimit count" after the previous query.
    var resourceCountSoFar: Double = 0

    public init() throws {
        storage = try Z3ContextStorage()
    }

    /// A handle that can stop this context's running query from another thread.
    public var interruptHandle: Z3InterruptHandle { Z3InterruptHandle(storage: storage) }

    /// The library version, e.g. "4.8.12.0".
    public static var version: String {
        var major: UInt32 = 0, minor: UInt32 = 0, build: UInt32 = 0, revision: UInt32 = 0
        Z3_get_version(&major, &minor, &build, &revision)
        return "\(major).\(minor).\(build).\(revision)"
    }

    /// The error funnel: runs `body`, then throws if Z3 recorded an error.
    @discardableResult
    func call<T>(_ function: StaticString, _ body: () throws -> T) throws -> T {
        let result = try body()
        let code = Z3_get_error_code(context)
        if code != Z3_OK {
            let message = Z3_get_error_msg(context, code).map { String(cString: $0) } ?? "no message"
            throw Z3Error.call(function: "\(function)", code: Int(code.rawValue), message: message)
        }
        return result
    }

    /// Test hook for the error funnel: `Z3_mk_numeral` on arbitrary text (Z3 sets
    /// `Z3_PARSER_ERROR` for text like "abc"; never pass exponent notation, which 4.8.12
    /// mishandles). Returns the numeral's canonical string.
    func _numeralForTesting(_ text: String) throws -> String {
        let sort = try call("Z3_mk_real_sort") { Z3_mk_real_sort(context) }
        guard let ast = try call("Z3_mk_numeral", { Z3_mk_numeral(context, text, sort) }) else {
            throw Z3Error.unexpectedValue(function: "Z3_mk_numeral", problem: "null AST")
        }
        Z3_inc_ref(context, ast)
        defer { Z3_dec_ref(context, ast) }
        return string(try call("Z3_get_numeral_string") { Z3_get_numeral_string(context, ast) })
    }

    /// Copies a C string Z3 owns (valid only until the next call).
    func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
