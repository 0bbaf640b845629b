import Foundation
import Support
import XCTest
import Encoding
import Network
@testable import Solver

/// Certificates are written and read by the same `Codable` types (``Certificate``). The
/// bytes are pinned: `verify check` and people's scripts read files written by earlier builds.
final class CertificateCodingTests: XCTestCase {
    /// `y0 = x, y1 = -x`; class 0 on `[0.25, 0.75]` (`y0 - y1 = 2x > 0`).
    func lineQuery() throws -> SafetyQuery {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 2, weights: [1, -1], bias: [0, 0])),
        ])
        return SafetyQuery(network: network, box: try Box.linf(center: [0.5], radius: 0.25),
                           property: .misclassification(outputCount: 2, trueClass: 0))
    }

    /// A split proof with fixed timings, so the text is reproducible.
    func splitResult() -> QueryResult {
        var statistics = QueryStatistics()
        statistics.nodes = 3
        statistics.maxDepth = 1
        return QueryResult(
            verdict: .holds(.split),
            steps: [StepRecord(name: .center, seconds: 0.5, decided: false), StepRecord(name: .split, seconds: 0.25, decided: true)],
            leaves: [ClosedLeaf(lower: [0.25], upper: [0.5], depth: 1, method: .bounds, path: [0]),
                     ClosedLeaf(lower: [0.5], upper: [0.75], depth: 1, method: .smt, path: [0])],
            leavesTruncated: false, statistics: statistics, exact: true, rootAtomLowerBounds: [-.infinity], seconds: 1)
    }

    static let tool = ToolVersion(version: "0.15.0", commit: nil, z3: "4.8.12.0")

    /// The text of a local split-proof certificate, key for key as `verify local --json`
    /// wrote it before the certificate types existed (sorted keys, JSONText's numbers,
    /// `null` for the infinite root bound and the unknown commit), plus `"format": 1`.
    func testLocalCertificateTextIsPinned() throws {
        let query = try lineQuery()
        let certificate = Certificate.local(LocalCertificate(
            trueClass: 0, eps: 0.25, center: [0.5], adapter: Adapter(scale: [2], shift: [0, 1]),
            files: CertifiedFiles([.model: .init(path: "line.json", sha256: "ab12")]),
            query: QueryCertificate(query: query, result: splitResult())))
        let text = String(decoding: try certificate.data(tool: Self.tool), as: UTF8.self)
        let expected = """
        {
          "adapter": {
            "scale": 2.0,
            "shift": [0.0, 1.0]
          },
          "box": {
            "lower": [0.25],
            "upper": [0.75]
          },
          "center": [0.5],
          "class": 0,
          "eps": 0.25,
          "exact": true,
          "format": 1,
          "kind": "local-robustness",
          "method": "split",
          "model": "line.json",
          "model_sha256": "ab12",
          "proof_leaves": [
            {
              "depth": 1,
              "lower": [0.25],
              "method": "bounds",
              "path": [0],
              "upper": [0.5]
            },
            {
              "depth": 1,
              "lower": [0.5],
              "method": "smt",
              "path": [0],
              "upper": [0.75]
            }
          ],
          "proof_leaves_truncated": false,
          "root_atom_lower_bounds": [null],
          "seconds": 1.0,
          "statistics": {
            "dual_exclusions": 0,
            "escalated_attack_found": false,
            "lp_exclusions": 0,
            "max_depth": 1,
            "nodes": 3,
            "plain_track_found": false,
            "plain_track_nodes": 0,
            "root_unstable_units": 0,
            "smt_leaves": 0,
            "smt_rlimit_count": 0.0,
            "smt_sat": 0,
            "smt_unknown": 0,
            "smt_unsat": 0
          },
          "steps": [
            {
              "decided": false,
              "seconds": 0.5,
              "step": "center"
            },
            {
              "decided": true,
              "seconds": 0.25,
              "step": "split"
            }
          ],
          "tool": {
            "commit": null,
            "version": "0.15.0",
            "z3": "4.8.12.0"
          },
          "unsafe_set": [
            [
              {
                "coefficients": [1.0, -1.0],
                "constant": 0.0,
                "relation": "<= 0"
              }
            ]
          ],
          "verdict": "holds"
        }

        """
        XCTAssertEqual(text, expected)
    }

    /// What is written reads back as the same value, and writes the same bytes again.
    func testCertificatesRoundTrip() throws {
        let query = try lineQuery()
        var unknown = splitResult()
        unknown.verdict = .unknown(reason: .nodeBudget(nodes: 3))
        let local = Certificate.local(LocalCertificate(
            trueClass: 0, eps: 0.25, center: [0.5], adapter: nil,
            files: CertifiedFiles([.classifier: .init(path: "c.onnx", sha256: "01"), .generator: .init(path: "g.onnx", sha256: "02")]),
            query: QueryCertificate(query: query, result: unknown)))
        let vnnlib = Certificate.vnnlib(VNNLibCertificate(
            answer: .timeout, queries: [QueryCertificate(query: query, result: splitResult()), QueryCertificate(query: query, result: unknown)],
            files: CertifiedFiles([.model: .init(path: "m.onnx", sha256: "03"), .property: .init(path: "p.vnnlib", sha256: "04")])))
        for certificate in [local, vnnlib] {
            let data = try certificate.data(tool: Self.tool)
            XCTAssertEqual((try JSONText.parse(data) as? [String: Any])?["format"] as? Double, 1, "every certificate names its format")
            let read = try Certificate.read(data, file: "cert.json")
            XCTAssertEqual(try read.data(tool: Self.tool), data)
            XCTAssertEqual(read.tool, Self.tool)
        }
        guard case .local(let read) = try Certificate.read(try local.data(tool: Self.tool), file: "cert.json") else {
            return XCTFail("a local certificate read as VNN-LIB")
        }
        XCTAssertEqual(read.query.reason, "node budget (3) exhausted")
        XCTAssertEqual(read.query.verdict, .unknown)
        XCTAssertEqual(read.files.files[.generator]?.path, "g.onnx")
    }

    /// A malformed field is an input error naming the file, the field's place and the fix.
    func testMalformedFieldsNameTheirPlace() throws {
        let cases: [(String, String)] = [
            (#"{"class": 0, "eps": "wide", "center": [0.5]}"#, "cert.json: eps: expected a number, found a string; give a certificate"),
            (#"{"class": 0.5, "eps": 0.1, "center": [0.5]}"#, "cert.json: class: expected an integer, found a number;"),
            (#"{"eps": 0.1, "center": [0.5]}"#, "cert.json: class: missing;"),
            (#"{"class": 0, "eps": 0.1, "center": [0.5], "proof_leaves": [{"lower": [0], "upper": "x", "method": "bounds"}]}"#,
             "cert.json: proof_leaves[0].upper: expected a list, found a string;"),
            (#"{"kind": "vnnlib", "answer": "maybe", "queries": []}"#, "cert.json: answer: "),
            (#"{"queries": [{"verdict": "holds", "box": {"lower": [0]}}], "answer": "unsat"}"#, "cert.json: queries[0].box.upper: missing;"),
            (#"{"class": 0, "eps": 0.1, "center": [0.5], "adapter": {"scale": "zero", "shift": 0}}"#,
             "cert.json: adapter.scale: expected a number or a list of numbers;"),
            (#"{"format": 6, "class": 0}"#, "cert.json: format: certificate format 6 is not one this build reads (1, 2, 3, 4 or 5);"),
            (#"{"format": "1", "class": 0}"#, "cert.json: format: certificate format \"1\" is not one this build reads"),
            (#"[1, 2]"#, "cert.json: top level: not a JSON object;"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try Certificate.read(Data(text.utf8), file: "cert.json"), text) { error in
                XCTAssertTrue("\(error)".hasPrefix(message), "\(error)\nexpected: \(message)")
                XCTAssertFalse("\(error)".contains("\n"), "\(error)")
            }
        }
    }

    /// Certificates of earlier builds lack fields added since (the tool stamp, leaf paths,
    /// the float32 re-run, newer statistics): they still read, with those fields absent.
    func testEarlierLayoutWithoutNewerFieldsReads() throws {
        let text = #"""
        {"box": {"lower": [0.25], "upper": [0.75]}, "center": [0.5], "class": 0, "eps": 0.25, "exact": true,
         "kind": "local-robustness", "method": "split", "model": "line.json", "model_sha256": "ab12",
         "proof_leaves": [{"depth": 1, "lower": [0.25], "method": "bounds", "upper": [0.5]}],
         "seconds": 1.0, "statistics": {"nodes": 3, "max_depth": 1}, "steps": [],
         "unsafe_set": [[{"coefficients": [1.0, -1.0], "constant": 0.0, "relation": "<= 0"}]], "verdict": "holds"}
        """#
        guard case .local(let certificate) = try Certificate.read(Data(text.utf8), file: "old.json") else {
            return XCTFail("read as VNN-LIB")
        }
        XCTAssertNil(certificate.tool)
        XCTAssertNil(certificate.query.proofLeaves?.first?.path)
        XCTAssertEqual(certificate.query.statistics?.nodes, 3)
        XCTAssertNil(certificate.query.statistics?.plainTrackNodes)
        XCTAssertEqual(certificate.query.unsafeSet?.first?.first?.atom, OutputAtom(coefficients: [1, -1], constant: 0))
    }
}
