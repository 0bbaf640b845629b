import Encoding
import Network

/// One query: does any input in `box` drive `network` into the unsafe set `property`?
///
/// Local robustness of class `c` around a noise is the query with the noise's eps-box and
/// ``OutputProperty/misclassification(outputCount:trueClass:)``; a VNN-LIB file becomes one
/// query per input region of its normal form.
public struct SafetyQuery: Sendable {
    public var network: NeuralNetwork
    public var box: Box
    public var property: OutputProperty

    public init(network: NeuralNetwork, box: Box, property: OutputProperty) {
        precondition(box.dimension == network.inputSize)
        precondition(property.outputCount == network.outputSize)
        self.network = network
        self.box = box
        self.property = property
    }

    /// The flattened atoms of all disjuncts as one bound specification, and for each
    /// disjunct the range of its rows.
    var specification: (LinearSpecification, rows: [Range<Int>]) {
        var coefficients: [[Double]] = []
        var constants: [Double] = []
        var rows: [Range<Int>] = []
        for atoms in property.disjuncts {
            let start = coefficients.count
            for atom in atoms {
                coefficients.append(atom.coefficients)
                constants.append(atom.constant)
            }
            rows.append(start..<coefficients.count)
        }
        return (LinearSpecification(coefficients: coefficients, constants: constants), rows)
    }
}
