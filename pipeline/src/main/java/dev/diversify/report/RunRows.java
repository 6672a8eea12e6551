package dev.diversify.report;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A run's table rows, written by this version or by one before tables had a {@code round} column. */
final class RunRows {
    private RunRows() {
    }

    /**
     * Every row of the Parquet table at {@code path}, ordered by those of {@code columns} the table has. Schemas
     * are merged: a run resumed by a later version holds partitions of both.
     *
     * @throws org.apache.spark.sql.AnalysisException (unchecked in Spark 3) when the table is missing
     */
    static List<Row> read(SparkSession spark, String path, String... columns) {
        Dataset<Row> rows = spark.read().option("mergeSchema", "true").parquet(path);
        List<String> present = Arrays.asList(rows.columns());
        String[] order = Arrays.stream(columns).filter(present::contains).toArray(String[]::new);
        return rows.orderBy(order[0], Arrays.copyOfRange(order, 1, order.length)).collectAsList();
    }

    /**
     * The metrics table's rows in the order things happened: by experiment, the baseline first, then each method
     * (in name order) round by round, pruned before fine-tuned before retrained.
     */
    static List<Row> metrics(SparkSession spark, String path) {
        List<String> states = List.of("baseline", "pruned", "fine-tuned", "retrained");
        return read(spark, path, "experiment", "method", "round", "state").stream().sorted(java.util.Comparator
                .comparing((Row r) -> r.<String>getAs("experiment"))
                .thenComparing(r -> !"baseline".equals(r.getAs("method")))
                .thenComparing(r -> r.<String>getAs("method"))
                .thenComparingInt(RunRows::round)
                .thenComparingInt(r -> states.indexOf(r.<String>getAs("state")))).toList();
    }

    /**
     * A row's round: its column, or in rows written before rounds existed 0 for the baseline and 1 for
     * everything else.
     */
    static int round(Row row) {
        List<String> fields = Arrays.asList(row.schema().fieldNames());
        if (fields.contains("round") && row.getAs("round") != null) {
            return row.<Integer>getAs("round");
        }
        return fields.contains("method") && "baseline".equals(row.getAs("method")) ? 0 : 1;
    }
}
