import EMKit

extension MixturePlots {
    /// The number of grid nodes along each axis on which the density is sampled for contours.
    static let contourGridSize = 120
    /// The number of contour levels.
    static let contourLevelCount = 7

    /// A scatter plot of two coordinates of `points`, coloured by `labels`, with contour lines of
    /// the mixture density (its marginal on those coordinates) and the component means as crosses.
    ///
    /// The density is sampled on a 120 × 120 grid over the plot area and contoured by marching
    /// squares at 7 levels spaced geometrically from the grid's median density to its maximum;
    /// darker lines are higher densities. Points with a NaN or infinite coordinate are skipped.
    /// The legend has one entry per distinct label, then "mixture density" and "component mean".
    ///
    /// - Parameters:
    ///   - points: the samples, one per row, with the mixture's dimension.
    ///   - labels: each sample's cluster (from 0; a negative label draws the point grey, as
    ///     "unassigned"), e.g. from `GaussianMixture.predict`.
    ///   - mixture: the mixture; for more than two dimensions its marginal on `columns` is drawn.
    ///   - title: the plot's title.
    ///   - xLabel: the x axis's title.
    ///   - yLabel: the y axis's title.
    ///   - columns: the coordinates on the x and y axes.
    ///   - labelNames: the legend's name for each label; "cluster k" (k = label + 1) when `nil`
    ///     or too short.
    ///   - width: the document width in pixels.
    ///   - height: the document height in pixels.
    /// - Precondition: `points` has `mixture.dimension` columns, `labels` one entry per point, and
    ///   `columns` are two distinct coordinates.
    public static func scatter(
        points: Matrix, labels: [Int], mixture: GaussianMixture, title: String, xLabel: String, yLabel: String,
        columns: (Int, Int) = (0, 1), labelNames: [String]? = nil,
        width: Double = defaultWidth, height: Double = defaultHeight
    ) -> String {
        precondition(
            points.columnCount == mixture.dimension,
            "the points have \(points.columnCount) columns but the mixture has dimension \(mixture.dimension)")
        precondition(labels.count == points.rowCount, "\(labels.count) labels for \(points.rowCount) points")
        let components = mixture.bivariateMarginal(columns: columns)
        let samples = (0..<points.rowCount).compactMap { row -> (point: DataPoint, label: Int)? in
            let point = DataPoint(x: points[row, columns.0], y: points[row, columns.1])
            return point.isFinite ? (point, labels[row]) : nil
        }
        let means = components.map(\.mean)

        // The axes show every point and every mean; without points, each component's mean ± 3σ.
        var xValues = samples.map(\.point.x) + means.map(\.x)
        var yValues = samples.map(\.point.y) + means.map(\.y)
        if samples.isEmpty {
            for component in components {
                let spread = (x: 3 * component.variances.x.squareRoot(), y: 3 * component.variances.y.squareRoot())
                xValues += [component.mean.x - spread.x, component.mean.x + spread.x]
                yValues += [component.mean.y - spread.y, component.mean.y + spread.y]
            }
        }
        let xRange = DataRange.padded(DataRange.extent(of: xValues) ?? -1...1)
        let yRange = DataRange.padded(DataRange.extent(of: yValues) ?? -1...1)

        let grid = SampledGrid(
            xRange: xRange, yRange: yRange, columnCount: contourGridSize, rowCount: contourGridSize
        ) { x, y in
            components.reduce(0) { $0 + $1.weightedDensity(x: x, y: y) }
        }
        let levels = ContourLevels.geometric(for: grid.values, count: contourLevelCount, lowQuantile: 0.5)
        let contours = levels.map { MarchingSquares.contourLines(of: grid, level: $0) }

        let distinctLabels = Array(Set(samples.map(\.label))).sorted { a, b in
            (a < 0) == (b < 0) ? a < b : b < 0
        }
        func name(of label: Int) -> String {
            if label < 0 { return "unassigned" }
            if let labelNames, label < labelNames.count { return labelNames[label] }
            return "cluster \(label + 1)"
        }

        var axes = PlotAxes(
            title: title, xTitle: xLabel, yTitle: yLabel, xRange: xRange, yRange: yRange, width: width, height: height)
        axes.clipPathID = "emkit-scatter-area"
        axes.legendEntries =
            distinctLabels.map {
                LegendEntry(label: name(of: $0), symbol: .marker(.circle, PlotPalette.color(forCategory: $0)))
            } + [
                LegendEntry(label: "mixture density", symbol: .line(.ink, width: 1.2)),
                LegendEntry(label: "component mean", symbol: .marker(.cross, .black)),
            ]
        axes.occupiedPaths = samples.map { [$0.point] } + contours.flatMap { $0 } + means.map { [$0] }

        return axes.render { document, layout in
            for sample in samples {
                document.addCircle(
                    center: layout.pixel(sample.point), radius: 3,
                    style: .filled(PlotPalette.color(forCategory: sample.label), opacity: 0.7))
            }
            for (index, lines) in contours.enumerated() {
                let strength = Double(index + 1) / Double(max(1, contours.count))
                var path = SVGPath()
                for line in lines {
                    let closed = line.count > 2 && line.first == line.last
                    path.addPolyline((closed ? Array(line.dropLast()) : line).map(layout.pixel), closed: closed)
                }
                document.addPath(path, style: .stroked(.ink, width: 1.2, opacity: 0.3 + 0.6 * strength))
            }
            for mean in means {
                MarkerShape.cross.draw(at: layout.pixel(mean), size: 13, color: .black, into: &document)
            }
            if samples.isEmpty {
                PlotAxes.drawNote("no finite points", in: layout, into: &document)
            }
        }
    }
}
