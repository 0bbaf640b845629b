// Entry points of the VNN-LIB parser and its top-level commands.
//
// VNN-LIB: http://www.vnnlib.org and the VNN-COMP rules (Brix et al., "First three years of
// the international verification of neural networks competition", STTT 2023). A file is an
// SMT-LIB 2 script over real variables X_0… (inputs) and Y_0… (outputs) whose assertions,
// taken together, describe the UNSAFE set.

import Codecs
import Foundation

/// Reads VNN-LIB properties.
///
/// Supported: `(declare-const X_i Real)`, `(declare-const Y_j Real)` (also the nullary
/// `(declare-fun X_i () Real)`), `(assert F)` where `F` is built from `and`, `or`, `true`,
/// `false` and comparisons `<=`, `>=`, `<`, `>`, `=` (chained as in SMT-LIB:
/// `(<= a b c)` is `a <= b and b <= c`) between linear terms: decimal numerals (including
/// `-0.5`, `.5` and exponent notation `1e-05`, `-1.5E+3`), `X_i`, `Y_j`, `(+ t …)`,
/// `(- t)`, `(- t u …)`, `(* c … t)` with at most one non-constant factor. Comments run
/// from `;` to the end of the line. `set-logic`, `set-info`, `set-option`, `check-sat`,
/// `get-model` and `exit` are accepted and ignored; any other command is an error.
///
/// Semantics: every assertion holds at once (a conjunction); strict comparisons are read as
/// their closure (VNN-COMP's convention, see ``LinearAtom``); a comparison between
/// constants only is evaluated exactly, so `(<= 0 1)` and `(<= (+ 0.1 0.2) 0.3)` are true
/// and `(<= 1 0)` removes the disjuncts it is part of. Numerals are exact rationals (`0.1`
/// is `1/10`) and constant arithmetic is exact (``ExactRational``); the property is the one
/// the file states, over the reals. Rounding to `Double` happens once, outward, where the
/// property meets the floating-point solver (``VNNLibProperty/inputRegions()``,
/// ``VNNLibProperty/enlargedOutputAtom(_:)``). Variables must be declared before they are
/// used and the indices of each kind must run `0, 1, …, n-1` without gaps.
///
/// No input makes the parser crash: malformed text, deep nesting and huge normal forms all
/// end in a ``VNNLibError``.
public enum VNNLibParser {
    /// Default bound on the number of disjuncts of the normal form.
    public static let defaultMaxDisjuncts = 10_000
    /// Default bound on the total number of atoms over all disjuncts of the normal form.
    public static let defaultMaxAtoms = 5_000_000

    /// Parses VNN-LIB text.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - fileName: the name used in error messages (and stored in the property).
    ///   - expectedInputs: when given, the number of `X_i` must equal it (the network's
    ///     input size), else ``VNNLibError/sizeMismatch(file:location:what:declared:expected:)``.
    ///   - expectedOutputs: the same for `Y_j`.
    ///   - maxDisjuncts: error when the normal form would have more disjuncts.
    ///   - maxAtoms: error when the normal form would have more atoms in total.
    public static func parse(
        text: String,
        fileName: String = "<text>",
        expectedInputs: Int? = nil,
        expectedOutputs: Int? = nil,
        maxDisjuncts: Int = defaultMaxDisjuncts,
        maxAtoms: Int = defaultMaxAtoms
    ) throws(VNNLibError) -> VNNLibProperty {
        try parse(
            bytes: Array(text.utf8), fileName: fileName, expectedInputs: expectedInputs,
            expectedOutputs: expectedOutputs, maxDisjuncts: maxDisjuncts, maxAtoms: maxAtoms)
    }

    /// Reads and parses the VNN-LIB file at `path`, gzipped or not; error messages name
    /// `path` as given.
    public static func parse(
        contentsOf path: String,
        expectedInputs: Int? = nil,
        expectedOutputs: Int? = nil,
        maxDisjuncts: Int = defaultMaxDisjuncts,
        maxAtoms: Int = defaultMaxAtoms
    ) throws(VNNLibError) -> VNNLibProperty {
        let data: Data
        do {
            data = Data(try Gzip.contentsOfFile(atPath: path))
        } catch {
            throw .cannotRead(file: path, reason: error.localizedDescription)
        }
        return try parse(
            bytes: [UInt8](data), fileName: path, expectedInputs: expectedInputs,
            expectedOutputs: expectedOutputs, maxDisjuncts: maxDisjuncts, maxAtoms: maxAtoms)
    }

    static func parse(
        bytes: [UInt8], fileName: String, expectedInputs: Int?, expectedOutputs: Int?,
        maxDisjuncts: Int, maxAtoms: Int
    ) throws(VNNLibError) -> VNNLibProperty {
        let commands = try _VNNLibReader.read(bytes, file: fileName)
        let endOfFile = endLocation(of: bytes)
        var reader = _VNNLibInterpreter(
            file: fileName,
            limits: _VNNLibNormalFormLimits(maxDisjuncts: maxDisjuncts, maxAtoms: maxAtoms, file: fileName))
        var unsafe = _VNNLibNormalForm.alwaysTrue
        for command in commands {
            if let assertion = try reader.command(command) {
                try reader.limits.and(&unsafe, assertion, at: command.location)
            }
        }
        let inputs = try reader.inputs.finish(file: fileName, endOfFile: endOfFile)
        let outputs = try reader.outputs.finish(file: fileName, endOfFile: endOfFile)
        for (kind, declarations, expected) in [("inputs", inputs, expectedInputs), ("outputs", outputs, expectedOutputs)] {
            if let expected, declarations.count != expected {
                throw .sizeMismatch(
                    file: fileName, location: declarations.last ?? endOfFile, what: kind,
                    declared: declarations.count, expected: expected)
            }
        }
        return VNNLibProperty(
            fileName: fileName, inputCount: inputs.count, outputCount: outputs.count,
            disjuncts: unsafe.disjuncts, inputDeclarations: inputs)
    }

    private static func endLocation(of bytes: [UInt8]) -> VNNLibLocation {
        var line = 1
        var column = 1
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return VNNLibLocation(line: line, column: column)
    }
}

/// The variables of one kind (`X` or `Y`) declared so far.
struct _VNNLibDeclarations: Sendable {
    let prefix: String
    /// Declaration site of each declared index.
    var declared: [Int: VNNLibLocation] = [:]
    /// One more than the largest declared index (0 when none).
    var bound = 0

    init(prefix: String) { self.prefix = prefix }

    /// The declaration sites of indices `0..<n`, checking that there is no gap.
    func finish(file: String, endOfFile: VNNLibLocation) throws(VNNLibError) -> [VNNLibLocation] {
        var sites: [VNNLibLocation] = []
        sites.reserveCapacity(declared.count)
        for index in 0..<bound {
            guard let site = declared[index] else {
                let last = bound - 1
                throw .invalidDeclaration(
                    file: file, location: declared[last] ?? endOfFile,
                    detail: "\(prefix)_\(last) is declared but \(prefix)_\(index) is not; "
                        + "declare \(prefix)_0 … \(prefix)_\(last) without gaps")
            }
            sites.append(site)
        }
        return sites
    }
}

/// Interprets top-level commands, one at a time.
struct _VNNLibInterpreter {
    let file: String
    let limits: _VNNLibNormalFormLimits
    var inputs = _VNNLibDeclarations(prefix: "X")
    var outputs = _VNNLibDeclarations(prefix: "Y")

    init(file: String, limits: _VNNLibNormalFormLimits) {
        self.file = file
        self.limits = limits
    }

    /// Commands accepted and ignored: they do not change the property.
    static let ignoredCommands: Set<String> = ["set-logic", "set-info", "set-option", "check-sat", "get-model", "exit"]

    /// Declares a variable, or returns the normal form of an assertion.
    mutating func command(_ expression: _VNNLibSExpression) throws(VNNLibError) -> _VNNLibNormalForm? {
        guard case .list(let items, let at) = expression else {
            throw .malformed(
                file: file, location: expression.location,
                detail: "expected a command such as (assert …), found '\(expression.summary)'")
        }
        guard let first = items.first else {
            throw .malformed(file: file, location: at, detail: "empty command (); remove it")
        }
        guard case .atom(let name, _) = first else {
            throw .malformed(
                file: file, location: first.location, detail: "expected a command name after '(', found a list")
        }
        let arguments = items.dropFirst()
        switch name {
        case "declare-const":
            guard arguments.count == 2 else {
                throw .malformed(
                    file: file, location: at, detail: "declare-const takes a name and a sort: (declare-const X_0 Real)")
            }
            try declare(arguments[arguments.startIndex], sort: arguments[arguments.startIndex + 1])
            return nil
        case "declare-fun":
            guard arguments.count == 3, case .list(let parameters, _) = arguments[arguments.startIndex + 1],
                parameters.isEmpty
            else {
                throw .malformed(
                    file: file, location: at,
                    detail: "only nullary declare-fun is supported: (declare-fun X_0 () Real), or use declare-const")
            }
            try declare(arguments[arguments.startIndex], sort: arguments[arguments.startIndex + 2])
            return nil
        case "assert":
            guard arguments.count == 1 else {
                throw .malformed(file: file, location: at, detail: "assert takes exactly one constraint: (assert F)")
            }
            return try formula(arguments[arguments.startIndex])
        default:
            if Self.ignoredCommands.contains(name) { return nil }
            throw .unsupportedCommand(file: file, location: first.location, command: name)
        }
    }

    private mutating func declare(
        _ nameExpression: _VNNLibSExpression, sort: _VNNLibSExpression
    ) throws(VNNLibError) {
        guard case .atom(let name, let at) = nameExpression else {
            throw .malformed(file: file, location: nameExpression.location, detail: "expected a variable name, found a list")
        }
        guard case .atom("Real", _) = sort else {
            throw .unsupportedSort(file: file, location: sort.location, variable: name, sort: sort.summary)
        }
        guard let variable = Self.variable(name) else {
            throw .invalidDeclaration(
                file: file, location: at,
                detail: "'\(VNNLibError.shown(name))' is not a VNN-LIB variable name; "
                    + "name inputs X_0, X_1, … and outputs Y_0, Y_1, …")
        }
        if variable.isInput {
            try add(variable.index, name: name, at: at, to: &inputs)
        } else {
            try add(variable.index, name: name, at: at, to: &outputs)
        }
    }

    private func add(
        _ index: Int, name: String, at: VNNLibLocation, to declarations: inout _VNNLibDeclarations
    ) throws(VNNLibError) {
        if let first = declarations.declared[index] {
            throw .invalidDeclaration(
                file: file, location: at, detail: "\(name) is declared twice (first at \(first)); remove one")
        }
        declarations.declared[index] = at
        declarations.bound = max(declarations.bound, index + 1)
    }

    /// `(true, i)` for `X_i`, `(false, j)` for `Y_j`; `nil` for any other symbol. Indices are
    /// decimal without leading zeros (`X_01` is not `X_1`).
    static func variable(_ name: String) -> (isInput: Bool, index: Int)? {
        let utf8 = name.utf8
        guard utf8.count >= 3, let first = utf8.first, first == UInt8(ascii: "X") || first == UInt8(ascii: "Y"),
            utf8[utf8.index(after: utf8.startIndex)] == UInt8(ascii: "_")
        else { return nil }
        let digits = name.dropFirst(2)
        guard digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            digits == "0" || digits.first != "0",
            let index = Int(digits)
        else { return nil }
        return (first == UInt8(ascii: "X"), index)
    }
}
