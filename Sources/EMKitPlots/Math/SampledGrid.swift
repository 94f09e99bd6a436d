/// A function of two variables sampled on a regular grid of `columnCount` × `rowCount` nodes
/// spanning `xRange` × `yRange` (the corners are nodes).
struct SampledGrid: Sendable {
    /// The x range the grid spans.
    let xRange: ClosedRange<Double>
    /// The y range the grid spans.
    let yRange: ClosedRange<Double>
    /// The number of nodes along x, at least 2.
    let columnCount: Int
    /// The number of nodes along y, at least 2.
    let rowCount: Int
    /// The sampled values, row after row: node (`column`, `row`) is at `row · columnCount + column`.
    let values: [Double]

    /// Samples `function` at every node.
    ///
    /// - Precondition: at least 2 nodes each way.
    init(
        xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, columnCount: Int, rowCount: Int,
        function: (_ x: Double, _ y: Double) -> Double
    ) {
        precondition(columnCount >= 2 && rowCount >= 2, "a grid needs at least 2 × 2 nodes")
        self.xRange = xRange
        self.yRange = yRange
        self.columnCount = columnCount
        self.rowCount = rowCount
        var values: [Double] = []
        values.reserveCapacity(columnCount * rowCount)
        for row in 0..<rowCount {
            let y = Self.coordinate(row, of: rowCount, in: yRange)
            for column in 0..<columnCount {
                values.append(function(Self.coordinate(column, of: columnCount, in: xRange), y))
            }
        }
        self.values = values
    }

    /// The value at node (`column`, `row`).
    subscript(column: Int, row: Int) -> Double { values[row * columnCount + column] }

    /// The x coordinate of node column `column`.
    func x(_ column: Int) -> Double { Self.coordinate(column, of: columnCount, in: xRange) }

    /// The y coordinate of node row `row`.
    func y(_ row: Int) -> Double { Self.coordinate(row, of: rowCount, in: yRange) }

    /// The coordinate of node `index` of `count` evenly spaced over `range`.
    private static func coordinate(_ index: Int, of count: Int, in range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * Double(index) / Double(count - 1)
    }
}
