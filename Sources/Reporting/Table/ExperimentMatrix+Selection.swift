// Choosing some rows and columns of an experiment matrix (one cell per machine, a few rows).

import Sampling

extension ExperimentMatrix {
    /// The sub-matrix of the classifiers named in `rows` and the generator families named in
    /// `columns`, in the file's order (an empty list keeps them all; a name given twice counts
    /// once). Everything else is kept: the file, the test set, and each kept cell's experiment,
    /// so a cell's identity, and with it its results file, is the same as in the whole matrix
    /// (cells run on different machines come together in one directory for the full table).
    /// Throws, naming the option and the valid names, for a name that is not in the matrix.
    public func selecting(rows: [String], columns: [String]) throws -> ExperimentMatrix {
        func kept(_ names: [String], _ wanted: [String], option: String, what: String) throws -> [Int] {
            for name in wanted where !names.contains(name) {
                throw ExperimentError.invalidExperiment(
                    file: file, place: "\(option) \"\(name)\"", problem: "is not a \(what) of the matrix",
                    fix: "use one of: \(names.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            return names.indices.filter { wanted.isEmpty || wanted.contains(names[$0]) }
        }
        let keptRows = try kept(classifiers.map(\.name), rows, option: "--row", what: "classifier (row)")
        let keptColumns = try kept(families.map(\.name), columns, option: "--column", what: "generator family (column)")
        var selected = self
        selected.classifiers = keptRows.map { classifiers[$0] }
        selected.families = keptColumns.map { families[$0] }
        selected.cells = keptRows.map { row in keptColumns.map { cells[row][$0] } }
        return selected
    }
}
