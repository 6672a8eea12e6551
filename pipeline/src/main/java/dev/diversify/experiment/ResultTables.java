package dev.diversify.experiment;

import dev.diversify.config.CodeRevision;
import dev.diversify.experiment.ExperimentRun.Outcome;
import dev.diversify.experiment.Stages.Recorded;
import dev.diversify.graph.PruningPlan;
import dev.diversify.io.HadoopFiles;
import dev.diversify.metrics.ModelCost;
import dev.diversify.results.RunLayout;
import dev.diversify.results.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Writes one experiment's rows of the run's tables ({@link Tables}) as Parquet partitioned by
 * experiment. Each partition is written aside and renamed into place, so a reader sees an
 * experiment's rows completely or not at all.
 */
final class ResultTables {
    private final SparkSession spark;
    private final RunLayout layout;
    private final RunSettings run;

    ResultTables(SparkSession spark, RunLayout layout, RunSettings run) {
        this.spark = spark;
        this.layout = layout;
        this.run = run;
    }

    /** Writes every table's rows of the experiment that produced {@code outcome}. */
    void write(Outcome outcome) {
        String id = outcome.settings().id();
        writeTable(layout.sweep(), id, Tables.SWEEP, sweepRows(outcome));
        writeTable(layout.training(), id, Tables.TRAINING, trainingRows(outcome));
        writeTable(layout.layers(), id, Tables.LAYERS, layerRows(outcome));
        writeTable(layout.metrics(), id, Tables.METRICS, metricRows(outcome));
    }

    /** The baseline (round 0); per method and round, pruned and (between rounds) fine-tuned; then retrained. */
    private List<Row> metricRows(Outcome o) {
        Recorded<StageResults.Baseline> baseline = o.baseline();
        CostTotals base = baseline.result().cost();
        List<Row> rows = new ArrayList<>();
        rows.add(metricRow(o, "baseline", 0, "baseline", base, base, baseline.result().accuracy(), baseline.seconds()));
        int last = o.rounds().size();
        for (String method : o.methods()) {
            for (ExperimentRun.Round round : o.rounds()) {
                Recorded<StageResults.Pruned> pruned = round.pruned().get(method);
                rows.add(metricRow(o, method, round.number(), "pruned", pruned.result().cost(), base,
                        pruned.result().accuracy(), pruned.seconds()));
                Recorded<StageResults.Retrained> tuned = round.fineTuned().get(method);
                if (tuned != null) {
                    rows.add(metricRow(o, method, round.number(), "fine-tuned", tuned.result().cost(), base,
                            tuned.result().accuracy(), tuned.seconds()));
                }
            }
            Recorded<StageResults.Retrained> retrained = o.retrained().get(method);
            rows.add(metricRow(o, method, last, "retrained", retrained.result().cost(), base,
                    retrained.result().accuracy(), retrained.seconds()));
        }
        return rows;
    }

    private Row metricRow(Outcome o, String method, int round, String state, CostTotals cost, CostTotals base,
                          double accuracy, double seconds) {
        ExperimentSettings e = o.settings();
        return RowFactory.create(run.runId(), e.model(), o.data().dataset(), e.width(), method, round,
                state, cost.params(), cost.bnStatistics(), cost.macs(), 2 * cost.macs(),
                ModelCost.reductionPercent(base.params(), cost.params()),
                ModelCost.reductionPercent(base.macs(), cost.macs()),
                accuracy, seconds, e.seed(), CodeRevision.get(), run.renderedConfig(), spark.sparkContext().master(),
                spark.sparkContext().defaultParallelism());
    }

    /**
     * Per method and round, every convolution of the network the round pruned: its channels before and after,
     * and where a plan was made in one step, its group and kept indices (and the rule's threshold).
     */
    private List<Row> layerRows(Outcome o) {
        List<Row> rows = new ArrayList<>();
        for (String method : o.methods()) {
            Map<String, Integer> before = o.baseline().result().channels();
            for (ExperimentRun.Round round : o.rounds()) {
                Map<String, Integer> after = round.pruned().get(method).result().channels();
                Map<String, String> groupOf = new HashMap<>();
                Map<String, int[]> kept = new HashMap<>();
                String planFile = layout.plan(o.settings().id(), method + o.settings().schedule().suffix(round.number()));
                if (HadoopFiles.exists(planFile)) {
                    for (PruningPlan.Entry entry : PruningPlan.fromJson(HadoopFiles.readText(planFile)).groups()) {
                        entry.members().forEach(m -> groupOf.put(m, entry.group()));
                        kept.put(entry.group(), entry.kept());
                    }
                }
                before.forEach((layer, channels) -> {
                    String group = groupOf.get(layer);
                    Double tau = method.equals(PruneStage.DIVERSIFY) && group != null
                            ? round.sweep().chosenTau(group) : null;
                    int[] indices = group == null ? null : kept.get(group);
                    rows.add(RowFactory.create(run.runId(), method, round.number(), layer, group, channels,
                            after.get(layer), tau,
                            indices == null ? null : java.util.Arrays.stream(indices).boxed().toArray(Integer[]::new)));
                });
                before = after;
            }
        }
        return rows;
    }

    /** The per-epoch history of every training stage (baseline, fine-tune-*, retrain-*), when it trained. */
    private List<Row> trainingRows(Outcome o) {
        List<Row> rows = new ArrayList<>();
        addEpochs(rows, "baseline", o.baseline().result().history());
        for (String method : o.methods()) {
            for (ExperimentRun.Round round : o.rounds()) {
                Recorded<StageResults.Retrained> tuned = round.fineTuned().get(method);
                if (tuned != null) {
                    addEpochs(rows, "fine-tune-" + method + o.settings().schedule().suffix(round.number()),
                            tuned.result().history());
                }
            }
            addEpochs(rows, "retrain-" + method, o.retrained().get(method).result().history());
        }
        return rows;
    }

    private void addEpochs(List<Row> rows, String stage, List<Epoch> history) {
        for (Epoch e : history) {
            rows.add(RowFactory.create(run.runId(), stage, e.epoch(), e.learningRate(), e.loss(), e.validationAccuracy(),
                    e.seconds(), e.heapMib(), e.offHeapMib(), e.residentMib()));
        }
    }

    private List<Row> sweepRows(Outcome o) {
        List<Row> rows = new ArrayList<>();
        for (ExperimentRun.Round round : o.rounds()) {
            StageResults.Sweep sweep = round.sweep();
            int[] points = StageResults.points(sweep.cells());
            for (int i = 0; i < points.length; i++) {
                StageResults.SweepCell c = sweep.cells().get(i);
                rows.add(RowFactory.create(run.runId(), round.number(), c.group(), c.tau(), c.channels(), c.kept(),
                        1 - (double) c.kept() / c.channels(), c.validationAccuracy(),
                        sweep.baselineValidation() - c.validationAccuracy(),
                        Integer.valueOf(points[i]).equals(sweep.chosen().get(c.group()))));
            }
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
}
