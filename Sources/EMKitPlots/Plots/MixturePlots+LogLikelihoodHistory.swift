extension MixturePlots {
    /// The mean log-likelihood after each EM iteration (`EMResult.history`): a line with a
    /// marker per iteration, x = iteration (from 0, the initial parameters), y = mean
    /// log-likelihood in nats. NaN and infinite values are skipped, breaking the line; an empty
    /// history gives an empty frame saying "no iterations".
    ///
    /// Markers shrink for long histories and are left out beyond 200 iterations, where they
    /// would merge into the line.
    ///
    /// - Parameters:
    ///   - history: the mean log-likelihood after 0, 1, 2, … M-steps.
    ///   - title: the plot's title.
    ///   - width: the document width in pixels.
    ///   - height: the document height in pixels.
    public static func logLikelihoodHistory(
        history: [Double], title: String, width: Double = defaultWidth, height: Double = defaultHeight
    ) -> String {
        let runs = finiteRuns(history.enumerated().map { DataPoint(x: Double($0.offset), y: $0.element) })
        let finite = runs.flatMap { $0 }
        // A single iteration (or none) is centred rather than pinned to the left edge.
        let xRange = history.count > 1 ? DataRange.padded(0...Double(history.count - 1), fraction: 0.04) : -0.5...0.5
        let yRange = DataRange.padded(DataRange.extent(of: finite.map(\.y)) ?? 0...1, fraction: 0.08)
        var axes = PlotAxes(
            title: title, xTitle: "iteration", yTitle: "mean log-likelihood (nats)", xRange: xRange, yRange: yRange,
            width: width, height: height)
        axes.clipPathID = "emkit-history-area"
        axes.xTicksAreIntegers = true
        let color = PlotPalette.categorical[0]
        let markerSize: Double? = finite.count <= 50 ? 7 : (finite.count <= 200 ? 4 : nil)
        return axes.render { document, layout in
            for run in runs {
                document.addPolyline(run.map(layout.pixel), style: .stroked(color, width: 2))
            }
            if let markerSize {
                for point in finite {
                    MarkerShape.circle.draw(at: layout.pixel(point), size: markerSize, color: color, into: &document)
                }
            }
            if history.isEmpty {
                PlotAxes.drawNote("no iterations", in: layout, into: &document)
            } else if finite.isEmpty {
                PlotAxes.drawNote("no finite values", in: layout, into: &document)
            }
        }
    }

    /// `points` split at every point with a non-finite coordinate into runs of consecutive
    /// finite points (empty runs dropped).
    static func finiteRuns(_ points: [DataPoint]) -> [[DataPoint]] {
        var runs: [[DataPoint]] = [[]]
        for point in points {
            if point.isFinite {
                runs[runs.count - 1].append(point)
            } else if runs.last?.isEmpty == false {
                runs.append([])
            }
        }
        return runs.filter { !$0.isEmpty }
    }
}
