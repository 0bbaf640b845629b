import XCTest

@testable import Encoding

/// Every error names the file and the location of the culprit, says what is wrong and
/// what to do, on one line.
final class VNNLibErrorTests: XCTestCase {
    /// The error thrown by parsing `text` (as file `p.vnnlib`), or a failure.
    private func parseError(
        _ text: String, expectedInputs: Int? = nil, expectedOutputs: Int? = nil, maxDisjuncts: Int = 10_000,
        file: StaticString = #filePath, line: UInt = #line
    ) -> VNNLibError? {
        do {
            let property = try VNNLibParser.parse(
                text: text, fileName: "p.vnnlib", expectedInputs: expectedInputs, expectedOutputs: expectedOutputs,
                maxDisjuncts: maxDisjuncts)
            XCTFail("parsed without error: \(property.disjuncts)", file: file, line: line)
        } catch {
            XCTAssertFalse(error.description.contains("\n"), file: file, line: line)
            return error
        }
        return nil
    }

    /// The error thrown by `inputRegions()` of the parsed `text`.
    private func regionError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> VNNLibError? {
        do {
            let property = try VNNLibParser.parse(text: text, fileName: "p.vnnlib")
            let regions = try property.inputRegions()
            XCTFail("computed regions without error: \(regions)", file: file, line: line)
        } catch {
            return error
        }
        return nil
    }

    private let header = vnnlibText(inputs: 2, outputs: 2, "")  // lines 1-4

    func testUnknownSymbol() {
        let error = parseError(header + "(assert (<= Z_0 1))")
        XCTAssertEqual(error, .unknownSymbol(file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 13), symbol: "Z_0"))
        XCTAssertEqual(
            error?.description,
            "p.vnnlib:5:13: unknown symbol 'Z_0'; declare variables with (declare-const X_i Real) "
                + "or (declare-const Y_i Real) before using them")
        // Used before its declaration.
        XCTAssertEqual(
            parseError("(declare-const X_1 Real)(assert (<= X_0 1))(declare-const X_0 Real)"),
            .unknownSymbol(file: "p.vnnlib", location: VNNLibLocation(line: 1, column: 37), symbol: "X_0"))
    }

    func testUnknownFunction() {
        let error = parseError(header + "(assert (not (<= X_0 1)))")
        XCTAssertEqual(error, .unknownFunction(file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 10), name: "not"))
        XCTAssertEqual(
            error?.description, "p.vnnlib:5:10: unknown function 'not'; supported are and, or, <=, >=, <, >, =, +, -, *")
        XCTAssertEqual(
            parseError(header + "(assert (<= (/ X_0 2) 1))"),
            .unknownFunction(file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 14), name: "/"))
    }

    func testUnbalancedParentheses() {
        let missing = parseError(header + "(assert (<= X_0 1)\n(assert (>= X_0 0))")
        XCTAssertEqual(
            missing,
            .unbalancedParentheses(
                file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 1),
                detail: "the '(' opened here is never closed"))
        XCTAssertEqual(
            missing?.description,
            "p.vnnlib:5:1: unbalanced parentheses: the '(' opened here is never closed; make every '(' match a ')'")
        let extra = parseError(header + "(assert (<= X_0 1)))")
        XCTAssertEqual(
            extra,
            .unbalancedParentheses(
                file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 20), detail: "this ')' has no matching '('"))
    }

    func testIndexOutOfRange() {
        let error = parseError(vnnlibText(inputs: 5, outputs: 1, "(assert (<= X_7 1))"))
        XCTAssertEqual(
            error,
            .indexOutOfRange(file: "p.vnnlib", location: VNNLibLocation(line: 7, column: 13), variable: "X_7", declaredCount: 5))
        XCTAssertEqual(
            error?.description,
            "p.vnnlib:7:13: X_7 is out of range: only X_0 … X_4 are declared; declare it or fix the index")
        XCTAssertEqual(
            parseError("(declare-const X_0 Real)(assert (>= Y_0 1))")?.message,
            "Y_0 is out of range: none are declared; declare it or fix the index")
    }

    func testNetworkSizeMismatch() {
        let error = parseError(vnnlibText(inputs: 5, outputs: 5, ""), expectedInputs: 3)
        XCTAssertEqual(
            error,
            .sizeMismatch(file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 16), what: "inputs", declared: 5, expected: 3))
        XCTAssertEqual(
            error?.description,
            "p.vnnlib:5:16: the property declares 5 inputs (X_0 …) but the network has 3; use the property written for this network")
        XCTAssertEqual(
            parseError(vnnlibText(inputs: 5, outputs: 5, ""), expectedInputs: 5, expectedOutputs: 10),
            .sizeMismatch(file: "p.vnnlib", location: VNNLibLocation(line: 10, column: 16), what: "outputs", declared: 5, expected: 10))
    }

    func testLowerAboveUpper() {
        let error = regionError(header + "(assert (<= X_0 1))\n(assert (>= X_0 2))\n(assert (<= X_1 1))\n(assert (>= X_1 0))")
        XCTAssertEqual(
            error,
            .lowerAboveUpper(
                file: "p.vnnlib", location: VNNLibLocation(line: 6, column: 9), variable: "X_0", lower: 2, upper: 1, disjunct: 1))
        XCTAssertEqual(
            error?.description,
            "p.vnnlib:6:9: input X_0 has lower bound 2.0 above its upper bound 1.0 in disjunct 1; the input set is empty: fix the bounds")
    }

    func testUnboundedInput() {
        let error = regionError(header + "(assert (<= X_0 1))\n(assert (>= X_0 0))\n(assert (<= X_1 1))")
        XCTAssertEqual(
            error,
            .unboundedInput(file: "p.vnnlib", location: VNNLibLocation(line: 2, column: 16), variable: "X_1", side: "lower", disjunct: 1))
        XCTAssertEqual(
            error?.description,
            "p.vnnlib:2:16: input X_1 has no lower bound in disjunct 1; every input must be bounded on both sides: "
                + "add (assert (>= X_1 LOWER))")
        // Bounded in the first disjunct only.
        let second = regionError(
            header + "(assert (<= X_0 1))\n(assert (>= X_0 0))\n(assert (>= X_1 0))\n(assert (or (<= X_1 1) (<= Y_0 0)))")
        XCTAssertEqual(second?.message.contains("input X_1 has no upper bound in disjunct 2"), true)
    }

    func testUnsupportedInputConstraints() {
        let several = regionError(header + "(assert (<= (+ X_0 X_1) 1))")
        XCTAssertEqual(
            several?.description,
            "p.vnnlib:5:9: unsupported input constraint: the constraint 1.0*X_0 + 1.0*X_1 + -1.0 <= 0 relates several inputs "
                + "(X_0, X_1); only bounds on single inputs, like (<= X_0 1), define an input box")
        let mixed = regionError(header + "(assert (<= X_0 Y_1))")
        XCTAssertEqual(mixed?.message.hasPrefix("unsupported input constraint: the constraint 1.0*X_0 + -1.0*Y_1 + 0.0 <= 0 mixes inputs (X_0) with outputs (Y_1)"), true)
        // Parsing alone accepts them: only the box view needs single-input bounds.
        XCTAssertNoThrow(try VNNLibParser.parse(text: header + "(assert (<= (+ X_0 X_1) 1))"))
    }

    func testNonLinearTerm() {
        let error = parseError(header + "(assert (<= (* X_0 X_1) 1))")
        XCTAssertEqual(
            error,
            .nonLinearTerm(file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 13), detail: "(* …) multiplies X_0 by X_1"))
        XCTAssertEqual(
            error?.description,
            "p.vnnlib:5:13: non-linear term: (* …) multiplies X_0 by X_1; only constant multiples of variables are supported")
        XCTAssertEqual(parseError(header + "(assert (<= (* 2 (+ X_0 1) (- Y_0)) 1))")?.message,
                       "non-linear term: (* …) multiplies (+ …) by (- …); only constant multiples of variables are supported")
    }

    func testUnsupportedCommand() {
        let error = parseError(header + "(push 1)")
        XCTAssertEqual(error, .unsupportedCommand(file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 2), command: "push"))
        XCTAssertEqual(
            error?.description,
            "p.vnnlib:5:2: unsupported command 'push'; a VNN-LIB file holds only declare-const and assert")
        XCTAssertEqual(
            parseError("(define-fun f () Real 1.0)"),
            .unsupportedCommand(file: "p.vnnlib", location: VNNLibLocation(line: 1, column: 2), command: "define-fun"))
    }

    func testNonRealDeclaration() {
        let error = parseError("(declare-const X_0 Int)")
        XCTAssertEqual(
            error, .unsupportedSort(file: "p.vnnlib", location: VNNLibLocation(line: 1, column: 20), variable: "X_0", sort: "Int"))
        XCTAssertEqual(error?.description, "p.vnnlib:1:20: X_0 is declared of sort 'Int'; declare it as Real")
        XCTAssertEqual(parseError("(declare-const X_0 (Array Int Real))")?.message, "X_0 is declared of sort '(Array …)'; declare it as Real")
    }

    func testBadNumerals() {
        for text in ["1.2.3", "1e", "1e+", "1e400", "-1e999", "#x1F", "0x10", "1_000", "2.5f", "-.", "+.e1"] {
            let error = parseError(header + "(assert (<= X_0 \(text)))")
            XCTAssertEqual(
                error, .badNumeral(file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 17), text: text), text)
        }
        XCTAssertEqual(
            parseError(header + "(assert (<= X_0 1e400))")?.description,
            "p.vnnlib:5:17: bad numeral '1e400'; write a finite decimal number such as 3, -0.5, 1.25 or 1e-05")
        // Not numerals but symbols: unknown.
        for text in ["inf", "nan", "-inf", "e5"] {
            XCTAssertEqual(
                parseError(header + "(assert (<= X_0 \(text)))"),
                .unknownSymbol(file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 17), symbol: text), text)
        }
    }

    func testArithmeticOverflow() {
        XCTAssertEqual(
            parseError(header + "(assert (<= (* 1e200 1e200 X_0) 1))"),
            .arithmeticOverflow(file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 9)))
        // Exact arithmetic: 0 · (1e400 · X_0) is 0, so the comparison is (<= 0 1), true (in
        // Double the product was 0 · inf = NaN). Only a coefficient or constant that the
        // comparison itself leaves beyond the finite Doubles is an error.
        XCTAssertEqual(try VNNLibParser.parse(text: header + "(assert (<= (* 0 (* 1e200 1e200 X_0)) 1))").disjuncts, [[]])
        XCTAssertNoThrow(try VNNLibParser.parse(text: header + "(assert (<= (* 1e-200 (* 1e200 1e200 X_0)) 1))"))
        XCTAssertEqual(
            parseError(header + "(assert (<= (+ 1e308 1e308) X_0))"),
            .arithmeticOverflow(file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 9)))
    }

    /// Products of numerals grow exactly; past the size bound they are an error, not a hang.
    func testExactArithmeticSizeBound() {
        let factors = String(repeating: "1e-1000 ", count: 20)
        XCTAssertEqual(
            parseError(header + "(assert (<= (* \(factors)X_0) 1))"),
            .arithmeticOverflow(file: "p.vnnlib", location: VNNLibLocation(line: 5, column: 13)))
    }

    func testInvalidDeclarations() {
        XCTAssertEqual(
            parseError("(declare-const Z_0 Real)")?.description,
            "p.vnnlib:1:16: invalid declaration: 'Z_0' is not a VNN-LIB variable name; name inputs X_0, X_1, … and outputs Y_0, Y_1, …")
        XCTAssertEqual(parseError("(declare-const X_01 Real)")?.location, VNNLibLocation(line: 1, column: 16))
        XCTAssertEqual(parseError("(declare-const X_99999999999999999999999 Real)")?.location, VNNLibLocation(line: 1, column: 16))
        XCTAssertEqual(
            parseError("(declare-const X_0 Real)\n(declare-const X_0 Real)")?.description,
            "p.vnnlib:2:16: invalid declaration: X_0 is declared twice (first at 1:16); remove one")
        XCTAssertEqual(
            parseError("(declare-const X_0 Real)\n(declare-const X_2 Real)")?.description,
            "p.vnnlib:2:16: invalid declaration: X_2 is declared but X_1 is not; declare X_0 … X_2 without gaps")
        XCTAssertEqual(
            parseError("(declare-fun X_0 (Real) Real)")?.message,
            "only nullary declare-fun is supported: (declare-fun X_0 () Real), or use declare-const")
    }

    func testMalformedExpressions() {
        let cases: [(String, String)] = [
            ("(assert X_0)", "expected a constraint such as (<= X_0 1), found 'X_0'"),
            ("(assert (<= X_0))", "'<=' compares at least two terms, as in (<= X_0 1)"),
            ("(assert (+ X_0 1))", "expected a constraint such as (<= X_0 1), found the term (+ …); compare it with <= or >="),
            ("(assert (<= (and) 1))", "expected a linear term, found the constraint (and …); constraints cannot be nested in terms"),
            ("(assert (<= X_0 1) (<= X_0 2))", "assert takes exactly one constraint: (assert F)"),
            ("(assert ())", "empty list (); remove it"),
            ("()", "empty command (); remove it"),
            ("assert", "expected a command such as (assert …), found 'assert'"),
            ("((assert))", "expected a command name after '(', found a list"),
            ("(set-info :note \"never closed)", "string starting here is never closed; close it with \""),
            ("(assert (<= X_0 true))", "expected a linear term, found 'true'"),
        ]
        for (body, message) in cases {
            XCTAssertEqual(parseError(header + body)?.message, message, body)
        }
    }

    func testTooManyDisjuncts() {
        // 14 binary `or`s distribute into 2^14 = 16384 > 10000 disjuncts.
        let ors = String(repeating: "(assert (or (<= Y_0 0) (<= Y_1 0)))\n", count: 14)
        let error = parseError(header + ors)
        XCTAssertEqual(error, .tooManyDisjuncts(file: "p.vnnlib", location: VNNLibLocation(line: 18, column: 1), limit: 10_000))
        XCTAssertEqual(
            error?.description,
            "p.vnnlib:18:1: distributing 'and' over 'or' gives more than 10000 disjuncts; split the property into several files")
        // 13 give 8192, within the limit, and a custom limit applies.
        let thirteen = String(repeating: "(assert (or (<= Y_0 0) (<= Y_1 0)))\n", count: 13)
        XCTAssertEqual(try VNNLibParser.parse(text: header + thirteen).disjuncts.count, 8192)
        XCTAssertEqual(parseError(header + thirteen, maxDisjuncts: 100)?.location, VNNLibLocation(line: 11, column: 1))
    }

    func testTooManyAtoms() {
        let property = vnnlibText(inputs: 0, outputs: 1, "(assert (or (<= Y_0 0) (<= Y_0 1)))\n(assert (and (<= Y_0 2) (<= Y_0 3)))")
        XCTAssertThrowsError(try VNNLibParser.parse(text: property, fileName: "p.vnnlib", maxAtoms: 5)) { error in
            XCTAssertEqual(error as? VNNLibError, .tooManyAtoms(file: "p.vnnlib", location: VNNLibLocation(line: 3, column: 1), limit: 5))
        }
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 100_000) + String(repeating: ")", count: 100_000)
        XCTAssertEqual(
            parseError(deep), .nestingTooDeep(file: "p.vnnlib", location: VNNLibLocation(line: 1, column: 201), limit: 200))
        let deepTerm = header + "(assert (<= " + String(repeating: "(- ", count: 150) + "X_0" + String(repeating: ")", count: 150) + " 1))"
        XCTAssertEqual(try VNNLibParser.parse(text: deepTerm).disjuncts, [[LinearAtom(inputCoefficients: [0: 1], constant: -1)]])
    }

    func testUnreadableFile() {
        XCTAssertThrowsError(try VNNLibParser.parse(contentsOf: "/nonexistent/prop.vnnlib")) { error in
            guard case .cannotRead(let file, _)? = error as? VNNLibError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "/nonexistent/prop.vnnlib")
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/prop.vnnlib: cannot read the VNN-LIB file ("))
        }
    }

    func testMessagesStayOnOneLineAndShort() {
        let error = parseError(header + "(assert (<= |a\nb| 1))")
        XCTAssertEqual(error?.message.hasPrefix("unknown symbol 'a\\nb'"), true)
        let long = String(repeating: "Q", count: 10_000)
        XCTAssertLessThan(parseError(header + "(assert (<= \(long) 1))")!.description.count, 300)
    }
}
