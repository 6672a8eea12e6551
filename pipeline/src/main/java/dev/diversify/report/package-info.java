/**
 * What users read: one self-contained HTML page with the results table and plots, and the Markdown
 * summary tables, both built from a run's Parquet tables with Spark SQL. Depends on the table layout
 * ({@code results}) only, never on the pipeline that wrote them.
 */
package dev.diversify.report;
