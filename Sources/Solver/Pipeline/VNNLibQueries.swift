import Encoding
import Network

/// Turns a VNN-LIB property into ``SafetyQuery``s: one per distinct input box of its normal
/// form, each with the output conjunctions of the disjuncts that share that box. The
/// property is violated iff some query is.
public enum VNNLibQueries {
    public static func queries(for property: VNNLibProperty, network: NeuralNetwork) throws -> [SafetyQuery] {
        var order: [Box] = []
        var grouped: [[Double]: [[OutputAtom]]] = [:]
        for region in try property.inputRegions() {
            let box = try Box(lower: region.lower, upper: region.upper)
            let key = box.lower + box.upper
            let atoms = region.outputConstraints.map {
                OutputAtom(coefficients: $0.denseOutputCoefficients(count: property.outputCount), constant: $0.constant)
            }
            if grouped[key] == nil { order.append(box) }
            grouped[key, default: []].append(atoms)
        }
        return order.map { box in
            SafetyQuery(network: network, box: box,
                        property: OutputProperty(outputCount: property.outputCount, disjuncts: grouped[box.lower + box.upper]!))
        }
    }
}
