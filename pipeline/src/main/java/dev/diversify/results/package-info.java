/**
 * A run's outputs as data that writers and readers share: where each output lives under the run
 * directory ({@link dev.diversify.results.RunLayout}) and the schemas of its Parquet tables
 * ({@link dev.diversify.results.Tables}). It sits below both the pipeline that writes them and the
 * report that reads them.
 */
package dev.diversify.results;
