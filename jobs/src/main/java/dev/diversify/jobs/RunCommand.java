package dev.diversify.jobs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.diversify.experiment.Pipeline;
import dev.diversify.experiment.Progress;
import dev.diversify.results.RunLayout;
import dev.diversify.experiment.RunLock;
import dev.diversify.experiment.RunSettings;
import dev.diversify.io.HadoopFiles;
import java.io.File;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code diversify run}: the pipeline, every experiment of a config through every stage. */
@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Runs the experiments of a config through every stage of the pipeline.",
        description = "Each experiment goes through its baseline, similarities, threshold sweep, pruning, "
                + "retraining and comparisons, with its metrics written as Parquet under RUN_ROOT/RUN_ID. A rerun "
                + "with the same --run-id resumes, skipping the stages that completed. The config is checked "
                + "whole before any work starts: unknown keys and bad values are listed together and exit 2.")
final class RunCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--conf", paramLabel = "FILE",
            description = "The config (HOCON) to run, over the defaults (default: -Dconfig.file, else the defaults alone).")
    private File conf;

    @Option(names = "--out", paramLabel = "RUN_ROOT", description = "The run root, overriding diversify.run.root.")
    private String out;

    @Option(names = "--run-id", paramLabel = "ID", description = "The run id (default: diversify.run.id, else the start time).")
    private String runId;

    @Option(names = "--only", paramLabel = "EXP", split = ",", description = "Run only these experiments.")
    private List<String> only = List.of();

    @Override
    public Integer call() {
        Config config = load(conf);
        Progress progress = new Progress(System.out, Diversify.verbose(spec));
        RunSettings settings = RunSettings.load(config, out, runId, only);
        try (RunLock lock = RunLock.acquire(settings.runDirectory(), settings.runId(), settings.lockExpiry())) {
            List<String> removed = HadoopFiles.removeStaging(settings.runDirectory());
            if (!removed.isEmpty()) {
                progress.say("run", "removed " + removed.size() + " staged output(s) an interrupted attempt left: "
                        + String.join(", ", removed));
            }
            RunSettings run = Pipeline.preflight(settings, progress);
            SparkSession spark = SparkSessions.start("diversify run " + run.runId());
            try {
                new Pipeline(spark, run, progress).run();
                String summary = new RunLayout(run.runDirectory()).summary();
                spec.commandLine().getOut().println(HadoopFiles.readText(summary));
                spec.commandLine().getOut().flush();
            } finally {
                spark.stop();
            }
        }
        return 0;
    }

    /**
     * The config of a run: {@code file} over the defaults (or, without a file, {@code -Dconfig.file} or the
     * defaults alone).
     *
     * @throws IllegalArgumentException naming the file, line and problem for a missing file, a HOCON syntax
     *     error or an unresolved substitution
     */
    static Config load(File file) {
        ConfigFactory.invalidateCaches();
        if (file != null && !file.isFile()) {
            throw new IllegalArgumentException("config file not found: " + file);
        }
        try {
            return file == null ? ConfigFactory.load() : ConfigFactory.load(ConfigFactory.parseFile(file));
        } catch (ConfigException e) { // its message starts with the file and line
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
