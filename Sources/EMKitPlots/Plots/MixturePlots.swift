/// SVG plots of Gaussian mixtures and of their fitting: each function returns a standalone SVG
/// 1.1 document as a string, ready to write to a `.svg` file or to inline in HTML.
///
/// - `histogram(values:mixture:title:xLabel:)`: a density histogram with the fitted component
///   densities and the mixture density on top.
/// - `scatter(points:labels:mixture:title:xLabel:yLabel:)`: points coloured by cluster with the
///   mixture density's contour lines and the component means.
/// - `logLikelihoodHistory(history:title:)`: the mean log-likelihood after each EM iteration.
/// - `criterion(componentCounts:series:criterionName:title:)`: a model-selection criterion
///   against the number of components, one line per model family, the best point highlighted.
///
/// Colours come from `PlotPalette` (colour-blind friendly); NaN and infinite values are skipped.
public enum MixturePlots {
    /// The default document width in pixels.
    public static let defaultWidth = 720.0
    /// The default document height in pixels.
    public static let defaultHeight = 480.0
}
