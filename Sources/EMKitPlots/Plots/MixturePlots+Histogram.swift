import EMKit

extension MixturePlots {
    /// The number of points each density curve is evaluated at.
    static let curveResolution = 400

    /// A histogram of `values` scaled as a density, with each component's weighted density
    /// πₖ 𝒩(x | μₖ, σₖ²) as a coloured curve and the mixture density Σₖ πₖ 𝒩(x | μₖ, σₖ²) as a
    /// thick black curve; the legend reads "component k (π = 0.36)" and "mixture".
    ///
    /// The bins follow the Freedman–Diaconis rule with 10 to 80 bins (see `HistogramBins` for
    /// data recorded to a fixed resolution). NaN and infinite values are skipped; with no finite
    /// value the curves are drawn alone, over μₖ ± 3σₖ.
    ///
    /// - Parameters:
    ///   - values: the data.
    ///   - mixture: a one-dimensional mixture, or one whose marginal on `column` is drawn.
    ///   - title: the plot's title.
    ///   - xLabel: the x axis's title (the y axis shows "density").
    ///   - column: the mixture coordinate `values` are observations of; 0 for a 1-D mixture.
    ///   - width: the document width in pixels.
    ///   - height: the document height in pixels.
    /// - Precondition: `column` is a coordinate of `mixture`.
    public static func histogram(
        values: [Double], mixture: GaussianMixture, title: String, xLabel: String, column: Int = 0,
        width: Double = defaultWidth, height: Double = defaultHeight
    ) -> String {
        let components = mixture.univariateMarginal(column: column)
        let bins = HistogramBins.freedmanDiaconis(values)
        let xRange: ClosedRange<Double>
        if let bins {
            xRange = DataRange.padded(bins.start...bins.end, fraction: 0.02)
        } else {
            let lower = components.map { $0.mean - 3 * $0.standardDeviation }.min() ?? -1
            let upper = components.map { $0.mean + 3 * $0.standardDeviation }.max() ?? 1
            xRange = DataRange.padded(lower...upper, fraction: 0)
        }

        let curveX = (0..<curveResolution).map {
            xRange.lowerBound + (xRange.upperBound - xRange.lowerBound) * Double($0) / Double(curveResolution - 1)
        }
        let componentCurves = components.map { component in
            curveX.map { DataPoint(x: $0, y: component.weightedDensity(at: $0)) }
        }
        let mixtureCurve = curveX.indices.map { index in
            DataPoint(x: curveX[index], y: componentCurves.reduce(0) { $0 + $1[index].y })
        }
        let barDensities = bins?.densities ?? []
        let highest = max(barDensities.max() ?? 0, mixtureCurve.map(\.y).filter(\.isFinite).max() ?? 0)
        let yRange = 0...(highest > 0 ? highest * 1.06 : 1)

        var axes = PlotAxes(
            title: title, xTitle: xLabel, yTitle: "density", xRange: xRange, yRange: yRange, width: width, height: height)
        axes.clipPathID = "emkit-histogram-area"
        axes.legendEntries =
            components.indices.map { k in
                LegendEntry(
                    label: "component \(k + 1) (π = \(DecimalText.fixed(components[k].weight, decimals: 2)))",
                    symbol: .line(PlotPalette.color(forCategory: k), width: 2))
            } + [LegendEntry(label: "mixture", symbol: .line(.black, width: 3.5))]
        var bars: [[DataPoint]] = []
        if let bins {
            for (index, density) in barDensities.enumerated() where density > 0 {
                let left = bins.leftEdge(ofBin: index)
                let right = left + bins.width
                bars.append([
                    DataPoint(x: left, y: 0), DataPoint(x: left, y: density), DataPoint(x: right, y: density),
                    DataPoint(x: right, y: 0),
                ])
            }
        }
        axes.occupiedPaths = bars + componentCurves + [mixtureCurve]

        return axes.render { document, layout in
            for bar in bars {
                let topLeft = layout.pixel(bar[1])
                let bottomRight = layout.pixel(bar[3])
                document.addRectangle(
                    PixelRectangle(
                        x: topLeft.x, y: topLeft.y, width: bottomRight.x - topLeft.x, height: bottomRight.y - topLeft.y),
                    style: ShapeStyle(fill: .barGrey, stroke: .white, strokeWidth: 0.75))
            }
            // The mixture goes under the components: where one component carries all the density
            // the two curves coincide, and the component must stay visible.
            document.addPolyline(mixtureCurve.map(layout.pixel), style: .stroked(.black, width: 3.5))
            for (k, curve) in componentCurves.enumerated() {
                document.addPolyline(
                    curve.map(layout.pixel), style: .stroked(PlotPalette.color(forCategory: k), width: 2))
            }
            if bins == nil {
                PlotAxes.drawNote("no finite values", in: layout, into: &document)
            }
        }
    }
}
