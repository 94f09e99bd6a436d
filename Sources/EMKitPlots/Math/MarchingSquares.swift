/// Contour lines of a sampled function by marching squares: each grid cell whose corners lie on
/// both sides of the level contributes one segment (two for a saddle), with end points placed on
/// the cell edges by linear interpolation; segments sharing an edge are then joined into polylines.
enum MarchingSquares {
    /// The contour lines of `grid` at `level`, as polylines in the grid's coordinates. A closed
    /// line ends with its first point repeated. Nodes with a value ≥ `level` count as inside;
    /// NaN counts as outside.
    static func contourLines(of grid: SampledGrid, level: Double) -> [[DataPoint]] {
        let segments = cellSegments(of: grid, level: level)
        return joined(segments).map { keys in keys.map { crossing(onEdge: $0, of: grid, level: level) } }
    }

    /// An edge between two neighbouring grid nodes, identified by its lower-left node and direction.
    struct Edge: Hashable {
        /// The column of the edge's left or lower node.
        let column: Int
        /// The row of the edge's left or lower node.
        let row: Int
        /// Whether the edge runs along x (else along y).
        let isHorizontal: Bool
    }

    /// The segments of every cell, each joining two crossed edges.
    static func cellSegments(of grid: SampledGrid, level: Double) -> [(Edge, Edge)] {
        var segments: [(Edge, Edge)] = []
        for row in 0..<(grid.rowCount - 1) {
            for column in 0..<(grid.columnCount - 1) {
                let lowerLeft = grid[column, row] >= level
                let lowerRight = grid[column + 1, row] >= level
                let upperRight = grid[column + 1, row + 1] >= level
                let upperLeft = grid[column, row + 1] >= level
                let bottom = Edge(column: column, row: row, isHorizontal: true)
                let top = Edge(column: column, row: row + 1, isHorizontal: true)
                let left = Edge(column: column, row: row, isHorizontal: false)
                let right = Edge(column: column + 1, row: row, isHorizontal: false)
                var crossed: [Edge] = []
                if lowerLeft != lowerRight { crossed.append(bottom) }
                if lowerRight != upperRight { crossed.append(right) }
                if upperRight != upperLeft { crossed.append(top) }
                if upperLeft != lowerLeft { crossed.append(left) }
                if crossed.count == 2 {
                    segments.append((crossed[0], crossed[1]))
                } else if crossed.count == 4 {
                    // A saddle: the cell centre's value decides which corners the inside connects.
                    let center =
                        (grid[column, row] + grid[column + 1, row] + grid[column + 1, row + 1] + grid[column, row + 1]) / 4
                    if (center >= level) == lowerLeft {
                        segments.append((bottom, right))
                        segments.append((top, left))
                    } else {
                        segments.append((left, bottom))
                        segments.append((right, top))
                    }
                }
            }
        }
        return segments
    }

    /// The segments joined end to end into chains of edges. Every edge belongs to at most two
    /// cells, so each chain is unambiguous; a closed chain repeats its first edge at the end.
    static func joined(_ segments: [(Edge, Edge)]) -> [[Edge]] {
        var segmentsAtEdge: [Edge: [Int]] = [:]
        for (index, segment) in segments.enumerated() {
            segmentsAtEdge[segment.0, default: []].append(index)
            segmentsAtEdge[segment.1, default: []].append(index)
        }
        var used = Array(repeating: false, count: segments.count)
        /// Follows unused segments onward from `edge`, appending the edges they reach.
        func extend(_ chain: inout [Edge], from edge: Edge) {
            var current = edge
            while let next = segmentsAtEdge[current]?.first(where: { !used[$0] }) {
                used[next] = true
                let segment = segments[next]
                current = segment.0 == current ? segment.1 : segment.0
                chain.append(current)
            }
        }
        var chains: [[Edge]] = []
        for index in segments.indices where !used[index] {
            used[index] = true
            var forward = [segments[index].0, segments[index].1]
            extend(&forward, from: segments[index].1)
            if forward.first != forward.last {
                var backward: [Edge] = []
                extend(&backward, from: segments[index].0)
                forward = backward.reversed() + forward
            }
            chains.append(forward)
        }
        return chains
    }

    /// Where the contour crosses `edge`: linear interpolation between the edge's two nodes.
    static func crossing(onEdge edge: Edge, of grid: SampledGrid, level: Double) -> DataPoint {
        let endColumn = edge.isHorizontal ? edge.column + 1 : edge.column
        let endRow = edge.isHorizontal ? edge.row : edge.row + 1
        let startValue = grid[edge.column, edge.row]
        let endValue = grid[endColumn, endRow]
        var t = (level - startValue) / (endValue - startValue)
        if !t.isFinite { t = 0.5 }
        t = min(1, max(0, t))
        let x0 = grid.x(edge.column)
        let y0 = grid.y(edge.row)
        return DataPoint(x: x0 + t * (grid.x(endColumn) - x0), y: y0 + t * (grid.y(endRow) - y0))
    }
}
