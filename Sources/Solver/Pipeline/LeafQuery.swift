import Encoding

/// One exact leaf as Z3 receives it: the SMT-LIB2 text of the leaf's encoding
/// (``PiecewiseLinearSystem/smtlib2(phases:comment:)``: every constant the exact rational of
/// its Double, inputs `X_0 ... X_{n-1}`) and the query's limits.
///
/// The one description of a leaf query: an in-process leaf (``LeafAnswer/solving(_:context:)``)
/// and a leaf worker in a child process (``IsolatedLeaf``, which writes ``text`` to the file
/// the worker reads) run Z3 on these same bytes through the same function, so the two places
/// differ only in where Z3 runs.
struct LeafQuery: Sendable, Equatable {
    /// The SMT-LIB2 script, ending in `(check-sat)`.
    var text: String
    /// Z3's limits (`rlimit`, wall-clock timeout) and phase encoding (the text's).
    var options: Z3QueryOptions

    init(_ system: PiecewiseLinearSystem, options: Z3QueryOptions) {
        text = system.smtlib2(phases: options.phases)
        self.options = options
    }
}
