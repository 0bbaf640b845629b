import Foundation
import Encoding
import Network

/// The JSON certificate of one query: what was asked, the verdict, how it was reached, and
/// enough to re-check it (the sub-boxes of a split proof with the method that closed each and
/// the dimensions split above it, the counterexample with its exact rational form where Z3
/// produced it). `verify check` re-derives the question itself from the files and values the
/// certificate names (see ``CertificateChecker``); the copies of the box and unsafe set here
/// are for people and are only compared.
///
/// Numbers are written by ``JSONText`` with shortest round-trip digits, so a reader recovers
/// the same Doubles.
public enum CertificateRecord {
    /// - Parameter context: extra top-level fields (network file names and SHA-256
    ///   digests, the property file, the class and noise of a local query, ...).
    public static func object(query: SafetyQuery, result: QueryResult, context: [String: Any]) -> [String: Any] {
        var record = context
        record["verdict"] = result.verdict.label
        record["exact"] = result.exact
        record["seconds"] = result.seconds
        record["box"] = ["lower": query.box.lower, "upper": query.box.upper]
        record["unsafe_set"] = query.property.disjuncts.map { atoms in
            atoms.map { ["coefficients": $0.coefficients, "constant": $0.constant, "relation": "<= 0"] }
        }
        record["steps"] = result.steps.map { ["step": $0.name.rawValue, "seconds": $0.seconds, "decided": $0.decided] }
        let s = result.statistics
        record["statistics"] = [
            "nodes": s.nodes, "max_depth": s.maxDepth, "smt_leaves": s.smtLeaves, "smt_unsat": s.smtUnsat,
            "smt_sat": s.smtSat, "smt_unknown": s.smtUnknown, "smt_rlimit_count": s.smtResourceCount,
            "root_unstable_units": s.rootUnstableUnits,
            "dual_exclusions": s.dualExclusions, "lp_exclusions": s.lpExclusions,
            "escalated_attack_found": s.escalatedAttackFound, "plain_track_nodes": s.plainTrackNodes,
            "plain_track_found": s.plainTrackFound,
        ] as [String: Any]
        record["root_atom_lower_bounds"] = result.rootAtomLowerBounds.map { $0.isFinite ? $0 as Any : NSNull() }
        switch result.verdict {
        case .holds(let method):
            record["method"] = method.rawValue
            record["proof_leaves"] = result.leaves.map {
                ["lower": $0.lower, "upper": $0.upper, "depth": $0.depth, "method": $0.method.rawValue,
                 "path": $0.path] as [String: Any]
            }
            record["proof_leaves_truncated"] = result.leavesTruncated
        case .violated(let counterexample), .violatedUnconfirmed(let counterexample):
            record["counterexample"] = counterexampleObject(counterexample)
        case .unknown(let reason):
            record["reason"] = reason.description
        }
        return record
    }

    public static func counterexampleObject(_ counterexample: Counterexample) -> [String: Any] {
        var object: [String: Any] = [
            "input": counterexample.input,
            "outputs": counterexample.outputs,
            "float_violation_score": counterexample.floatScore,
            "confirmed_in_float": counterexample.isConfirmedInFloat,
            "confirmed": counterexample.isConfirmed,
            "check": counterexample.check.label,
            "float32_outputs": counterexample.float32Outputs,
            "float32_violation_score": counterexample.float32Score,
            "confirmed_in_float32": counterexample.isConfirmedInFloat32,
            "float32_float64_disagree": counterexample.precisionsDisagree,
            "source": counterexample.source.rawValue,
        ]
        if let exact = counterexample.exactInput { object["exact_input"] = exact }
        return object
    }

    /// Serialises a certificate (sorted keys, pretty-printed) for writing to a file, with the
    /// running tool's ``ToolVersion`` under `"tool"`.
    public static func data(_ object: [String: Any]) -> Data {
        var object = object
        object["tool"] = ToolVersion.current.jsonObject
        return Data((JSONText.encode(object, pretty: true) + "\n").utf8)
    }
}
