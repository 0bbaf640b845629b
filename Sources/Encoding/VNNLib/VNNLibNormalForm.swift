// Disjunctive normal form: distributing `and` over `or`, with limits on the size.

/// An OR of ANDs of atoms. `[]` is false, `[[]]` is true. `atomCount` is the total number
/// of atoms over all disjuncts, kept to bound memory.
struct _VNNLibNormalForm: Sendable {
    var disjuncts: [[LinearAtom]]
    var atomCount: Int

    static let alwaysTrue = _VNNLibNormalForm(disjuncts: [[]], atomCount: 0)
    static let alwaysFalse = _VNNLibNormalForm(disjuncts: [], atomCount: 0)

    init(disjuncts: [[LinearAtom]], atomCount: Int) {
        self.disjuncts = disjuncts
        self.atomCount = atomCount
    }

    /// One conjunction.
    init(conjunction atoms: [LinearAtom]) {
        self.init(disjuncts: [atoms], atomCount: atoms.count)
    }
}

/// The limits under which normal forms are built, and where to blame an overflow.
struct _VNNLibNormalFormLimits: Sendable {
    var maxDisjuncts: Int
    var maxAtoms: Int
    var file: String

    /// `a OR b`: the disjuncts of both.
    func or(
        _ a: _VNNLibNormalForm, _ b: _VNNLibNormalForm, at location: VNNLibLocation
    ) throws(VNNLibError) -> _VNNLibNormalForm {
        try check(disjuncts: a.disjuncts.count + b.disjuncts.count, atoms: a.atomCount + b.atomCount, at: location)
        return _VNNLibNormalForm(disjuncts: a.disjuncts + b.disjuncts, atomCount: a.atomCount + b.atomCount)
    }

    /// `a AND b`, stored into `a`: every disjunct of `a` joined with every disjunct of `b`,
    ///
    /// ```
    /// (a_1 ∨ … ∨ a_m) ∧ (b_1 ∨ … ∨ b_n)  =  ∨_{k,l} (a_k ∧ b_l)     (m·n disjuncts)
    /// ```
    ///
    /// with the sizes checked before anything is built. When `b` is one conjunction (the
    /// common case: a bound asserted on its own) its atoms are appended in place.
    func and(
        _ a: inout _VNNLibNormalForm, _ b: _VNNLibNormalForm, at location: VNNLibLocation
    ) throws(VNNLibError) {
        let (disjuncts, o1) = a.disjuncts.count.multipliedReportingOverflow(by: b.disjuncts.count)
        let (left, o2) = a.atomCount.multipliedReportingOverflow(by: b.disjuncts.count)
        let (right, o3) = b.atomCount.multipliedReportingOverflow(by: a.disjuncts.count)
        let (atoms, o4) = left.addingReportingOverflow(right)
        if o1 { throw .tooManyDisjuncts(file: file, location: location, limit: maxDisjuncts) }
        if o2 || o3 || o4 { throw .tooManyAtoms(file: file, location: location, limit: maxAtoms) }
        try check(disjuncts: disjuncts, atoms: atoms, at: location)

        if b.disjuncts.count == 1 {
            let conjunction = b.disjuncts[0]
            for k in a.disjuncts.indices { a.disjuncts[k].append(contentsOf: conjunction) }
        } else {
            var result: [[LinearAtom]] = []
            result.reserveCapacity(disjuncts)
            for x in a.disjuncts {
                for y in b.disjuncts { result.append(x + y) }
            }
            a.disjuncts = result
        }
        a.atomCount = atoms
    }

    private func check(disjuncts: Int, atoms: Int, at location: VNNLibLocation) throws(VNNLibError) {
        if disjuncts > maxDisjuncts { throw .tooManyDisjuncts(file: file, location: location, limit: maxDisjuncts) }
        if atoms > maxAtoms { throw .tooManyAtoms(file: file, location: location, limit: maxAtoms) }
    }
}
