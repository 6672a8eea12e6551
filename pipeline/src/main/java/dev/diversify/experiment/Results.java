package dev.diversify.experiment;

import static dev.diversify.experiment.ExperimentRun.DIVERSIFY;
import static dev.diversify.experiment.ExperimentRun.number;

import dev.diversify.config.CodeRevision;
import dev.diversify.graph.PruningPlan;
import dev.diversify.io.HadoopFiles;
import dev.diversify.metrics.ModelCost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The run's tables, as Parquet partitioned by experiment ({@code metrics/}, {@code layers/},
 * {@code sweep/}), and {@code summary.md}. Each experiment's partitions are written aside and
 * renamed into place, so a reader sees an experiment's rows completely or not at all.
 */
public final class Results {
    static final StructType METRICS = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("model", DataTypes.StringType, false)
            .add("dataset", DataTypes.StringType, false)
            .add("width", DataTypes.DoubleType, false)
            .add("method", DataTypes.StringType, false)
            .add("state", DataTypes.StringType, false)
            .add("params", DataTypes.LongType, false)
            .add("bn_statistics", DataTypes.LongType, false)
            .add("macs", DataTypes.LongType, false)
            .add("flops", DataTypes.LongType, false)
            .add("params_reduction_pct", DataTypes.DoubleType, false)
            .add("flops_reduction_pct", DataTypes.DoubleType, false)
            .add("accuracy", DataTypes.DoubleType, false)
            .add("stage_seconds", DataTypes.DoubleType, false)
            .add("seed", DataTypes.LongType, false)
            .add("code_revision", DataTypes.StringType, false)
            .add("config", DataTypes.StringType, false);

    static final StructType LAYERS = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("method", DataTypes.StringType, false)
            .add("layer", DataTypes.StringType, false)
            .add("group", DataTypes.StringType, true)
            .add("channels_before", DataTypes.IntegerType, false)
            .add("channels_after", DataTypes.IntegerType, false)
            .add("tau", DataTypes.DoubleType, true)
            .add("kept_indices", DataTypes.createArrayType(DataTypes.IntegerType), true);

    static final StructType SWEEP = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("group", DataTypes.StringType, false)
            .add("tau", DataTypes.DoubleType, false)
            .add("channels_before", DataTypes.IntegerType, false)
            .add("channels_kept", DataTypes.IntegerType, false)
            .add("validation_accuracy", DataTypes.DoubleType, false)
            .add("accuracy_drop", DataTypes.DoubleType, false)
            .add("chosen", DataTypes.BooleanType, false);

    static final StructType TRAINING = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("stage", DataTypes.StringType, false)
            .add("epoch", DataTypes.IntegerType, false)
            .add("learning_rate", DataTypes.DoubleType, false)
            .add("loss", DataTypes.DoubleType, false)
            .add("validation_accuracy", DataTypes.DoubleType, false)
            .add("seconds", DataTypes.DoubleType, false)
            .add("heap_mib", DataTypes.DoubleType, false)
            .add("off_heap_mib", DataTypes.DoubleType, false)
            .add("resident_mib", DataTypes.DoubleType, false);

    private final SparkSession spark;
    private final RunLayout layout;
    private final RunSettings run;

    public Results(SparkSession spark, RunLayout layout, RunSettings run) {
        this.spark = spark;
        this.layout = layout;
        this.run = run;
    }

    /** Writes one experiment's rows of every table from its stage results. */
    void write(ExperimentSettings experiment, String dataset, List<String> methods,
               Map<String, Map<String, Object>> stages) {
        writeTable(layout.sweep(), experiment.id(), SWEEP, sweepRows(stages.get("sweep")));
        writeTable(layout.training(), experiment.id(), TRAINING, trainingRows(stages));
        writeTable(layout.layers(), experiment.id(), LAYERS, layerRows(experiment, methods, stages));
        writeTable(layout.metrics(), experiment.id(), METRICS, metricRows(experiment, dataset, methods, stages));
    }

    private List<Row> metricRows(ExperimentSettings e, String dataset, List<String> methods,
                                 Map<String, Map<String, Object>> stages) {
        Map<String, Object> baseline = stages.get("baseline");
        List<Row> rows = new ArrayList<>();
        rows.add(metricRow(e, dataset, "baseline", "baseline", baseline, baseline));
        for (String method : methods) {
            rows.add(metricRow(e, dataset, method, "pruned", stages.get("prune-" + method), baseline));
            rows.add(metricRow(e, dataset, method, "retrained", stages.get("retrain-" + method), baseline));
        }
        return rows;
    }

    private Row metricRow(ExperimentSettings e, String dataset, String method, String state, Map<String, Object> r,
                          Map<String, Object> baseline) {
        long params = ((Number) r.get("params")).longValue();
        long macs = ((Number) r.get("macs")).longValue();
        long baseParams = ((Number) baseline.get("params")).longValue();
        long baseMacs = ((Number) baseline.get("macs")).longValue();
        return RowFactory.create(run.runId(), e.architecture().id(), dataset, e.width(), method, state, params,
                ((Number) r.get("bnStatistics")).longValue(), macs, 2 * macs,
                ModelCost.reductionPercent(baseParams, params), ModelCost.reductionPercent(baseMacs, macs),
                number(r, "accuracy"), number(r, "seconds"), e.seed(), CodeRevision.get(), run.renderedConfig());
    }

    private List<Row> layerRows(ExperimentSettings e, List<String> methods, Map<String, Map<String, Object>> stages) {
        @SuppressWarnings("unchecked")
        Map<String, Object> before = (Map<String, Object>) stages.get("baseline").get("channels");
        @SuppressWarnings("unchecked")
        Map<String, Object> chosen = (Map<String, Object>) stages.get("sweep").get("chosen");
        List<Row> rows = new ArrayList<>();
        for (String method : methods) {
            @SuppressWarnings("unchecked")
            Map<String, Object> after = (Map<String, Object>) stages.get("prune-" + method).get("channels");
            Map<String, String> groupOf = new java.util.HashMap<>();
            Map<String, int[]> kept = new java.util.HashMap<>();
            String planFile = layout.plan(e.id(), method);
            if (HadoopFiles.exists(planFile)) {
                for (PruningPlan.Entry entry : PruningPlan.fromJson(HadoopFiles.readText(planFile)).groups()) {
                    entry.members().forEach(m -> groupOf.put(m, entry.group()));
                    kept.put(entry.group(), entry.kept());
                }
            }
            for (Map.Entry<String, Object> layer : before.entrySet()) {
                String group = groupOf.get(layer.getKey());
                Object tau = method.equals(DIVERSIFY) && group != null ? chosen.get(group) : null;
                int[] indices = group == null ? null : kept.get(group);
                rows.add(RowFactory.create(run.runId(), method, layer.getKey(), group,
                        ((Number) layer.getValue()).intValue(), ((Number) after.get(layer.getKey())).intValue(),
                        tau == null ? null : ((Number) tau).doubleValue(),
                        indices == null ? null : java.util.Arrays.stream(indices).boxed().toArray(Integer[]::new)));
            }
        }
        return rows;
    }

    /** The per-epoch history of every training stage (baseline, retrain-*), when it trained. */
    private List<Row> trainingRows(Map<String, Map<String, Object>> stages) {
        List<Row> rows = new ArrayList<>();
        stages.forEach((stage, results) -> {
            Object history = results.get("history");
            if (history instanceof List<?> epochs) {
                for (Object epoch : epochs) {
                    List<?> e = (List<?>) epoch;
                    Object[] row = new Object[TRAINING.size()];
                    row[0] = run.runId();
                    row[1] = stage;
                    row[2] = ((Number) e.get(0)).intValue();
                    for (int i = 1; i < row.length - 2; i++) { // NaN: no validation, or no memory in an older marker
                        row[i + 2] = i < e.size() && e.get(i) != null ? ((Number) e.get(i)).doubleValue() : Double.NaN;
                    }
                    rows.add(RowFactory.create(row));
                }
            }
        });
        return rows;
    }

    private List<Row> sweepRows(Map<String, Object> sweep) {
        double baseline = number(sweep, "baselineValidation");
        @SuppressWarnings("unchecked")
        Map<String, Object> chosen = (Map<String, Object>) sweep.get("chosen");
        List<Row> rows = new ArrayList<>();
        for (Object cell : (List<?>) sweep.get("cells")) {
            List<?> c = (List<?>) cell;
            String group = (String) c.get(0);
            double tau = ((Number) c.get(1)).doubleValue();
            double accuracy = ((Number) c.get(4)).doubleValue();
            Object pick = chosen.get(group);
            rows.add(RowFactory.create(run.runId(), group, tau, ((Number) c.get(2)).intValue(),
                    ((Number) c.get(3)).intValue(), accuracy, baseline - accuracy,
                    pick != null && ((Number) pick).doubleValue() == tau));
        }
        return rows;
    }

    private void writeTable(String table, String experiment, StructType schema, List<Row> rows) {
        String target = layout.partition(table, experiment);
        Path to = new Path(target);
        Path staging = HadoopFiles.staging(to);
        spark.createDataFrame(rows, schema).coalesce(1).write().mode("overwrite").parquet(staging.toString());
        try {
            HadoopFiles.replace(HadoopFiles.fileSystem(to), staging, to);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit " + target + ": " + e.getMessage(), e);
        }
    }

    /** The summary table, one row per experiment, from the metrics Parquet of the run directory. */
    public static String summary(SparkSession spark, String runDirectory) {
        Dataset<Row> metrics = spark.read().parquet(new RunLayout(runDirectory).metrics());
        List<Row> rows = metrics.orderBy("experiment", "method", "state").collectAsList();
        StringBuilder md = new StringBuilder();
        md.append("| experiment | model | dataset | acc. before | acc. pruned | acc. retrained | params | params -% "
                + "| FLOPs | FLOPs -% | L1 retrained | random retrained |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> experiments = rows.stream().map(r -> r.<String>getAs("experiment")).distinct().toList();
        for (String experiment : experiments) {
            Row baseline = find(rows, experiment, "baseline", "baseline");
            Row pruned = find(rows, experiment, DIVERSIFY, "pruned");
            Row retrained = find(rows, experiment, DIVERSIFY, "retrained");
            Row l1 = find(rows, experiment, "l1", "retrained");
            Row random = find(rows, experiment, "random", "retrained");
            if (baseline == null || pruned == null || retrained == null) {
                continue;
            }
            md.append(String.format(Locale.ROOT,
                    "| %s | %s | %s | %.4f | %.4f | %.4f | %,d | %.1f | %,d | %.1f | %s | %s |%n",
                    experiment, baseline.getAs("model"), baseline.getAs("dataset"),
                    baseline.<Double>getAs("accuracy"), pruned.<Double>getAs("accuracy"),
                    retrained.<Double>getAs("accuracy"), retrained.<Long>getAs("params"),
                    retrained.<Double>getAs("params_reduction_pct"), retrained.<Long>getAs("flops"),
                    retrained.<Double>getAs("flops_reduction_pct"), accuracy(l1), accuracy(random)));
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

    void writeSummary() {
        String table = summary(spark, layout.directory());
        HadoopFiles.writeText(layout.summary(), "# Results of run " + run.runId() + "\n\n"
                + "Accuracies are top-1 on the test split; acc. pruned is before retraining. Params are trainable "
                + "parameters; FLOPs = 2 x MACs of convolutions and dense layers. L1 and random keep the same "
                + "channels per layer as the diversifying rule and are retrained identically.\n\n" + table);
    }
}
