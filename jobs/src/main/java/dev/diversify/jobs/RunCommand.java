package dev.diversify.jobs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.diversify.experiment.Pipeline;
import dev.diversify.experiment.Progress;
import dev.diversify.experiment.RunLayout;
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
        description = {"Runs the experiments of a config: baseline, similarity, threshold sweep, pruning,",
            "retraining and comparisons, with metrics as Parquet under RUN_ROOT/RUN_ID. A rerun with the same",
            "--run-id resumes, skipping the stages that completed."})
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
        Progress progress = new Progress(System.out);
        RunSettings run = Pipeline.preflight(RunSettings.load(config, out, runId, only), progress);
        SparkSession spark = SparkSessions.start("diversify run " + run.runId());
        try {
            new Pipeline(spark, run, progress).run();
            String summary = new RunLayout(run.runDirectory()).summary();
            spec.commandLine().getOut().println(HadoopFiles.readText(summary));
            spec.commandLine().getOut().flush();
        } finally {
            spark.stop();
        }
        return 0;
    }

    static Config load(File file) {
        ConfigFactory.invalidateCaches();
        if (file == null) {
            return ConfigFactory.load();
        }
        if (!file.isFile()) {
            throw new IllegalArgumentException("config file not found: " + file);
        }
        return ConfigFactory.load(ConfigFactory.parseFile(file));
    }
}
