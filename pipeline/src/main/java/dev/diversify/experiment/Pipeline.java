package dev.diversify.experiment;

import dev.diversify.config.SettingsChanges;
import dev.diversify.data.DataFormat;
import dev.diversify.data.DataSettings;
import dev.diversify.data.DatasetSource;
import dev.diversify.data.SyntheticData;
import dev.diversify.io.HadoopFiles;
import dev.diversify.report.HtmlReport;
import dev.diversify.report.MarkdownSummary;
import dev.diversify.results.RunLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a run's experiments as concurrent Spark jobs (at most {@code max-concurrent} in flight,
 * each in its own FAIR scheduler pool, so the cluster stays busy while one experiment is in a
 * driver-side step), writes each experiment's tables when it finishes, and then {@code summary.md}.
 */
public final class Pipeline {
    private final SparkSession spark;
    private final RunSettings run;
    private final RunLayout layout;
    private final Progress progress;

    /** A pipeline over {@code spark} for {@code run} (already through {@link #preflight}), reporting to {@code progress}. */
    public Pipeline(SparkSession spark, RunSettings run, Progress progress) {
        this.spark = spark;
        this.run = run;
        this.layout = new RunLayout(run.runDirectory());
        this.progress = progress;
    }

    /**
     * Checks every experiment's data before any Spark work: opens (and so validates) each dataset,
     * generating the synthetic stand-in where allowed, and loads each {@code baseline.model} on it. Problems of all
     * experiments are listed together.
     */
    public static RunSettings preflight(RunSettings run, Progress progress) {
        RunLayout layout = new RunLayout(run.runDirectory());
        List<String> problems = new ArrayList<>();
        List<ExperimentSettings> checked = new ArrayList<>();
        for (ExperimentSettings experiment : run.experiments()) {
            ExperimentSettings resolved = experiment;
            DataSettings data = experiment.data();
            try {
                if (data.syntheticIfMissing() && !HadoopFiles.exists(data.source().path())) {
                    String synthetic = layout.syntheticData("cifar10");
                    if (!HadoopFiles.exists(synthetic)) {
                        SyntheticData.write(DataFormat.CIFAR10, synthetic, DataSettings.SYNTHETIC_TRAIN,
                                DataSettings.SYNTHETIC_TEST, 1, false);
                    }
                    progress.say(experiment.id(), "NOTE: " + data.source().path() + " does not exist; using SYNTHETIC "
                            + "CIFAR-10-format data from " + synthetic + " (results are not about real images)");
                    resolved = experiment.withData(data.withSource(synthetic, DataFormat.CIFAR10));
                }
                DatasetSource source = resolved.data().source().open();
                if (resolved.baselineModel() != null) {
                    try { // a model brought in must fit the data before hours of Spark work depend on it
                        BaselineStage.load(resolved, source);
                    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                        problems.add("diversify.experiments." + experiment.id() + ".baseline.model: " + e.getMessage());
                    }
                }
                String started = layout.settings(experiment.id());
                if (HadoopFiles.exists(started)) {
                    List<String> changes = SettingsChanges.between(HadoopFiles.readText(started),
                            experiment.renderedConfig());
                    if (!changes.isEmpty()) {
                        problems.add("diversify.experiments." + experiment.id() + ": run " + run.runId() + " started "
                                + "this experiment with other settings, and a resume reuses its completed stages: "
                                + String.join("; ", changes) + ". Resume with the settings it started with ("
                                + started + "), or start a new --run-id");
                    }
                }
            } catch (com.typesafe.config.ConfigException e) {
                problems.add("diversify.experiments." + experiment.id() + ": cannot read the settings it started with, "
                        + layout.settings(experiment.id()) + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                problems.add("diversify.experiments." + experiment.id() + ".data: " + e.getMessage());
            }
            checked.add(resolved);
        }
        if (!problems.isEmpty()) {
            throw new dev.diversify.config.InvalidConfigException(problems);
        }
        return run.withExperiments(checked);
    }

    /** Runs every experiment; throws after the others finish if any failed. */
    public void run() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles.writeText(layout.config(), run.renderedConfig());
        Stages stages = new Stages(layout, progress);
        ResultTables tables = new ResultTables(spark, layout, run);
        progress.say("run", "run " + run.runId() + " -> " + layout.directory() + " (" + run.experiments().size()
                + " experiments, " + run.maxConcurrent() + " at a time)");
        ExecutorService pool = Executors.newFixedThreadPool(run.maxConcurrent());
        Map<String, Future<?>> running = new LinkedHashMap<>();
        for (ExperimentSettings experiment : run.experiments()) {
            running.put(experiment.id(), pool.submit(() -> {
                sc.setLocalProperty("spark.scheduler.pool", experiment.id());
                sc.setJobGroup(experiment.id(), "diversify experiment " + experiment.id(), false);
                if (!HadoopFiles.exists(layout.settings(experiment.id()))) {
                    HadoopFiles.writeText(layout.settings(experiment.id()), experiment.renderedConfig());
                }
                tables.write(new ExperimentRun(experiment, layout, stages, progress, sc, run.partitions()).run());
                return null;
            }));
        }
        pool.shutdown();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Future<?>> e : running.entrySet()) {
            try {
                e.getValue().get();
            } catch (ExecutionException failure) {
                Throwable cause = failure.getCause();
                progress.failure(e.getKey(), cause);
                failures.add(e.getKey() + ": " + cause);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + e.getKey(), interrupted);
            }
        }
        if (failures.size() < run.experiments().size()) {
            HadoopFiles.writeText(layout.summary(), MarkdownSummary.page(spark, layout.directory(), run.runId()));
            HadoopFiles.writeText(layout.report(), HtmlReport.render(spark, layout));
            progress.say("run", "summary: " + layout.summary() + ", report: " + layout.report());
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " experiment(s) failed; rerun with --run-id "
                    + run.runId() + " to resume:\n  " + String.join("\n  ", failures));
        }
    }
}
