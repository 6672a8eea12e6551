package dev.diversify.results;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The schemas of a run's Parquet tables, each partitioned by {@code experiment} (the partition
 * column is not in the schema: it comes from the directory name). Columns and units are documented
 * in the README, "The pipeline".
 */
public final class Tables {
    private Tables() {
    }

    /**
     * One row per (method, round, state): params, statistics, MACs, FLOPs (2 x MACs), reductions in percent, test
     * accuracy; and what determines the numbers: seed, code revision, config, Spark master and workers.
     */
    public static final StructType METRICS = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("model", DataTypes.StringType, false)
            .add("dataset", DataTypes.StringType, false)
            .add("width", DataTypes.DoubleType, false)
            .add("method", DataTypes.StringType, false)
            .add("round", DataTypes.IntegerType, false)
            .add("state", DataTypes.StringType, false)
            .add("params", DataTypes.LongType, false)
            .add("bn_statistics", DataTypes.LongType, false)
            .add("macs", DataTypes.LongType, false)
            .add("flops", DataTypes.LongType, false)
            .add("params_reduction_pct", DataTypes.DoubleType, false)
            .add("flops_reduction_pct", DataTypes.DoubleType, false)
            .add("accuracy", DataTypes.DoubleType, false)
            .add("stage_seconds", DataTypes.DoubleType, false)
            .add("seed", DataTypes.LongType, false)
            .add("code_revision", DataTypes.StringType, false)
            .add("config", DataTypes.StringType, false)
            .add("spark_master", DataTypes.StringType, false)
            .add("workers", DataTypes.IntegerType, false);

    /**
     * One row per (method, round, convolution): channels before and after the round, its group, tau and kept
     * indices.
     */
    public static final StructType LAYERS = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("method", DataTypes.StringType, false)
            .add("round", DataTypes.IntegerType, false)
            .add("layer", DataTypes.StringType, false)
            .add("group", DataTypes.StringType, true)
            .add("channels_before", DataTypes.IntegerType, false)
            .add("channels_after", DataTypes.IntegerType, false)
            .add("tau", DataTypes.DoubleType, true)
            .add("kept_indices", DataTypes.createArrayType(DataTypes.IntegerType), true);

    /**
     * One row per (round, group, grid point) of the sensitivity sweep: validation accuracy with only that group
     * pruned; {@code fraction} is the share of the group's channels removed.
     */
    public static final StructType SWEEP = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("round", DataTypes.IntegerType, false)
            .add("group", DataTypes.StringType, false)
            .add("tau", DataTypes.DoubleType, false)
            .add("channels_before", DataTypes.IntegerType, false)
            .add("channels_kept", DataTypes.IntegerType, false)
            .add("fraction", DataTypes.DoubleType, false)
            .add("validation_accuracy", DataTypes.DoubleType, false)
            .add("accuracy_drop", DataTypes.DoubleType, false)
            .add("chosen", DataTypes.BooleanType, false);

    /** One row per training epoch of every training stage: learning rate, loss, validation accuracy, seconds, memory in MiB. */
    public static final StructType TRAINING = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("stage", DataTypes.StringType, false)
            .add("epoch", DataTypes.IntegerType, false)
            .add("learning_rate", DataTypes.DoubleType, false)
            .add("loss", DataTypes.DoubleType, false)
            .add("validation_accuracy", DataTypes.DoubleType, false)
            .add("seconds", DataTypes.DoubleType, false)
            .add("heap_mib", DataTypes.DoubleType, false)
            .add("off_heap_mib", DataTypes.DoubleType, false)
            .add("resident_mib", DataTypes.DoubleType, false);
}
