// The module documentation lives in the plot files.
