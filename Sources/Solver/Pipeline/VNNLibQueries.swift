import Encoding
import Network

/// Turns a VNN-LIB property into ``SafetyQuery``s: one per distinct input box of its normal
/// form, each with the output conjunctions of the disjuncts that share that box. Boxes and
/// output atoms are the outward-rounded ENLARGEMENTS of the exact property
/// (``VNNLibProperty/inputRegions()``, ``VNNLibProperty/enlargedOutputAtom(_:)``): if no
/// query is violated the property holds; a violation of a query must be confirmed with
/// ``VNNLibProperty/confirmedViolation(network:candidate:)`` before it means `sat`.
public enum VNNLibQueries {
    public static func queries(for property: VNNLibProperty, network: NeuralNetwork) throws -> [SafetyQuery] {
        var order: [Box] = []
        var grouped: [[Double]: [[OutputAtom]]] = [:]
        for region in try property.inputRegions() {
            let box = try Box(lower: region.lower, upper: region.upper)
            let key = box.lower + box.upper
            var atoms: [OutputAtom] = []
            for atom in region.outputConstraints { atoms.append(try property.enlargedOutputAtom(atom)) }
            if grouped[key] == nil { order.append(box) }
            grouped[key, default: []].append(atoms)
        }
        return order.map { box in
            SafetyQuery(network: network, box: box,
                        property: OutputProperty(outputCount: property.outputCount, disjuncts: grouped[box.lower + box.upper]!))
        }
    }
}
