extension Datasets {
    /// Do & Batzoglou's five rounds of ten tosses as seed 001 gives them.
    public static let seed001Rounds = [
        "HTTTHHTHTH", "HHHHTHHHHH", "HTHHHHHTHH", "HTHTTTHHTT", "THHHTHHHTH",
    ]

    /// Seed 002's five rounds of five tosses (3, 2, 1, 3 and 2 heads).
    public static let seed002Rounds = ["HHTHT", "TTHHT", "HTTTT", "HTTHH", "THHTT"]
}

extension Datasets {
    /// The occasionally dishonest casino (Durbin, Eddy, Krogh & Mitchison 1998): a fair die and a
    /// loaded one (a six with probability ½, each other face 1⁄10); the casino switches from fair
    /// to loaded with probability 0.05 per roll and back with 0.1. Symbols are faces − 1.
    public static let dishonestCasino: CategoricalHMM = {
        do {
            return try CategoricalHMM(
                startProbabilities: [0.5, 0.5], transitionMatrix: Matrix(rows: [[0.95, 0.05], [0.1, 0.9]]),
                emission: CategoricalEmission(probabilities: Matrix(rows: [
                    Array(repeating: 1.0 / 6, count: 6), [0.1, 0.1, 0.1, 0.1, 0.1, 0.5],
                ])))
        } catch {
            preconditionFailure("the casino's parameters are a valid HMM: \(error)")
        }
    }()
}
