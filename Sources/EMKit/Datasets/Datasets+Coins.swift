extension Datasets {
    /// Do & Batzoglou's five rounds of ten tosses as seed 001 gives them.
    public static let seed001Rounds = [
        "HTTTHHTHTH", "HHHHTHHHHH", "HTHHHHHTHH", "HTHTTTHHTT", "THHHTHHHTH",
    ]

    /// Seed 002's five rounds of five tosses (3, 2, 1, 3 and 2 heads).
    public static let seed002Rounds = ["HHTHT", "TTHHT", "HTTTT", "HTTHH", "THHTT"]
}
