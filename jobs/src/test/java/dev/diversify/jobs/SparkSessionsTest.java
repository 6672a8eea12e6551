package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.backend.OneDnn;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {
    /** The user's executor options stay, and ours are added to them: executors need both. */
    @Test
    void executorOptionsAddOursToTheUsers() {
        System.setProperty("spark.executor.extraJavaOptions", "-Duser.option=1");
        System.setProperty(OneDnn.CONVOLUTION_PROPERTY, "dl4j");
        SparkSession spark = SparkSessions.start("executor-options", "local[1]");
        try {
            String options = spark.sparkContext().getConf().get("spark.executor.extraJavaOptions");
            assertTrue(options.contains("-Duser.option=1"), options);
            assertTrue(options.contains("-D" + OneDnn.HELPERS_DISABLE_PROPERTY + "=false"), options);
            assertTrue(options.contains("-D" + OneDnn.CONVOLUTION_PROPERTY + "=dl4j"), options);
        } finally {
            spark.stop();
            System.clearProperty("spark.executor.extraJavaOptions");
            System.clearProperty(OneDnn.CONVOLUTION_PROPERTY);
        }
    }
}
