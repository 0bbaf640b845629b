// The stop-early bookkeeping of a robustness run.

import Foundation

/// Which classes a `--stop-early` run has stopped, and at which sample size.
///
/// Class `c` stops at the first look `n_k` of its sequential test that decides it. The look
/// is judged on the verdicts of samples `0 ..< n_k` of `c` only, so the tracker keeps every
/// class's outcomes by sample and the length of its unbroken prefix of finished samples, and
/// re-evaluates a class only when that prefix reaches a look size. The test of each class
/// runs at the level the final assessment gives it (the union bound over the classes).
struct StopEarlyTracker {
    private let stopEarly: StopEarlySchedule
    private let samplesPerClass: Int
    private let configuration: StatisticsConfiguration
    private let lookSizes: Set<Int>
    private var outcomes: [Int: [Int: SampleRecord]] = [:]
    private var prefixLength: [Int: Int] = [:]

    /// nil without a stop-early schedule; otherwise the tracker with the `existing` records
    /// (a resumed file) already replayed into `state`.
    init?(stopEarly: StopEarlySchedule?, schedule: SampleSchedule, statistics: StatisticsConfiguration,
          existing: [SampleRecord], state: RunState) {
        guard let stopEarly else { return nil }
        self.stopEarly = stopEarly
        samplesPerClass = schedule.samplesPerClass
        let maximum = max(schedule.samplesPerClass, 1)
        lookSizes = Set(SequentialTest(delta: statistics.delta, alpha: 0.5, initialSampleSize: min(stopEarly.initialSampleSize, maximum),
                                       growthFactor: stopEarly.growthFactor, maximumSampleSize: maximum).looks)
        let perClassLevel = UnionBound.perClassLevel(overall: statistics.level, classCount: schedule.classes.count)
        configuration = StatisticsConfiguration(delta: statistics.delta, level: perClassLevel, method: statistics.method)
        for record in existing { outcomes[record.classIndex, default: [:]][record.sample] = record }
        for classIndex in schedule.classes { refresh(classIndex, state: state) }
    }

    /// Records a finished sample and stops its class in `state` if a look now decides it.
    mutating func add(_ record: SampleRecord, state: RunState) {
        outcomes[record.classIndex, default: [:]][record.sample] = record
        refresh(record.classIndex, state: state)
    }

    private mutating func refresh(_ classIndex: Int, state: RunState) {
        guard state.stopAt[classIndex] == nil, advancePrefix(classIndex) else { return }
        let records = Array((outcomes[classIndex] ?? [:]).values)
        let assessment = ResultsAssessment(records: records, classes: [classIndex], samplesPerClass: samplesPerClass,
                                           configuration: configuration, stopEarly: stopEarly)
        if let size = assessment.stoppedSampleSize(of: classIndex) { state.stop(classIndex, at: size) }
    }

    /// Extends the class's unbroken prefix of finished samples; true when it passed a look size.
    private mutating func advancePrefix(_ classIndex: Int) -> Bool {
        var length = prefixLength[classIndex, default: 0]
        var reachedLook = false
        while outcomes[classIndex]?[length] != nil {
            length += 1
            if lookSizes.contains(length) { reachedLook = true }
        }
        prefixLength[classIndex] = length
        return reachedLook
    }
}
