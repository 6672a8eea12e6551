package dev.diversify.jobs;

import dev.diversify.experiment.Results;
import dev.diversify.io.HadoopFiles;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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

    @Override
    public Integer call() {
        if (!HadoopFiles.exists(runDirectory + "/metrics")) {
            throw new IllegalArgumentException("no metrics under " + runDirectory
                    + " (expected a run directory RUN_ROOT/RUN_ID holding metrics/)");
        }
        SparkSession spark = SparkSessions.start("diversify results");
        try {
            spec.commandLine().getOut().print(Results.summary(spark, runDirectory));
            spec.commandLine().getOut().flush();
        } finally {
            spark.stop();
        }
        return 0;
    }
}
