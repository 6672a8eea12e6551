package dev.diversify.jobs;

import dev.diversify.experiment.Results;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code diversify results}: the summary table of a run, from its Parquet metrics. */
@Command(name = "results", mixinStandardHelpOptions = true,
        description = "Prints the summary table of a run from its Parquet metrics (read with Spark SQL).")
final class ResultsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "RUN_DIR", description = "A run's directory (RUN_ROOT/RUN_ID), local or hdfs://.")
    private String runDirectory;

    @Option(names = "--detail", description = "Also every method and state per experiment, the chosen thresholds and channels.")
    private boolean detail;

    @Override
    public Integer call() {
        SparkSessions.requireRun(runDirectory);
        String table = SparkSessions.with("diversify results", spark -> Results.summary(spark, runDirectory)
                + (detail ? Results.detail(spark, runDirectory) : ""));
        spec.commandLine().getOut().print(table);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
