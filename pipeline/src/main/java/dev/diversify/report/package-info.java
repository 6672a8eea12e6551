/**
 * The report users look at: one self-contained HTML page with the results table and plots, built
 * from a run's Parquet tables.
 */
package dev.diversify.report;
