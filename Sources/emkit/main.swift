import EMKitCommandLine

// Everything but this call lives in EMKitCommandLine, so that the argument layer can be fuzzed.
EMKitTool.main()
