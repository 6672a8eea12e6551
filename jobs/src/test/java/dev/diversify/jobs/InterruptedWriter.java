package dev.diversify.jobs;

import dev.diversify.io.HadoopFiles;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * A process that stops in the middle of one kind of write, to be killed there ({@link InterruptedWritesTest}):
 * {@code file DIR} (an atomic file write: models, plans, markers, summary, report) or {@code table DIR} (a
 * Parquet partition written by Spark). It prints {@code IN-WRITE} once the write has started.
 */
public final class InterruptedWriter {
    private InterruptedWriter() {
    }

    public static void main(String[] args) throws Exception {
        String dir = args[1];
        if (args[0].equals("file")) {
            HadoopFiles.writeAtomically(dir + "/models/e/baseline.zip", out -> {
                out.write(new byte[4096]);
                out.flush();
                System.out.println("IN-WRITE");
                System.out.flush();
                sleep();
            });
        } else {
            SparkSession spark = SparkSession.builder().master("local[2]").appName("interrupted")
                    .config("spark.ui.enabled", "false").getOrCreate();
            Path staging = HadoopFiles.staging(new Path(dir + "/sweep/experiment=e"));
            spark.createDataset(List.of(1, 2, 3, 4), Encoders.INT()).repartition(2)
                    .map((org.apache.spark.api.java.function.MapFunction<Integer, Integer>) v -> {
                        if (v == 4) {
                            System.out.println("IN-WRITE");
                            System.out.flush();
                            sleep();
                        }
                        return v;
                    }, Encoders.INT())
                    .write().parquet(staging.toString());
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
