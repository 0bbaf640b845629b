import Sampling
import XCTest

/// The refusal to resume a results file of another experiment names the part of the identity
/// that differs (its first differing line).
final class IdentityDifferenceTests: XCTestCase {
    static let base = ["generative-verification-results/2", "classifier aa", "class 0 generator bb", "class 1 generator cc",
                       "eps 3fb999999999999a", "noises generated seed 0 dimension 10", "solver QueryConfiguration(maxNodes: 20000)"]

    func differing(_ index: Int, _ line: String) -> String {
        var changed = Self.base
        changed[index] = line
        return LoadedExperiment.identityDifference(Self.base.joined(separator: "\n"), changed.joined(separator: "\n"))
    }

    func testEachLineIsNamed() {
        XCTAssertEqual(differing(1, "classifier ff"), "the classifier differs")
        XCTAssertEqual(differing(3, "class 1 generator ff"), "the generator of class 1 differs")
        XCTAssertEqual(differing(4, "eps 3fa999999999999a"), "eps differs")
        XCTAssertEqual(differing(5, "noises generated seed 1 dimension 10"), "the noises differ")
        XCTAssertTrue(differing(6, "solver QueryConfiguration(maxNodes: 5)").hasPrefix("the solver settings differ"))
        XCTAssertEqual(differing(0, "generative-verification-results/3"), "the networks, eps, noises or solver settings differ")
    }

    func testTheFirstDifferenceWinsAndExtraLinesCount() {
        var changed = Self.base
        changed[4] = "eps 0"
        changed[6] = "solver other"
        XCTAssertEqual(LoadedExperiment.identityDifference(Self.base.joined(separator: "\n"), changed.joined(separator: "\n")),
                       "eps differs")
        let withAdapter = Self.base.prefix(4) + ["adapter scale 1 shift 0"] + Self.base.dropFirst(4)
        XCTAssertEqual(LoadedExperiment.identityDifference(Self.base.joined(separator: "\n"), withAdapter.joined(separator: "\n")),
                       "the adapter differs")
        XCTAssertEqual(LoadedExperiment.identityDifference("a\nb", "a\nb"), "the identity texts agree")
    }
}
