/// How well a clustering agrees with known classes.
public enum ClusterAgreement {
    /// The adjusted Rand index of two labelings of the same samples (Hubert & Arabie 1985):
    /// 1 for identical partitions (whatever the label names), about 0 for independent ones.
    ///
    /// - Precondition: both arrays have the same length; labels are non-negative.
    public static func adjustedRandIndex(_ a: [Int], _ b: [Int]) -> Double {
        precondition(a.count == b.count, "labelings must have the same length")
        let n = a.count
        guard n > 1 else { return 1 }
        let table = contingency(a, b)
        func pairs(_ x: Int) -> Double { Double(x) * Double(x - 1) / 2 }
        let index = table.joined().reduce(0) { $0 + pairs($1) }
        let rows = table.map { $0.reduce(0, +) }.reduce(0) { $0 + pairs($1) }
        let columnCount = table.first?.count ?? 0
        let columns = (0..<columnCount).map { j in table.reduce(0) { $0 + $1[j] } }.reduce(0) { $0 + pairs($1) }
        let expected = rows * columns / pairs(n)
        let maximum = (rows + columns) / 2
        if maximum == expected { return 1 }
        return (index - expected) / (maximum - expected)
    }

    /// The counts `table[i][j]` of samples with label `i` in `a` and `j` in `b`.
    public static func contingency(_ a: [Int], _ b: [Int]) -> [[Int]] {
        let rows = (a.max() ?? -1) + 1
        let columns = (b.max() ?? -1) + 1
        var table = Array(repeating: Array(repeating: 0, count: columns), count: rows)
        for (x, y) in zip(a, b) { table[x][y] += 1 }
        return table
    }

    /// The fraction of samples whose predicted label maps to their true class under the best
    /// one-to-one mapping of labels to classes, and that mapping (`mapping[label] = class`).
    /// Exhaustive over mappings for up to 8 labels; greedy beyond.
    public static func accuracy(predicted: [Int], truth: [Int]) -> (accuracy: Double, mapping: [Int]) {
        let table = contingency(predicted, truth)
        let labels = table.count
        let classes = table.first?.count ?? 0
        guard labels > 0, classes > 0 else { return (0, []) }
        var best: (Int, [Int]) = (-1, [])
        if labels <= 8 && classes <= 8 {
            // Every injective mapping of labels to classes (−1 = unmatched when labels > classes).
            func search(_ label: Int, _ used: Set<Int>, _ mapping: [Int], _ matched: Int) {
                if label == labels {
                    if matched > best.0 { best = (matched, mapping) }
                    return
                }
                for c in 0..<classes where !used.contains(c) {
                    search(label + 1, used.union([c]), mapping + [c], matched + table[label][c])
                }
                if labels - label > classes - used.count { search(label + 1, used, mapping + [-1], matched) }
            }
            search(0, [], [], 0)
        } else {
            var mapping = Array(repeating: -1, count: labels)
            var used = Set<Int>()
            var matched = 0
            let cells = (0..<labels).flatMap { i in (0..<classes).map { (i, $0) } }.sorted { table[$0.0][$0.1] > table[$1.0][$1.1] }
            for (i, j) in cells where mapping[i] == -1 && !used.contains(j) {
                mapping[i] = j
                used.insert(j)
                matched += table[i][j]
            }
            best = (matched, mapping)
        }
        return (Double(best.0) / Double(predicted.count), best.1)
    }
}
