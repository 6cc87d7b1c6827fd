# The reference: R's surveillance package on a series file, written as our CLI writes alarms.
# Usage: Rscript oracle.R METHOD INPUT.csv OUTPUT.csv [ALPHA] [B] [LIMIT54_CASES] [FIRST_WEEK]
#   METHOD: ears-c1 | ears-c2 | ears-c3 | farrington | farrington-improved
#   INPUT:  columns series,week,count (weeks 1..n without gaps, any order)
#   OUTPUT: series,week,alarm,upperbound for the weeks R judges by default.
# Prints the CPU seconds (user + system) spent in the detector calls on stderr ("seconds=…").
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
method <- args[1]
input <- read.csv(args[2])
alpha <- if (length(args) >= 4 && args[4] != "") as.numeric(args[4]) else NA
b <- if (length(args) >= 5 && args[5] != "") as.integer(args[5]) else 5L
cases <- if (length(args) >= 6 && args[6] != "") as.integer(args[6]) else 5L
first <- if (length(args) >= 7 && args[7] != "") as.integer(args[7]) else NA

control_for <- function(method) {
  if (method %in% c("ears-c1", "ears-c2", "ears-c3")) {
    ctl <- list(method = toupper(sub("ears-", "", method)), baseline = 7)
    if (!is.na(alpha)) ctl$alpha <- alpha
    return(ctl)
  }
  common <- list(b = b, w = 3, alpha = if (is.na(alpha)) 0.05 else alpha, reweight = TRUE,
                 trend = TRUE, limit54 = c(cases, 4), powertrans = "2/3", glmWarnings = FALSE)
  if (method == "farrington") {
    return(modifyList(common, list(noPeriods = 1, weightsThreshold = 1, pThresholdTrend = 0.05,
                                   pastWeeksNotIncluded = 3, thresholdMethod = "delta")))
  }
  modifyList(common, list(noPeriods = 10, weightsThreshold = 2.58, pThresholdTrend = 1,
                          pastWeeksNotIncluded = 26, thresholdMethod = "nbPlugin"))
}

ctl <- control_for(method)
out <- list()
elapsed <- 0
for (name in unique(input$series)) {
  rows <- input[input$series == name, ]
  rows <- rows[order(rows$week), ]
  s <- sts(observed = matrix(rows$count, ncol = 1), start = c(2000, 1), frequency = 52)
  t0 <- proc.time()
  t0 <- t0[["user.self"]] + t0[["sys.self"]]
  this <- ctl
  if (!is.na(first)) this$range <- first:nrow(rows)
  res <- if (startsWith(method, "ears")) earsC(s, control = this) else farringtonFlexible(s, control = this)
  t1 <- proc.time()
  elapsed <- elapsed + t1[["user.self"]] + t1[["sys.self"]] - t0
  weeks <- (nrow(rows) - nrow(observed(res)) + 1):nrow(rows)
  out[[length(out) + 1]] <- data.frame(series = name, week = weeks,
                                       alarm = as.integer(alarms(res)[, 1]),
                                       upperbound = upperbound(res)[, 1])
}
write.csv(do.call(rbind, out), args[3], row.names = FALSE, na = "NA")
cat(sprintf("seconds=%.3f\n", elapsed), file = stderr())
