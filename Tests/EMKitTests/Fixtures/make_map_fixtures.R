#!/usr/bin/env Rscript
# Reference fixtures for MAP-EM (EM with a conjugate prior) on Gaussian mixtures,
# computed with R's mclust.
#
# Writes, next to this file:
#   map_fixtures.json  For iris.csv (the four numeric columns; `species` dropped) and
#                      faithful.csv (both columns), with G = 3 components, and for the mclust
#                      models VVV, EEE, VVI, VII (EMKit: full, tied, diagonal, spherical):
#                        - the prior hyperparameters defaultPrior(X, G, model) returns, which is
#                          what priorControl() makes mstep()/me() use;
#                        - the initial hard partition hclass(hc(X, "VVV", use = "VARS"), G),
#                          stored once per data set as 0-based labels;
#                        - one MAP M-step from that partition: mstep(X, model, z, prior);
#                        - MAP-EM run to convergence from the same z: me(X, model, z, prior),
#                          with mclust's reported log-likelihood, the log-likelihood recomputed
#                          here from the final parameters, and the iteration count;
#                      plus plain EM without a prior (prior = NULL) for VVV on both data sets.
#
# Run from the repository root:
#
#     Rscript Tests/EMKitTests/Fixtures/make_map_fixtures.R
#
# Needs R with the packages mclust and jsonlite. On Debian/Ubuntu:
#
#     apt-get install -y --no-install-recommends r-base-core r-cran-mclust r-cran-jsonlite
#
# Nothing here is random (hierarchical clustering and EM are deterministic), so the output
# is the same on every run for fixed versions of R and mclust (recorded in the file).
#
# JSON layout (keys are camelCase, as in the other fixture files):
#   generator      script, versions, notes
#   components     G (3)
#   emControl      tolerance (1e-13) and maxIterations (100000) given to me()
#   datasets       name -> {file, columns, n, dimension, initialLabels (n ints, 0-based),
#                           initialCounts (G ints)}
#   cases[]        {name, dataset, mclustModel, covarianceType, components,
#                   prior?   {shrinkage, mean (d), degreesOfFreedom,
#                             scaleMatrix (d x d, VVV/EEE) | scaleScalar (VVI/VII)}
#                            (absent for the no-prior cases),
#                   mstep    {weights (G), means (G x d), covariances (G x d x d)},
#                   converged {weights, means, covariances, logLikelihood,
#                             logLikelihoodRecomputed, iterations, relativeChange}}
#   Matrices are arrays of rows. means[k] is the mean of component k (component-major);
#   covariances[k] is the full d x d covariance of component k for every model (diagonal
#   and spherical ones expanded, the tied one repeated G times). Component k is column k of
#   unmap(labels), i.e. the component that initially holds the points with label k.
#   Numbers are written with the fewest digits (15 to 17) that read back to the same double.

suppressPackageStartupMessages({
  library(mclust)
  library(jsonlite)
})

# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------

G <- 3L
TOLERANCE <- 1e-13
MAX_ITERATIONS <- 100000L
# mclust model name -> EMKit covariance type
MODELS <- c(VVV = "full", EEE = "tied", VVI = "diagonal", VII = "spherical")

# The folder of this script (works from any working directory).
script_dir <- local({
  file_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  if (length(file_arg) == 1) dirname(normalizePath(sub("^--file=", "", file_arg)))
  else "Tests/EMKitTests/Fixtures"
})

em_control <- emControl(tol = c(TOLERANCE, sqrt(.Machine$double.eps)),
                        itmax = c(MAX_ITERATIONS, MAX_ITERATIONS))

# ---------------------------------------------------------------------------
# JSON number formatting: jsonlite prints at most 15 significant digits, which does not
# always give back the same double, so numbers are formatted here and inserted verbatim.
# ---------------------------------------------------------------------------

# Shortest of %.15g, %.16g, %.17g that parses back (with jsonlite's C parser) to x exactly.
format_doubles <- function(x) {
  x <- as.double(x)
  if (any(!is.finite(x))) stop("non-finite number in fixture")
  out <- sprintf("%.17g", x)
  for (digits in 16:15) {
    candidate <- sprintf("%.*g", digits, x)
    back <- fromJSON(paste0("[", paste(candidate, collapse = ","), "]"))
    shorter <- back == x
    out[shorter] <- candidate[shorter]
  }
  back <- as.double(fromJSON(paste0("[", paste(out, collapse = ","), "]")))
  stopifnot(length(back) == length(x), all(back == x))
  out
}

verbatim <- function(text) structure(text, class = "json")
json_number <- function(x) { stopifnot(length(x) == 1); verbatim(format_doubles(x)) }
json_vector <- function(x) verbatim(paste0("[", paste(format_doubles(x), collapse = ","), "]"))
json_matrix <- function(m) lapply(seq_len(nrow(m)), function(i) json_vector(m[i, ]))
json_string <- function(s) unbox(s)
json_int <- function(i) unbox(as.integer(i))

# ---------------------------------------------------------------------------
# Mixture helpers
# ---------------------------------------------------------------------------

# Observed-data log-likelihood sum_i log sum_k w_k N(x_i | m_k, S_k), computed independently
# of mclust (Cholesky factors and log-sum-exp). means: G x d; sigma: d x d x G.
mixture_loglik <- function(X, weights, means, sigma) {
  d <- ncol(X)
  log_terms <- sapply(seq_along(weights), function(k) {
    U <- chol(sigma[, , k])                            # sigma = t(U) %*% U
    centred <- sweep(X, 2, means[k, ])
    maha <- colSums(backsolve(U, t(centred), transpose = TRUE)^2)
    log(weights[k]) - 0.5 * d * log(2 * pi) - sum(log(diag(U))) - 0.5 * maha
  })
  top <- apply(log_terms, 1, max)
  sum(top + log(rowSums(exp(log_terms - top))))
}

# weights, means (G x d) and covariances (G x d x d) of an mstep()/me() result.
parameters_json <- function(fit) {
  p <- fit$parameters
  sigma <- p$variance$sigma                            # d x d x G for every model
  list(
    weights = json_vector(p$pro),
    means = json_matrix(t(p$mean)),
    covariances = lapply(seq_len(dim(sigma)[3]), function(k) json_matrix(unname(sigma[, , k])))
  )
}

prior_json <- function(prior) {
  out <- list(
    shrinkage = json_number(prior$shrinkage),
    mean = json_vector(unname(prior$mean)),
    degreesOfFreedom = json_number(prior$dof)
  )
  if (is.matrix(prior$scale)) {
    out$scaleMatrix <- json_matrix(unname(prior$scale))
  } else {
    out$scaleScalar <- json_number(prior$scale)
  }
  out
}

# One case: the prior (if any), one M-step and the converged EM from the same z.
run_case <- function(name, X, z, model, use_prior) {
  prior <- if (use_prior) priorControl() else NULL

  ms <- mstep(X, model, z = z, prior = prior)
  if (attr(ms, "returnCode") != 0) stop(name, ": mstep failed")

  fit <- me(X, model, z = z, prior = prior, control = em_control)
  info <- attr(fit, "info")
  if (attr(fit, "returnCode") != 0 || info[["iterations"]] >= MAX_ITERATIONS)
    stop(name, ": me did not converge")

  p <- fit$parameters
  recomputed <- mixture_loglik(X, p$pro, t(p$mean), p$variance$sigma)
  if (abs(recomputed - fit$loglik) > 1e-9 * (1 + abs(fit$loglik)))
    stop(name, ": reported and recomputed log-likelihoods disagree")

  converged <- c(parameters_json(fit), list(
    logLikelihood = json_number(fit$loglik),
    logLikelihoodRecomputed = json_number(recomputed),
    iterations = json_int(info[["iterations"]]),
    relativeChange = json_number(info[["error"]])
  ))

  case <- list(
    name = json_string(name),
    dataset = json_string(sub("-.*", "", name)),
    mclustModel = json_string(model),
    covarianceType = json_string(MODELS[[model]]),
    components = json_int(G)
  )
  if (use_prior) case$prior <- prior_json(defaultPrior(X, G, model))
  case$mstep <- parameters_json(ms)
  case$converged <- converged
  case
}

# ---------------------------------------------------------------------------
# Data sets and cases
# ---------------------------------------------------------------------------

read_data <- function(file, drop = character()) {
  frame <- read.csv(file.path(script_dir, file), check.names = FALSE)
  frame <- frame[, setdiff(names(frame), drop), drop = FALSE]
  X <- as.matrix(frame)
  storage.mode(X) <- "double"
  X
}

data_sets <- list(
  iris = list(file = "iris.csv", X = read_data("iris.csv", drop = "species")),
  faithful = list(file = "faithful.csv", X = read_data("faithful.csv"))
)

datasets_json <- list()
cases <- list()

for (ds_name in names(data_sets)) {
  X <- data_sets[[ds_name]]$X
  # Initial partition: Gaussian model-based agglomerative clustering on the raw variables,
  # cut at G groups (labels 1..G); z is its indicator matrix, column k = label k.
  labels <- as.integer(hclass(hc(X, modelName = "VVV", use = "VARS"), G))
  z <- unmap(labels)
  stopifnot(ncol(z) == G, all(sort(unique(labels)) == seq_len(G)))

  datasets_json[[ds_name]] <- list(
    file = json_string(data_sets[[ds_name]]$file),
    columns = colnames(X),
    n = json_int(nrow(X)),
    dimension = json_int(ncol(X)),
    initialLabels = labels - 1L,
    initialCounts = as.integer(tabulate(labels, G))
  )

  for (model in names(MODELS)) {
    cases[[length(cases) + 1]] <- run_case(paste(ds_name, model, "prior", sep = "-"), X, z, model, TRUE)
  }
  cases[[length(cases) + 1]] <- run_case(paste(ds_name, "VVV", "noprior", sep = "-"), X, z, "VVV", FALSE)
}

notes <- paste(
  "Prior cases use prior = priorControl(), i.e. the hyperparameters of defaultPrior(X, G, model) shown",
  "under 'prior'; noprior cases use prior = NULL (plain EM). 'mstep' is mstep(X, model, z = unmap(labels),",
  "prior): one M-step from the initial partition. 'converged' is me(X, model, z = unmap(labels), prior,",
  "control = emControl(tol = c(1e-13, sqrt(eps)), itmax = c(1e5, 1e5))): EM iterations (M-step then",
  "E-step) until |l_t - l_(t-1)| / (1 + |l_t|) <= 1e-13, l = observed-data log-likelihood without any",
  "prior term. logLikelihood is what me() reports; logLikelihoodRecomputed is sum_i log sum_k w_k",
  "N(x_i | mean_k, cov_k) of the final parameters, computed here; iterations = M-steps performed;",
  "relativeChange = the last |l_t - l_(t-1)| / (1 + |l_t|). Weights are n_k / n (no prior on them)."
)

output <- list(
  generator = list(
    script = json_string("Tests/EMKitTests/Fixtures/make_map_fixtures.R"),
    r = json_string(paste(R.version$major, R.version$minor, sep = ".")),
    mclust = json_string(as.character(packageVersion("mclust"))),
    jsonlite = json_string(as.character(packageVersion("jsonlite"))),
    notes = json_string(notes)
  ),
  components = json_int(G),
  emControl = list(tolerance = json_number(TOLERANCE), maxIterations = json_int(MAX_ITERATIONS)),
  datasets = datasets_json,
  cases = cases
)

out_file <- file.path(script_dir, "map_fixtures.json")
writeLines(toJSON(output, json_verbatim = TRUE, pretty = TRUE, auto_unbox = FALSE), out_file)
cat("wrote", out_file, "\n")
