package dev.diversify.experiment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import dev.diversify.config.ConfigReader;
import dev.diversify.config.KnownKeys;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A run: which experiments, where the outputs go, how many experiments are in flight at once.
 * Read from {@code diversify.run} and {@code diversify.experiments}; every problem of the whole
 * config (unknown keys included, see {@link KnownKeys}) is reported at once, before any Spark work starts.
 *
 * @param root            the run root (any Hadoop URI); outputs go under {@code root/runId}
 * @param runId           the run's id; a rerun with the same id resumes it
 * @param maxConcurrent   experiments run as concurrent Spark jobs, at most this many at once
 * @param partitions      data partitions per RDD (0: Spark's default parallelism)
 * @param lockExpiry      how long the run lock may go unrefreshed before another driver takes it over
 * @param experiments     the experiments, by id
 * @param renderedConfig  the whole resolved config, recorded with every result
 */
public record RunSettings(String root, String runId, int maxConcurrent, int partitions, java.time.Duration lockExpiry,
                          List<ExperimentSettings> experiments, String renderedConfig) {

    /** The same run with other (checked) experiments. */
    public RunSettings withExperiments(List<ExperimentSettings> checked) {
        return new RunSettings(root, runId, maxConcurrent, partitions, lockExpiry, checked, renderedConfig);
    }

    /** The run's directory, {@code root/runId} (any Hadoop URI). */
    public String runDirectory() {
        return root.replaceAll("/+$", "") + "/" + runId;
    }

    /**
     * Reads the run from a resolved config; {@code rootOverride}, {@code runIdOverride} (null: from
     * config) and {@code only} (empty: all) come from the command line.
     */
    public static RunSettings load(Config config, String rootOverride, String runIdOverride, List<String> only) {
        ConfigReader run = new ConfigReader(config, "diversify.run");
        String root = rootOverride != null ? rootOverride : run.string("root");
        if (root.isBlank()) {
            run.problem("root", "must be set to the run root (a local directory or hdfs:// URI)");
        }
        String runId = runIdOverride != null ? runIdOverride : run.string("id");
        if (runId.isBlank()) {
            runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        } else if (!runId.matches("[A-Za-z0-9._-]+")) {
            run.problem("id", "'" + runId + "' may only hold letters, digits, '.', '_' and '-'");
        }
        int maxConcurrent = run.intAtLeast("max-concurrent", 1);
        int partitions = run.intAtLeast("partitions", 0);
        java.time.Duration lockExpiry = run.durationAtLeast("lock-expiry", java.time.Duration.ofMinutes(1));

        ConfigReader all = new ConfigReader(config, "diversify");
        List<String> ids = all.keys("experiments");
        if (ids.isEmpty()) {
            all.problem("experiments", "no experiment is defined");
        }
        for (String id : only) {
            if (!ids.contains(id)) {
                all.problem("experiments", "--only names '" + id + "', which is not defined; defined: " + ids);
            }
        }
        Config defaults = config.getConfig("diversify.defaults");
        List<ExperimentSettings> experiments = new ArrayList<>();
        for (String id : ids) {
            if (!isPartitionSafe(id)) {
                all.problem("experiments." + id, "the experiment id '" + id + "' must start with a letter, hold only "
                        + "letters, digits, '.', '_' and '-', and not read as a number: it names the Parquet "
                        + "partition experiment=" + id + ", whose type Spark infers from the name");
            } else if (!config.hasPath("diversify.experiments." + ConfigUtil.joinPath(id))
                    || config.getValue("diversify.experiments." + ConfigUtil.joinPath(id)).valueType()
                    != ConfigValueType.OBJECT) {
                continue; // reported by KnownKeys
            } else if (only.isEmpty() || only.contains(id)) {
                Config merged = config.getConfig("diversify.experiments." + ConfigUtil.joinPath(id)).withFallback(defaults);
                experiments.add(ExperimentSettings.read(id, all.sibling(merged, "diversify.experiments." + id),
                        merged.root().render(ConfigRenderOptions.concise().setFormatted(true).setJson(false))));
            }
        }
        List<String> problems = new ArrayList<>(KnownKeys.problems(config));
        problems.addAll(run.problems());
        problems.addAll(all.problems());
        if (!problems.isEmpty()) {
            throw new dev.diversify.config.InvalidConfigException(problems);
        }
        String rendered = config.getConfig("diversify").root()
                .render(ConfigRenderOptions.concise().setFormatted(true).setJson(false));
        return new RunSettings(root, runId, maxConcurrent, partitions, lockExpiry, experiments, rendered);
    }

    /**
     * Spark's partition discovery turns names that parse as numbers ("7", "NaN", "Infinity") into
     * numeric columns, so only ids that stay strings are accepted.
     */
    static boolean isPartitionSafe(String id) {
        if (!id.matches("[A-Za-z][A-Za-z0-9._-]*")) {
            return false;
        }
        try {
            Double.parseDouble(id);
            return false;
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
