/**
 * The pipeline: run and experiment settings read from config, the stages of an experiment
 * (data, baseline, similarity, sweep, prune, retrain, compare) with resumable stage markers,
 * concurrent experiments on Spark, and the results as Parquet tables and a summary.
 */
package dev.diversify.experiment;
