# Where mclust's default EM stops, for bench/convergence_defaults.py: Old Faithful, K = 3, VVV,
# from mclust's own start (model-based hierarchical agglomeration, as Mclust() does), with
# emControl()'s defaults and run to convergence (tolerance 1e-14, 100 000 iterations).
# Prints one line of JSON: the mean log-likelihoods, iterations and median seconds (in R).
suppressMessages(library(mclust))
args <- commandArgs(trailingOnly = TRUE)
x <- read.csv(args[1])
repeats <- as.integer(args[2])
z <- unmap(hclass(hc(x, modelName = "VVV"), 3))
run <- function(control) {
  seconds <- c()
  for (i in seq_len(repeats)) {
    t0 <- proc.time()[["elapsed"]]
    m <- me(modelName = "VVV", data = x, z = z, control = control)
    seconds <- c(seconds, proc.time()[["elapsed"]] - t0)
  }
  list(logLikelihood = m$loglik / nrow(x), iterations = attr(m, "info")[["iterations"]], seconds = median(seconds))
}
d <- run(emControl())
s <- run(emControl(tol = c(1e-14, sqrt(.Machine$double.eps)), itmax = c(100000, 100000)))
cat(sprintf('{"default": {"logLikelihood": %.17g, "iterations": %d, "seconds": %.6f}, "strict": {"logLikelihood": %.17g}}\n',
            d$logLikelihood, as.integer(d$iterations), d$seconds, s$logLikelihood))
