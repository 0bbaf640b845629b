import Encoding

extension InputSplitSearch {
    /// The search's open nodes: the main depth-first stack, the exact leaves put off until
    /// it is empty, and the plain track's stack (``SearchSettings/plainTrackPeriod``).
    struct SearchStacks {
        var main: [Node]
        /// Exact leaves wait until every sub-box that bounds, attacks and splits can handle is
        /// done: a Z3 leaf can take seconds, and on a violated query a node attack elsewhere
        /// usually ends the search first. The verdict does not depend on the order.
        var deferred: [Node] = []
        /// The plain track: its own stack, started from the root once the main search has
        /// handled ``AttackSettings/escalateAfterNodes`` nodes.
        var plain: [Node] = []
        var plainStarted = false
        var batchesSincePlainStart = 0

        init(root: Node) { main = [root] }

        /// Pushes each batch node's halves, the first node's last, so that its first half
        /// is searched next.
        mutating func push(_ children: [[Node]], onPlainTrack: Bool) {
            for pair in children.reversed() {
                if onPlainTrack { plain.append(pair[1]); plain.append(pair[0]) }
                else { main.append(pair[1]); main.append(pair[0]) }
            }
        }
    }

    /// The next batch of up to ``SearchSettings/searchBatch`` nodes and whether it is the plain
    /// track's (every ``SearchSettings/plainTrackPeriod``-th batch once that track started);
    /// nil when no node is left. The deferred exact leaves become the main stack when it is
    /// empty.
    func nextBatch(_ stacks: inout SearchStacks) -> (batch: [Node], onPlainTrack: Bool)? {
        if !stacks.plainStarted, configuration.search.plainTrackPeriod > 0, configuration.search.useSplit,
           statistics.nodes >= configuration.attack.escalateAfterNodes {
            stacks.plainStarted = true
            stacks.plain = [Node(box: query.box, open: Array(rows.indices), depth: 0, enclosing: nil)]
        }
        var onPlainTrack = false
        if stacks.plainStarted {
            stacks.batchesSincePlainStart += 1
            onPlainTrack = !stacks.plain.isEmpty && stacks.batchesSincePlainStart % configuration.search.plainTrackPeriod == 0
        }
        let batchSize = max(configuration.search.searchBatch, 1)
        var batch: [Node] = []
        while batch.count < batchSize {
            if onPlainTrack {
                guard let node = stacks.plain.popLast() else { break }
                batch.append(node)
                continue
            }
            if let node = stacks.main.popLast() { batch.append(node); continue }
            guard batch.isEmpty, !stacks.deferred.isEmpty else { break }
            stacks.main = stacks.deferred.reversed()
            stacks.deferred = []
        }
        return batch.isEmpty ? nil : (batch, onPlainTrack)
    }
}
