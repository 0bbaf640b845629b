import Network
import Foundation
import XCTest

@testable import Sampling

final class NoiseGeneratorTests: XCTestCase {
    func testNoiseIsAPureFunctionOfSeedClassAndIndex() {
        let once = NoiseGenerator.noise(seed: 7, classIndex: 2, sampleIndex: 99, dimension: 16)
        let again = NoiseGenerator.noise(seed: 7, classIndex: 2, sampleIndex: 99, dimension: 16)
        XCTAssertEqual(once, again)
        XCTAssertEqual(NoiseGenerator(seed: 7, dimension: 16).noise(classIndex: 2, sampleIndex: 99), once)
    }

    func testNoiseMatchesTheDocumentedConstructionInPython() {
        // Computed once with the Python transcription in NoiseGenerator's documentation
        // (CPython 3, math.log/cos/sin); the normals may differ in the last ulp across libms.
        let expected = [1.3559949030375353, -0.4971201312038718, 0.6953255832514521, 0.05322361525748049, 1.0996929161934443]
        let noise = NoiseGenerator.noise(seed: 42, classIndex: 3, sampleIndex: 7, dimension: 5)
        for (value, reference) in zip(noise, expected) {
            XCTAssertEqual(value, reference, accuracy: 1e-14)
        }
        let negativeClass = NoiseGenerator.noise(seed: 2024, classIndex: -1, sampleIndex: 123_456_789, dimension: 1)
        XCTAssertEqual(negativeClass[0], 2.01643089115583, accuracy: 1e-14)
    }

    func testNoiseDoesNotDependOnThreadOrOrder() {
        let indices = Array(0..<256)
        let sequential = indices.map { NoiseGenerator.noise(seed: 5, classIndex: 1, sampleIndex: $0, dimension: 9) }
        let results = ConcurrentResults(count: indices.count)
        DispatchQueue.concurrentPerform(iterations: indices.count) { offset in
            let index = indices.count - 1 - offset  // reverse order, any thread
            results.set(index, NoiseGenerator.noise(seed: 5, classIndex: 1, sampleIndex: index, dimension: 9))
        }
        XCTAssertEqual(results.values, sequential)
    }

    func testDifferentIndicesClassesAndSeedsGiveDifferentNoise() {
        let base = NoiseGenerator.noise(seed: 1, classIndex: 0, sampleIndex: 0, dimension: 8)
        XCTAssertNotEqual(base, NoiseGenerator.noise(seed: 1, classIndex: 0, sampleIndex: 1, dimension: 8))
        XCTAssertNotEqual(base, NoiseGenerator.noise(seed: 1, classIndex: 1, sampleIndex: 0, dimension: 8))
        XCTAssertNotEqual(base, NoiseGenerator.noise(seed: 2, classIndex: 0, sampleIndex: 0, dimension: 8))
        // Swapping class and index must not collide either.
        XCTAssertNotEqual(
            NoiseGenerator.noise(seed: 1, classIndex: 3, sampleIndex: 5, dimension: 8),
            NoiseGenerator.noise(seed: 1, classIndex: 5, sampleIndex: 3, dimension: 8))
        var firstCoordinates = Set<Double>()
        for index in 0..<1000 {
            firstCoordinates.insert(NoiseGenerator.noise(seed: 1, classIndex: 0, sampleIndex: index, dimension: 1)[0])
        }
        XCTAssertEqual(firstCoordinates.count, 1000)
    }

    func testSmallerDimensionIsAPrefixOfLargerDimension() {
        let long = NoiseGenerator.noise(seed: 3, classIndex: 4, sampleIndex: 5, dimension: 11)
        for dimension in 0...11 {
            let short = NoiseGenerator.noise(seed: 3, classIndex: 4, sampleIndex: 5, dimension: dimension)
            XCTAssertEqual(short.count, dimension)
            XCTAssertEqual(short, Array(long.prefix(dimension)))
        }
    }

    func testUniformsStayInsideTheHalfOpenUnitInterval() {
        XCTAssertEqual(NoiseGenerator.unitInterval(0), 0x1p-53)
        XCTAssertEqual(NoiseGenerator.unitInterval(.max), 1)
        XCTAssertTrue(Foundation.log(NoiseGenerator.unitInterval(0)).isFinite)
    }

    func testOneHundredThousandDrawsLookStandardNormal() {
        // 2,000 samples x 50 coordinates. Tolerances are ~6 standard errors; the draw is
        // deterministic, so these are regression bounds that cannot flake.
        var values = [Double]()
        values.reserveCapacity(100_000)
        for index in 0..<2000 {
            values += NoiseGenerator.noise(seed: 2024, classIndex: index % 10, sampleIndex: index, dimension: 50)
        }
        XCTAssertEqual(values.count, 100_000)
        XCTAssertTrue(values.allSatisfy(\.isFinite))
        let count = Double(values.count)
        let mean = values.reduce(0, +) / count
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1)
        let inside = Double(values.filter { abs($0) <= 1.96 }.count) / count
        let fourthMoment = values.reduce(0) { $0 + $1 * $1 * $1 * $1 } / count
        XCTAssertEqual(mean, 0, accuracy: 0.02)  // standard error 0.0032
        XCTAssertEqual(variance, 1, accuracy: 0.03)  // standard error 0.0045
        XCTAssertEqual(inside, 0.95, accuracy: 0.005)  // standard error 0.0007
        XCTAssertEqual(fourthMoment, 3, accuracy: 0.15)  // standard error 0.03
        let positiveFraction = Double(values.filter { $0 > 0 }.count) / count
        XCTAssertEqual(positiveFraction, 0.5, accuracy: 0.01)
    }
}

/// Collects results written from concurrent iterations (each index written once).
private final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [[Double]]

    init(count: Int) { storage = Array(repeating: [], count: count) }

    func set(_ index: Int, _ value: [Double]) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }

    var values: [[Double]] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
