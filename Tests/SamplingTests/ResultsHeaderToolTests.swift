import Foundation
import XCTest

import Network
import Sampling

/// The results header records the build that wrote it: tool version, commit, Z3 version.
final class ResultsHeaderToolTests: XCTestCase {
    func testHeaderLineNamesToolCommitAndZ3() throws {
        var experiment = try Experiment.load(contentsOf: try TinyModels.write())
        experiment.samplesPerClass = 1
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("header-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try RobustnessRunner.run(try LoadedExperiment(experiment), options: RobustnessRunOptions(resultsPath: path, jobs: 1),
                                     cancellation: RunCancellation(), progress: { _ in })
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let first = try XCTUnwrap(text.split(separator: "\n").first)
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        let tool = try XCTUnwrap(header["tool"] as? [String: Any], String(first))
        XCTAssertNotNil((tool["version"] as? String)?.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression))
        XCTAssertNotNil((tool["z3"] as? String)?.range(of: #"^\d+\.\d+\.\d+"#, options: .regularExpression))
        // The test bundle lies in .build/ of this checkout, so the commit is found (40 hex
        // digits); outside a git checkout the field is absent (unknown).
        if let commit = tool["commit"] as? String {
            XCTAssertNotNil(commit.range(of: #"^[0-9a-f]{40}$"#, options: .regularExpression), commit)
        }
    }
}
