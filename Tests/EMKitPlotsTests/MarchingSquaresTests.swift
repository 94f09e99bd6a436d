import Testing

@testable import EMKitPlots

/// Contour lines by marching squares.
@Suite struct MarchingSquaresTests {
    @Test func tracesACircleAsOneClosedLine() throws {
        let grid = SampledGrid(xRange: -2...2, yRange: -2...2, columnCount: 81, rowCount: 81) { x, y in
            -(x * x + y * y)
        }
        let lines = MarchingSquares.contourLines(of: grid, level: -1)
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.first == line.last)
        #expect(line.count > 50)
        for point in line {
            let radius = (point.x * point.x + point.y * point.y).squareRoot()
            #expect(abs(radius - 1) < 0.01)
        }
    }

    @Test func leavesLinesOpenAtTheGridBorder() throws {
        let grid = SampledGrid(xRange: 0...1, yRange: 0...1, columnCount: 11, rowCount: 11) { x, _ in x }
        let lines = MarchingSquares.contourLines(of: grid, level: 0.55)
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.count == 11)
        #expect(line.first != line.last)
        #expect(line.allSatisfy { abs($0.x - 0.55) < 1e-12 })
    }

    @Test func separatesTwoPeaksAboveTheSaddleAndJoinsThemBelow() {
        let grid = SampledGrid(xRange: -3.5...3.5, yRange: -2...2, columnCount: 71, rowCount: 41) { x, y in
            let left = (x + 1.5) * (x + 1.5) + y * y
            let right = (x - 1.5) * (x - 1.5) + y * y
            return max(1 - left, 1 - right)
        }
        #expect(MarchingSquares.contourLines(of: grid, level: 0.5).count == 2)
        #expect(MarchingSquares.contourLines(of: grid, level: -2).count == 1)
        #expect(MarchingSquares.contourLines(of: grid, level: 2).isEmpty)
    }

    @Test func spacesLevelsGeometrically() throws {
        let levels = ContourLevels.geometric(for: [0, 1, 2, 4, 8, 16], count: 4, lowQuantile: 0)
        #expect(levels.count == 4)
        let ratios = zip(levels.dropFirst(), levels).map { $0 / $1 }
        for ratio in ratios { #expect(abs(ratio - ratios[0]) < 1e-12) }
        let top = try #require(levels.last)
        #expect(top < 16 && abs(top * ratios[0] - 16) < 1e-9)
        #expect(ContourLevels.geometric(for: [0, 0, .nan], count: 4, lowQuantile: 0.5).isEmpty)
    }
}
