package dev.diversify.report;

import dev.diversify.prune.Criteria;
import dev.diversify.results.RunLayout;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A run's results as Markdown tables, read from its Parquet tables with Spark SQL. */
public final class MarkdownSummary {
    private MarkdownSummary() {
    }

    /** The summary table, one row per experiment, from the metrics Parquet of the run directory. */
    public static String summary(SparkSession spark, String runDirectory) {
        Dataset<Row> metrics = spark.read().parquet(new RunLayout(runDirectory).metrics());
        List<Row> rows = metrics.orderBy("experiment", "method", "state").collectAsList();
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
     * Per experiment, every method and state (params, FLOPs, their reductions, accuracy), then the
     * diversifying rule's chosen thresholds and channels per convolution: the detail behind the summary.
     */
    public static String detail(SparkSession spark, String runDirectory) {
        RunLayout layout = new RunLayout(runDirectory);
        List<Row> metrics = spark.read().parquet(layout.metrics())
                .orderBy("experiment", "method", "state").collectAsList();
        List<Row> layers = spark.read().parquet(layout.layers()).filter("method = 'diversify'")
                .orderBy("experiment").collectAsList();
        StringBuilder md = new StringBuilder();
        for (String experiment : metrics.stream().map(r -> r.<String>getAs("experiment")).distinct().toList()) {
            md.append("\n### ").append(experiment).append("\n\n");
            md.append("| method | state | params | params -% | FLOPs | FLOPs -% | accuracy |\n|---|---|---|---|---|---|---|\n");
            for (Row r : metrics) {
                if (experiment.equals(r.getAs("experiment"))) {
                    md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.1f | %,d | %.1f | %.4f |%n",
                            r.getAs("method"), r.getAs("state"), r.<Long>getAs("params"),
                            r.<Double>getAs("params_reduction_pct"), r.<Long>getAs("flops"),
                            r.<Double>getAs("flops_reduction_pct"), r.<Double>getAs("accuracy")));
                }
            }
            md.append("\nchannels per convolution (diversify; tau of its group):\n");
            for (Row r : layers) {
                if (experiment.equals(r.getAs("experiment"))) {
                    Object tau = r.getAs("tau");
                    md.append(String.format(Locale.ROOT, "%s %d->%d%s; ", r.getAs("layer"),
                            r.<Integer>getAs("channels_before"), r.<Integer>getAs("channels_after"),
                            tau == null ? "" : String.format(Locale.ROOT, " (tau %.2f)", (Double) tau)));
                }
            }
            md.append("\n");
        }
        return md.toString();
    }

    private static String accuracy(Row row) {
        return row == null ? "-" : String.format(Locale.ROOT, "%.4f", row.<Double>getAs("accuracy"));
    }

    private static Row find(List<Row> rows, String experiment, String method, String state) {
        return rows.stream().filter(r -> experiment.equals(r.getAs("experiment")) && method.equals(r.getAs("method"))
                && state.equals(r.getAs("state"))).findFirst().orElse(null);
    }

    /**
     * The page {@code summary.md} of run {@code runId}: a short explanation of the columns, then {@link #summary}.
     */
    public static String page(SparkSession spark, String runDirectory, String runId) {
        return "# Results of run " + runId + "\n\n"
                + "Accuracies are top-1 on the test split; acc. pruned is before retraining. Params are trainable "
                + "parameters; FLOPs = 2 x MACs of convolutions and dense layers. L1 and random keep the same "
                + "channels per layer as the diversifying rule and are retrained identically.\n\n"
                + summary(spark, runDirectory);
    }
}
