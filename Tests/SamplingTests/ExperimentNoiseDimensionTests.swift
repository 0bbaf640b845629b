import Foundation
import XCTest

import Sampling

/// The optional `"noise_dimension"` key: the dimension is read from the generators (the input
/// size, minus the one-hot inputs of a conditional generator), and a stated value that differs
/// is a one-line error naming the file and the key. Tiny models (``TinyModels``): per-class
/// generators with 2 inputs, a conditional generator with 4 inputs = 2 noise + 2 one-hot.
final class ExperimentNoiseDimensionTests: XCTestCase {
    func testMatchingDimensionLoadsForBothGeneratorKinds() throws {
        for conditional in [false, true] {
            let path = try TinyModels.write(experiment: "\"noise_dimension\": 2", conditional: conditional)
            let experiment = try Experiment.load(contentsOf: path)
            XCTAssertEqual(experiment.noiseDimension, 2)
            XCTAssertEqual(try LoadedExperiment(experiment).noiseDimension, 2)
        }
        XCTAssertNil(try Experiment.load(contentsOf: TinyModels.write()).noiseDimension, "the key is optional")
    }

    func testMismatchIsOneLineNamingTheFileAndTheKey() throws {
        let path = try TinyModels.write(experiment: "\"noise_dimension\": 3")
        XCTAssertThrowsError(try LoadedExperiment(Experiment.load(contentsOf: path))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(path + ": field \"noise_dimension\": is 3, but the generator "), text)
            XCTAssertTrue(text.contains("g0.json takes 2 noise inputs"), text)
            XCTAssertFalse(text.contains("\n"), text)
        }
    }

    /// The conditional generator takes 4 inputs; its noise dimension is 4 - 2 classes = 2, so
    /// stating the whole input size is the mistake the check exists for.
    func testConditionalGeneratorCountsWithoutTheOneHotInputs() throws {
        let path = try TinyModels.write(experiment: "\"noise_dimension\": 4", conditional: true)
        XCTAssertThrowsError(try LoadedExperiment(Experiment.load(contentsOf: path))) { error in
            XCTAssertTrue("\(error)".contains("cg.json (without its one-hot inputs) takes 2 noise inputs"), "\(error)")
            XCTAssertTrue("\(error)".contains("\"noise_dimension\": 2"), "\(error)")
        }
    }

    func testNonPositiveOrFractionalValuesAreParseErrors() throws {
        for bad in ["0", "2.5", "\"2\""] {
            let path = try TinyModels.write(experiment: "\"noise_dimension\": \(bad)")
            XCTAssertThrowsError(try Experiment.load(contentsOf: path), bad) { error in
                XCTAssertTrue("\(error)".contains("field \"noise_dimension\""), "\(bad): \(error)")
            }
        }
    }

    /// The check never changes what is verified: the identity (results hash) is the same with
    /// and without the key.
    func testStatedDimensionIsNotPartOfTheIdentity() throws {
        let with = try LoadedExperiment(Experiment.load(contentsOf: TinyModels.write(experiment: "\"noise_dimension\": 2")))
        let without = try LoadedExperiment(Experiment.load(contentsOf: TinyModels.write()))
        XCTAssertEqual(with.identity.replacingOccurrences(of: with.experiment.file!, with: ""),
                       without.identity.replacingOccurrences(of: without.experiment.file!, with: ""))
    }
}
