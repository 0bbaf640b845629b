// The order of samples: one global index per (class, sample), interleaving the classes.

/// Numbers every sample of an experiment with a global index, classes interleaved:
///
/// ```
/// g = i * m + position(c)        (m classes, i = sample index within class c)
/// c = classes[g mod m],  i = g div m
/// ```
///
/// Interleaving makes a partial run cover every class evenly, and the index of a sample does
/// not depend on `samplesPerClass`, so a run can be extended later. `--shard i/k` takes the
/// indices `g ≡ i (mod k)`.
public struct SampleSchedule: Sendable, Hashable {
    public let classes: [Int]
    public let samplesPerClass: Int

    public init(classes: [Int], samplesPerClass: Int) {
        precondition(!classes.isEmpty && samplesPerClass >= 0)
        self.classes = classes
        self.samplesPerClass = samplesPerClass
    }

    /// Number of samples of all classes.
    public var count: Int { classes.count * samplesPerClass }

    /// The class and within-class index of global index `g`.
    public func sample(at g: Int) -> (classIndex: Int, sample: Int) {
        (classes[g % classes.count], g / classes.count)
    }

    /// The global index of sample `i` of class `c`; nil when `c` is not a class of the schedule.
    public func globalIndex(classIndex c: Int, sample i: Int) -> Int? {
        classes.firstIndex(of: c).map { i * classes.count + $0 }
    }
}
