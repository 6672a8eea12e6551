package dev.diversify.report;

import dev.diversify.prune.Criteria;
import dev.diversify.results.RunLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A run's results as Markdown tables, read from its Parquet tables with Spark SQL. */
public final class MarkdownSummary {
    private MarkdownSummary() {
    }

    /** The summary table, one row per experiment, from the metrics Parquet of the run directory. */
    public static String summary(SparkSession spark, String runDirectory) {
        List<Row> rows = RunRows.metrics(spark, new RunLayout(runDirectory).metrics());
        List<Criteria> comparisons = java.util.Arrays.stream(Criteria.values()).filter(c -> c != Criteria.DIVERSIFY)
                .toList();
        StringBuilder md = new StringBuilder();
        md.append("| experiment | model | dataset | acc. before | acc. pruned | acc. retrained | params | params -% "
                + "| FLOPs | FLOPs -% |");
        comparisons.forEach(c -> md.append(" ").append(c.label()).append(" retrained |"));
        md.append("\n|---|---|---|---|---|---|---|---|---|---|").append("---|".repeat(comparisons.size())).append("\n");
        List<String> experiments = rows.stream().map(r -> r.<String>getAs("experiment")).distinct().toList();
        for (String experiment : experiments) {
            Row baseline = find(rows, experiment, "baseline", "baseline");
            Row pruned = find(rows, experiment, Criteria.DIVERSIFY.id(), "pruned");
            Row retrained = find(rows, experiment, Criteria.DIVERSIFY.id(), "retrained");
            if (baseline == null || pruned == null || retrained == null) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.4f | %.4f | %.4f | %,d | %.1f | %,d | %.1f |",
                    experiment, baseline.getAs("model"), baseline.getAs("dataset"),
                    baseline.<Double>getAs("accuracy"), pruned.<Double>getAs("accuracy"),
                    retrained.<Double>getAs("accuracy"), retrained.<Long>getAs("params"),
                    retrained.<Double>getAs("params_reduction_pct"), retrained.<Long>getAs("flops"),
                    retrained.<Double>getAs("flops_reduction_pct")));
            comparisons.forEach(c -> md.append(" ").append(accuracy(find(rows, experiment, c.id(), "retrained")))
                    .append(" |"));
            md.append("\n");
        }
        return md.toString();
    }

    /**
     * Per experiment, every method, round and state (params, FLOPs, their reductions, accuracy), then the
     * diversifying rule's channels per convolution, baseline to final network, with the threshold of each
     * round that pruned it: the detail behind the summary.
     */
    public static String detail(SparkSession spark, String runDirectory) {
        RunLayout layout = new RunLayout(runDirectory);
        List<Row> metrics = RunRows.metrics(spark, layout.metrics());
        List<Row> layers = RunRows.read(spark, layout.layers(), "experiment", "method", "round").stream()
                .filter(r -> Criteria.DIVERSIFY.id().equals(r.getAs("method"))).toList();
        StringBuilder md = new StringBuilder();
        for (String experiment : metrics.stream().map(r -> r.<String>getAs("experiment")).distinct().toList()) {
            md.append("\n### ").append(experiment).append("\n\n");
            md.append("| method | round | state | params | params -% | FLOPs | FLOPs -% | accuracy |\n"
                    + "|---|---|---|---|---|---|---|---|\n");
            for (Row r : metrics) {
                if (experiment.equals(r.getAs("experiment"))) {
                    md.append(String.format(Locale.ROOT, "| %s | %d | %s | %,d | %.1f | %,d | %.1f | %.4f |%n",
                            r.getAs("method"), RunRows.round(r), r.getAs("state"), r.<Long>getAs("params"),
                            r.<Double>getAs("params_reduction_pct"), r.<Long>getAs("flops"),
                            r.<Double>getAs("flops_reduction_pct"), r.<Double>getAs("accuracy")));
                }
            }
            md.append("\nchannels per convolution (diversify, baseline -> final; tau of its group in each round):\n");
            Map<String, List<Row>> byLayer = new LinkedHashMap<>();
            layers.stream().filter(r -> experiment.equals(r.getAs("experiment")))
                    .forEach(r -> byLayer.computeIfAbsent(r.getAs("layer"), k -> new ArrayList<>()).add(r));
            byLayer.forEach((layer, rounds) -> {
                List<String> taus = rounds.stream().map(r -> r.getAs("tau") == null ? "-"
                        : String.format(Locale.ROOT, "%.2f", r.<Double>getAs("tau"))).toList();
                md.append(String.format(Locale.ROOT, "%s %d->%d%s; ", layer,
                        rounds.get(0).<Integer>getAs("channels_before"),
                        rounds.get(rounds.size() - 1).<Integer>getAs("channels_after"),
                        taus.stream().allMatch("-"::equals) ? "" : " (tau " + String.join(", ", taus) + ")"));
            });
            md.append("\n");
        }
        return md.toString();
    }

    /**
     * The criteria compared over the run's experiments ({@link CriteriaComparison}): per model, dataset and method
     * the most parameters removed at no loss (0.3 points) and within one point, as the thesis tabulates them; then the
     * diversifying rule paired with each other criterion: per experiment the difference of retrained accuracies, and
     * their mean, standard deviation and signs.
     */
    public static String comparison(SparkSession spark, String runDirectory) {
        List<Row> rows = RunRows.metrics(spark, new RunLayout(runDirectory).metrics());
        List<CriteriaComparison.Arm> arms = new ArrayList<>();
        List<String> experiments = rows.stream().map(r -> r.<String>getAs("experiment")).distinct().toList();
        for (String experiment : experiments) {
            Row baseline = find(rows, experiment, "baseline", "baseline");
            for (Criteria c : Criteria.values()) {
                Row retrained = find(rows, experiment, c.id(), "retrained");
                if (baseline != null && retrained != null) {
                    arms.add(new CriteriaComparison.Arm(experiment, baseline.getAs("model"), baseline.getAs("dataset"),
                            c.label(), baseline.getAs("accuracy"), retrained.getAs("accuracy"),
                            retrained.getAs("params_reduction_pct"), retrained.getAs("flops_reduction_pct")));
                }
            }
        }
        StringBuilder md = new StringBuilder("\n### Most parameters removed at no loss and within one point\n\n"
                + "No loss: retrained top-1 accuracy at most 0.3 points below the experiment's baseline; per model, "
                + "dataset and method, the arm of the run that removes the most parameters within it.\n\n"
                + "| model | dataset | method | within | params -% | FLOPs -% | accuracy | baseline | experiment |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (CriteriaComparison.Best best : CriteriaComparison.mostRemoved(arms)) {
            String within = best.tolerance() == CriteriaComparison.NO_LOSS ? "0.3 points (no loss)" : "1 point";
            md.append(best.arm().map(a -> String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f | %.1f | %.4f | %.4f "
                    + "| %s |%n", a.model(), a.dataset(), a.method(), within, a.paramsPct(), a.flopsPct(), a.accuracy(),
                    a.baseline(), a.experiment())).orElse(String.format(Locale.ROOT, "| %s | %s | %s | %s | none | | | | |%n",
                    best.model(), best.dataset(), best.method(), within)));
        }
        List<CriteriaComparison.Paired> pairs = java.util.Arrays.stream(Criteria.values())
                .filter(c -> c != Criteria.DIVERSIFY)
                .map(c -> CriteriaComparison.paired(arms, Criteria.DIVERSIFY.label(), c.label()))
                .filter(p -> !p.differences().isEmpty()).toList();
        if (pairs.isEmpty()) {
            return md.toString();
        }
        md.append("\n### The diversifying rule paired with each other criterion\n\nRetrained accuracy of the rule minus "
                + "the other's at the same channels per layer, in points; per experiment, then over all of them "
                + "(descriptive: experiments that share a baseline are not independent samples).\n\n| experiment |");
        pairs.forEach(p -> md.append(" vs ").append(p.other()).append(" |"));
        md.append("\n|---|").append("---|".repeat(pairs.size())).append("\n");
        for (String experiment : experiments) {
            if (pairs.stream().noneMatch(p -> p.differences().containsKey(experiment))) {
                continue;
            }
            md.append("| ").append(experiment).append(" |");
            pairs.forEach(p -> md.append(p.differences().containsKey(experiment)
                    ? String.format(Locale.ROOT, " %+.2f |", p.differences().get(experiment)) : " - |"));
            md.append("\n");
        }
        md.append("| mean (sd) |");
        pairs.forEach(p -> md.append(String.format(Locale.ROOT, " %+.2f (%s) |", p.mean(), Double.isNaN(p.sd()) ? "-"
                : String.format(Locale.ROOT, "%.2f", p.sd()))));
        md.append("\n| rule better / equal / worse |");
        pairs.forEach(p -> md.append(String.format(Locale.ROOT, " %d / %d / %d |", p.wins(), p.ties(), p.losses())));
        return md.append("\n").toString();
    }

    private static String accuracy(Row row) {
        return row == null ? "-" : String.format(Locale.ROOT, "%.4f", row.<Double>getAs("accuracy"));
    }

    /** The row of the last round with this experiment, method and state, or null. */
    private static Row find(List<Row> rows, String experiment, String method, String state) {
        return rows.stream().filter(r -> experiment.equals(r.getAs("experiment")) && method.equals(r.getAs("method"))
                && state.equals(r.getAs("state"))).reduce((first, later) -> later).orElse(null);
    }

    /**
     * The page {@code summary.md} of run {@code runId}: a short explanation of the columns, then {@link #summary}.
     */
    public static String page(SparkSession spark, String runDirectory, String runId) {
        return "# Results of run " + runId + "\n\n"
                + "Accuracies are top-1 on the test split; acc. pruned is before retraining. Params are trainable "
                + "parameters; FLOPs = 2 x MACs of convolutions and dense layers. L1 and random keep the same "
                + "channels per layer as the diversifying rule and are retrained identically. With an iterative schedule, "
                + "acc. pruned is the last round's.\n\n"
                + summary(spark, runDirectory);
    }
}
