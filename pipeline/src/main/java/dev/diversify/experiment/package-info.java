/**
 * The pipeline: run and experiment settings read from config, and the stages of an experiment
 * (data, baseline, similarity, sweep, prune, retrain, compare), one class each, whose typed results
 * ({@link dev.diversify.experiment.StageResults}) are recorded in resumable stage markers; the pure
 * decisions between stages ({@link dev.diversify.experiment.Decisions}); concurrent experiments on
 * Spark; and each experiment's rows of the run's Parquet tables.
 */
package dev.diversify.experiment;
