import Foundation
import XCTest

import Sampling

/// A results file has one writer at a time: a second run on the same file is refused before
/// it reads or writes anything, and the file is left exactly as the first writer had it.
extension RunnerTests {
    func testASecondWriterIsRefusedWhileTheLockIsHeldAndAdmittedAfterwards() throws {
        let path = temporaryFile("locked.jsonl")
        _ = try run(path, jobs: 1, samples: 5)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let held = try ResultsLock.acquire(for: path)
        // `flock` locks belong to open file descriptions, so a second open in this process
        // conflicts exactly as another process's would.
        XCTAssertThrowsError(try ResultsLock.acquire(for: path)) { error in
            XCTAssertTrue("\(error)".contains("is being written by process \(getpid())"), "\(error)")
        }
        XCTAssertThrowsError(try run(path, jobs: 1, samples: 5, resume: true)) { error in
            XCTAssertTrue("\(error)".contains("another --results file"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "a refused run must not touch the file")

        held.release()
        let resumed = try run(path, jobs: 1, samples: 5, resume: true)
        XCTAssertEqual(resumed.resumedSamples, 10)
        XCTAssertEqual(resumed.newSamples, 0)
        // The finished run released its lock: the next writer gets it at once.
        XCTAssertNoThrow(try ResultsLock.acquire(for: path).release())
    }
}
