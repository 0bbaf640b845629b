// The one-line error for a results-file record that does not decode, naming the field.

import Foundation
import Solver

extension ResultsFile {
    /// The words a typed field of a record may hold, by the field's JSON key.
    static let recordWords: [String: (kind: String, words: [String])] = [
        "step": ("a pipeline step", PipelineStep.allCases.map(\.rawValue)),
        "decided_by": ("a pipeline step", PipelineStep.allCases.map(\.rawValue)),
        "source": ("a counterexample source", CounterexampleSource.allCases.map(\.rawValue)),
        "method": ("a method", SampleMethod.allCases.map(\.rawValue)),
        "verdict": ("a verdict", SampleVerdict.allCases.map(\.rawValue)),
    ]

    /// Where and what is wrong in record line `line` that failed to decode with `error`:
    /// `("line 7, field steps[0].step", "is \"zzz\", not a pipeline step (center, ...)")` for
    /// a word no build writes, the field and the decoder's words for other damage, and the
    /// whole line when the decoder names no field.
    static func recordProblem(_ error: Error, line: Data, number: Int) -> (place: String, problem: String) {
        let path: [CodingKey]
        switch error as? DecodingError {
        case .dataCorrupted(let context)?, .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            path = context.codingPath
        case .keyNotFound(let key, let context)?:
            path = context.codingPath + [key]
        default:
            path = []
        }
        guard let last = path.last else {
            return ("line \(number)", "is not a valid sample record (corrupt file)")
        }
        let place = "line \(number), field \(fieldName(path))"
        if case .keyNotFound? = error as? DecodingError { return (place, "is missing") }
        let value = (try? JSONSerialization.jsonObject(with: line)).flatMap { valueAt(path, in: $0) }
        if let text = value as? String, let known = recordWords[last.stringValue] {
            return (place, "is \"\(text)\", not \(known.kind) (\(known.words.joined(separator: ", ")))")
        }
        return (place, "has an invalid value (corrupt file)")
    }

    /// `steps[0].step` for the coding path `steps`, index 0, `step`.
    static func fieldName(_ path: [CodingKey]) -> String {
        var name = ""
        for key in path {
            if let index = key.intValue { name += "[\(index)]" } else { name += (name.isEmpty ? "" : ".") + key.stringValue }
        }
        return name
    }

    /// The JSON value at `path` inside a parsed JSON object.
    static func valueAt(_ path: [CodingKey], in object: Any) -> Any? {
        var current: Any? = object
        for key in path {
            if let index = key.intValue {
                guard let array = current as? [Any], array.indices.contains(index) else { return nil }
                current = array[index]
            } else {
                current = (current as? [String: Any])?[key.stringValue]
            }
        }
        return current
    }
}
