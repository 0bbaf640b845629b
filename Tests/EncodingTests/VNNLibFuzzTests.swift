import Foundation
import Network
import XCTest

@testable import Encoding
import Support

/// Random mutations of real VNN-LIB files either parse or throw a `VNNLibError`; nothing
/// crashes, and what parses satisfies the property's invariants.
final class VNNLibFuzzTests: XCTestCase {
    /// Fragments that make mutations likely to hit interesting paths.
    private static let fragments: [String] = [
        "(", ")", " ", "\n", ";", "X_", "Y_", "0", "1", "7", "99", "-", "+", "*", ".", "e", "E", "-0.5", "1e-05",
        "1e400", "(- ", "(* X_0 X_1)", "(or ", "(and ", "<=", ">=", "<", ">", "=", "assert", "declare-const",
        "Real", "Int", "|", "\"", "#x", "not", "true", "false", "X_4", "Y_9", "\u{0}", "é", "(assert (<= X_0 1))",
    ]

    private func mutate(_ bytes: [UInt8], using rng: inout some RandomNumberGenerator) -> [UInt8] {
        var result = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = result.isEmpty ? 0 : Int.random(in: 0..<result.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0:  // delete a byte run
                guard !result.isEmpty else { continue }
                let length = min(Int.random(in: 1...8, using: &rng), result.count - position)
                result.removeSubrange(position..<(position + length))
            case 1:  // insert a fragment
                result.insert(contentsOf: Array(Self.fragments.randomElement(using: &rng)!.utf8), at: position)
            case 2:  // overwrite a byte with a random one
                guard !result.isEmpty else { continue }
                result[position] = UInt8.random(in: 0...255, using: &rng)
            case 3:  // duplicate a slice
                guard !result.isEmpty else { continue }
                let length = min(Int.random(in: 1...200, using: &rng), result.count - position)
                result.insert(contentsOf: result[position..<(position + length)], at: position)
            case 4:  // swap two bytes
                guard !result.isEmpty else { continue }
                result.swapAt(position, Int.random(in: 0..<result.count, using: &rng))
            default:  // truncate
                result.removeSubrange(position...)
            }
        }
        return result
    }

    func testRandomMutationsOfRealFilesNeverCrash() throws {
        let sources = ["acasxu/prop_1.vnnlib", "acasxu/prop_6.vnnlib", "acasxu/prop_7.vnnlib", "vnncomp-test/test_small.vnnlib"]
        let texts = try sources.map { Array(try String(contentsOfFile: vnnlibFixture($0), encoding: .utf8).utf8) }
        var rng = SplitMix64(seed: 20_240_611)
        var parsed = 0, rejected = 0, regionsBuilt = 0
        // VNNLIB_FUZZ_ITERATIONS runs a longer campaign by hand; the suite runs 3,000.
        let iterations = ProcessInfo.processInfo.environment["VNNLIB_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 3_000
        for iteration in 0..<iterations {
            let mutated = mutate(texts[iteration % texts.count], using: &rng)
            let text = String(decoding: mutated, as: UTF8.self)
            do {
                let property = try VNNLibParser.parse(text: text, fileName: "fuzz.vnnlib")
                parsed += 1
                for atom in property.disjuncts.joined() {
                    XCTAssertTrue(atom.constant.nearestDouble.isFinite)
                    XCTAssertTrue(atom.inputCoefficients.allSatisfy { $0.key >= 0 && $0.key < property.inputCount && $0.value.nearestDouble.isFinite && !$0.value.isZero })
                    XCTAssertTrue(atom.outputCoefficients.allSatisfy { $0.key >= 0 && $0.key < property.outputCount && $0.value.nearestDouble.isFinite && !$0.value.isZero })
                }
                if let regions = try? property.inputRegions() {
                    regionsBuilt += 1
                    for region in regions {
                        XCTAssertTrue(zip(region.lower, region.upper).allSatisfy { $0.isFinite && $1.isFinite && $0 <= $1 })
                    }
                }
            } catch {
                rejected += 1
                XCTAssertEqual(error.file, "fuzz.vnnlib")
                XCTAssertFalse(error.description.contains("\n"), error.description)
                XCTAssertFalse(error.message.isEmpty)
            }
        }
        XCTAssertEqual(parsed + rejected, iterations)
        print("VNN-LIB fuzz: \(iterations) mutations, \(parsed) parsed (\(regionsBuilt) with input boxes), \(rejected) rejected")
        // The mutations exercise both outcomes.
        XCTAssertGreaterThan(parsed, 100)
        XCTAssertGreaterThan(rejected, 100)
        XCTAssertGreaterThan(regionsBuilt, 50)
    }
}
