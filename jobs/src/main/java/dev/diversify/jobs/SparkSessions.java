package dev.diversify.jobs;

import dev.diversify.backend.OneDnn;
import dev.diversify.results.RunLayout;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Starts the Spark session of a command. Under spark-submit the master and resources come from
 * there; in a plain JVM (deploy/diversify, tests) it runs {@code local[*]}. Settings the user gave
 * win; ours only fill gaps: Kryo with ND4J's registrator, FAIR scheduling for concurrent experiments,
 * a driver GC every minute so that Spark's cleaner frees old broadcasts.
 */
final class SparkSessions {
    private SparkSessions() {
    }

    static SparkSession start(String appName) {
        return start(appName, null);
    }

    /** A session on {@code master} (e.g. {@code local[2]}) whatever spark-submit set; null: as {@link #start(String)}. */
    static SparkSession start(String appName, String master) {
        OneDnn.enableHelpers();
        SparkConf given = new SparkConf(); // spark.* system properties, as spark-submit sets them
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (master != null || !given.contains("spark.master")) {
            builder.master(master != null ? master : "local[*]")
                    .config("spark.driver.host", given.get("spark.driver.host", "127.0.0.1"));
        }
        fill(builder, given, "spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        fill(builder, given, "spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        fill(builder, given, "spark.scheduler.mode", "FAIR");
        // The cleaner frees unreachable broadcasts (DL4J broadcasts the parameters every averaging round,
        // and executors keep a copy of each) only after a GC of the driver, which is rare in a driver
        // that allocates little: collect every minute so that executor memory stays flat.
        fill(builder, given, "spark.cleaner.periodicGC.interval", "1min");
        StringBuilder executorOptions = new StringBuilder("-D" + OneDnn.HELPERS_DISABLE_PROPERTY + "=false");
        for (String property : new String[] {OneDnn.BATCH_NORM_PROPERTY, OneDnn.CONVOLUTION_PROPERTY}) {
            if (System.getProperty(property) != null) { // the driver's choice of layers holds on the executors too
                executorOptions.append(" -D").append(property).append('=').append(System.getProperty(property));
            }
        }
        // added to the user's own executor options, not dropped when there are some: without the first,
        // DL4J runs pooling without oneDNN on the executors
        String userOptions = given.get("spark.executor.extraJavaOptions", "");
        builder.config("spark.executor.extraJavaOptions", (userOptions + " " + executorOptions).trim());
        return builder.getOrCreate();
    }

    /** Runs {@code body} in a session started for it, and stops the session afterwards. */
    static <T> T with(String appName, java.util.function.Function<SparkSession, T> body) {
        SparkSession spark = start(appName);
        try {
            return body.apply(spark);
        } finally {
            spark.stop();
        }
    }

    /** Checks that {@code runDirectory} holds a run's tables. */
    static void requireRun(String runDirectory) {
        if (!dev.diversify.io.HadoopFiles.exists(new RunLayout(runDirectory).metrics())) {
            throw new IllegalArgumentException("no metrics under " + runDirectory
                    + " (expected a run directory RUN_ROOT/RUN_ID holding metrics/)");
        }
    }

    private static void fill(SparkSession.Builder builder, SparkConf given, String key, String value) {
        if (!given.contains(key)) {
            builder.config(key, value);
        }
    }
}
