extension MixturePlots {
    /// A model-selection criterion (BIC, AIC, …) against the number of components: one line
    /// with markers per series (per covariance type, for instance), each series in its own
    /// colour and marker shape, and the lowest value of all ringed and named in the legend.
    ///
    /// Missing (`nil`), NaN and infinite values are skipped and break their line; isolated
    /// values still show as markers. The component counts need not be sorted.
    ///
    /// - Parameters:
    ///   - componentCounts: the numbers of components K the criterion was computed for.
    ///   - series: each series' name and its value at each of `componentCounts`.
    ///   - criterionName: the criterion's name, for the y axis and the legend; lower is better.
    ///   - title: the plot's title.
    ///   - width: the document width in pixels.
    ///   - height: the document height in pixels.
    /// - Precondition: every series has one value per component count.
    public static func criterion(
        componentCounts: [Int], series: [(name: String, values: [Double?])], criterionName: String = "BIC",
        title: String, width: Double = defaultWidth, height: Double = defaultHeight
    ) -> String {
        for entry in series {
            precondition(
                entry.values.count == componentCounts.count,
                "series \(entry.name) has \(entry.values.count) values for \(componentCounts.count) component counts")
        }
        let order = componentCounts.indices.sorted { componentCounts[$0] < componentCounts[$1] }
        let lines = series.map { entry in
            finiteRuns(order.map { DataPoint(x: Double(componentCounts[$0]), y: entry.values[$0] ?? .nan) })
        }
        let allPoints = lines.flatMap { $0.flatMap { $0 } }
        var best: (series: Int, point: DataPoint)?
        for (index, runs) in lines.enumerated() {
            for point in runs.joined() where point.y < (best?.point.y ?? .infinity) {
                best = (index, point)
            }
        }

        let countRange = DataRange.extent(of: componentCounts.map(Double.init)) ?? 1...2
        let xRange = (countRange.lowerBound - 0.4)...(countRange.upperBound + 0.4)
        let yRange = DataRange.padded(DataRange.extent(of: allPoints.map(\.y)) ?? 0...1, fraction: 0.08)
        var axes = PlotAxes(
            title: title, xTitle: "number of components", yTitle: criterionName, xRange: xRange, yRange: yRange,
            width: width, height: height)
        axes.clipPathID = "emkit-criterion-area"
        axes.xTicksAreIntegers = true
        func color(_ index: Int) -> PlotColor { PlotPalette.color(forCategory: index) }
        func shape(_ index: Int) -> MarkerShape { MarkerShape.seriesShapes[index % MarkerShape.seriesShapes.count] }
        axes.legendEntries = series.indices.map {
            LegendEntry(label: series[$0].name, symbol: .lineWithMarker(shape($0), color($0), width: 2))
        }
        if let best {
            axes.legendEntries.append(
                LegendEntry(
                    label: "lowest \(criterionName): \(series[best.series].name), K = \(Int(best.point.x))",
                    symbol: .marker(.ring, .black)))
        }
        axes.occupiedPaths = lines.flatMap { $0 }

        return axes.render { document, layout in
            for (index, runs) in lines.enumerated() {
                for run in runs {
                    document.addPolyline(run.map(layout.pixel), style: .stroked(color(index), width: 2))
                }
                for point in runs.joined() {
                    shape(index).draw(at: layout.pixel(point), size: 9, color: color(index), into: &document)
                }
            }
            if let best {
                MarkerShape.ring.draw(at: layout.pixel(best.point), size: 20, color: .black, into: &document)
            }
            if allPoints.isEmpty {
                PlotAxes.drawNote("no values", in: layout, into: &document)
            }
        }
    }
}
