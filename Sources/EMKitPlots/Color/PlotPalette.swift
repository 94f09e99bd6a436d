/// The categorical colours of the plots: distinguishable with the common forms of colour-vision
/// deficiency and legible as thin lines on white.
///
/// The first seven are the Okabe–Ito colours (Okabe & Ito 2008) ordered so that neighbours
/// differ most, with the pale yellow moved to the end; the extras are from Paul Tol's
/// colour-blind-safe "muted" scheme. Black is not in the palette: the plots keep it for totals
/// (the mixture density) and highlights.
public enum PlotPalette {
    /// Twelve categorical colours, in the order plots use them.
    public static let categorical: [PlotColor] = [
        PlotColor(hex: 0x0072B2),  // blue (Okabe–Ito)
        PlotColor(hex: 0xE69F00),  // orange (Okabe–Ito)
        PlotColor(hex: 0x009E73),  // bluish green (Okabe–Ito)
        PlotColor(hex: 0xD55E00),  // vermillion (Okabe–Ito)
        PlotColor(hex: 0xCC79A7),  // reddish purple (Okabe–Ito)
        PlotColor(hex: 0x56B4E9),  // sky blue (Okabe–Ito)
        PlotColor(hex: 0x882255),  // wine (Tol)
        PlotColor(hex: 0x332288),  // indigo (Tol)
        PlotColor(hex: 0x999933),  // olive (Tol)
        PlotColor(hex: 0x44AA99),  // teal (Tol)
        PlotColor(hex: 0xAA4499),  // purple (Tol)
        PlotColor(hex: 0xDDCC77),  // sand (Tol); pale, hence last
    ]

    /// The colour of category `index` (from 0), cycling through `categorical` when there are
    /// more categories than colours; `PlotColor.neutralGrey` for a negative index (an
    /// unassigned sample, for instance).
    public static func color(forCategory index: Int) -> PlotColor {
        guard index >= 0 else { return .neutralGrey }
        return categorical[index % categorical.count]
    }
}
