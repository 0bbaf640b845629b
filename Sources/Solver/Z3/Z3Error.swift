/// Errors of the Z3 wrapper. `description` is the sentence the CLI prints.
public enum Z3Error: Error, CustomStringConvertible, Equatable {
    /// A Z3 API call set an error code; `function` names the C function, `code` is Z3's
    /// numeric `Z3_error_code`, `message` Z3's text for it.
    case call(function: String, code: Int, message: String)
    /// `Z3_mk_context_rc` returned no context (out of memory, broken installation).
    case contextUnavailable
    /// SMT-LIB2 text was rejected (Z3 leaves the solver empty and would answer `sat`, so
    /// this is always an error, never a result).
    case parse(message: String)
    /// Z3 returned something the wrapper cannot interpret (e.g. a non-rational model value).
    case unexpectedValue(function: String, problem: String)

    public var description: String {
        switch self {
        case let .call(function, code, message):
            return "Z3 call \(function) failed (error \(code): \(message)); this is a bug in the query construction or the Z3 installation"
        case .contextUnavailable:
            return "Z3 could not create a context; check that libz3 (apt package libz3-dev) is installed and memory is available"
        case let .parse(message):
            return "Z3 rejected the SMT-LIB2 text: \(message); check the file is QF_LRA/QF_LIRA SMT-LIB2"
        case let .unexpectedValue(function, problem):
            return "Z3 call \(function) returned an unexpected value: \(problem)"
        }
    }
}
