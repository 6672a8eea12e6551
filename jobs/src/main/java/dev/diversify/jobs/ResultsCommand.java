package dev.diversify.jobs;

import dev.diversify.experiment.StageTimes;
import dev.diversify.report.MarkdownSummary;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code diversify results}: the summary table of a run, from its Parquet metrics. */
@Command(name = "results", mixinStandardHelpOptions = true,
        header = "Prints the summary table of a run.",
        description = "Reads the run's Parquet metrics with Spark SQL and prints one Markdown row per experiment; "
                + "--detail adds every method and state, the chosen thresholds and the channels per convolution; "
                + "--compare, the criteria compared over the run's experiments; --stages, the wall time of every "
                + "stage.")
final class ResultsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "RUN_DIR", description = "A run's directory (RUN_ROOT/RUN_ID), local or hdfs://.")
    private String runDirectory;

    @Option(names = "--detail", description = "Also print every method and state per experiment, the chosen thresholds and the channels.")
    private boolean detail;

    @Option(names = "--compare", description = "Also print, per model and method, the most parameters removed at no "
            + "loss (0.3 points) and within one point, and the diversifying rule's retrained accuracy minus each other "
            + "criterion's per experiment, with their mean, standard deviation and signs.")
    private boolean compare;

    @Option(names = "--stages", description = "Also print the wall time of every completed stage (from its marker), "
            + "with the epochs and training images/s of the stages that train.")
    private boolean stages;

    @Override
    public Integer call() {
        SparkSessions.requireRun(runDirectory);
        String table = SparkSessions.with("diversify results", spark -> MarkdownSummary.summary(spark, runDirectory)
                + (detail ? MarkdownSummary.detail(spark, runDirectory) : "")
                + (compare ? MarkdownSummary.comparison(spark, runDirectory) : "")
                + (stages ? StageTimes.markdown(StageTimes.of(runDirectory)) : ""));
        spec.commandLine().getOut().print(table);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
