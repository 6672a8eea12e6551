package dev.diversify.experiment;

/** Where a run's outputs live under its directory ({@code <root>/<runId>}). */
public record RunLayout(String directory) {

    public String metrics() {
        return directory + "/metrics";
    }

    public String layers() {
        return directory + "/layers";
    }

    public String sweep() {
        return directory + "/sweep";
    }

    public String training() {
        return directory + "/training";
    }

    /** An experiment's partition of a Parquet table. */
    public String partition(String table, String experiment) {
        return table + "/experiment=" + experiment;
    }

    public String model(String experiment, String name) {
        return directory + "/models/" + experiment + "/" + name + ".zip";
    }

    public String plan(String experiment, String name) {
        return directory + "/models/" + experiment + "/" + name + ".plan.json";
    }

    public String stageMarker(String experiment, String stage) {
        return directory + "/_stages/" + experiment + "/" + stage + ".json";
    }

    public String summary() {
        return directory + "/summary.md";
    }

    public String report() {
        return directory + "/report.html";
    }

    public String config() {
        return directory + "/run.conf";
    }

    public String syntheticData(String format) {
        return directory + "/synthetic-data/" + format;
    }
}
