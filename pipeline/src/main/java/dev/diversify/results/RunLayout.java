package dev.diversify.results;

/**
 * Where a run's outputs live under its directory ({@code <root>/<runId>}). Paths are strings, joined with
 * {@code /}; nothing here touches the file system.
 *
 * @param directory the run's directory, {@code <root>/<runId>}, any Hadoop URI
 */
public record RunLayout(String directory) {

    /** {@code <dir>/metrics}: the Parquet table {@link Tables#METRICS} (cost and accuracy per method and state). */
    public String metrics() {
        return directory + "/metrics";
    }

    /** {@code <dir>/layers}: the Parquet table {@link Tables#LAYERS} (channels before and after per convolution). */
    public String layers() {
        return directory + "/layers";
    }

    /** {@code <dir>/sweep}: the Parquet table {@link Tables#SWEEP} (the sensitivity sweep, one row per group and tau). */
    public String sweep() {
        return directory + "/sweep";
    }

    /** {@code <dir>/training}: the Parquet table {@link Tables#TRAINING} (one row per training epoch). */
    public String training() {
        return directory + "/training";
    }

    /**
     * An experiment's partition of a Parquet table: {@code <table>/experiment=<experiment>}, the directory
     * that holds that experiment's rows.
     *
     * @param table the table's path, e.g. {@link #metrics()}
     */
    public String partition(String table, String experiment) {
        return table + "/experiment=" + experiment;
    }

    /**
     * {@code <dir>/models/<experiment>/<name>.zip}: a network saved with DL4J's {@code ModelSerializer};
     * the pipeline's names are {@code baseline}, {@code <method>-pruned} (before retraining) and
     * {@code <method>} (retrained); iterative rounds add {@code -round-<r>} to the pruned networks and keep
     * {@code <method>-fine-tuned-round-<r>} (retrained between rounds).
     */
    public String model(String experiment, String name) {
        return directory + "/models/" + experiment + "/" + name + ".zip";
    }

    /**
     * {@code <dir>/_stages/<experiment>/_checkpoints/<training>}: where a training's state after its last
     * finished epoch is kept until the training ends ({@code <training>.json}, and the network it names), so
     * that a run stopped in the middle of a long training resumes after that epoch.
     */
    public String checkpoint(String experiment, String training) {
        return stages() + "/" + experiment + "/_checkpoints/" + training.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** {@code <dir>/models/<experiment>/<name>.onnx}: a retrained network as ONNX, for deployment. */
    public String onnx(String experiment, String name) {
        return directory + "/models/" + experiment + "/" + name + ".onnx";
    }

    /**
     * {@code <dir>/models/<experiment>/<name>.plan.json}: the {@code PruningPlan} (JSON) that a method applied
     * to the network it pruned (the baseline; in iterative round r, {@code name} is {@code <method>-round-<r>}
     * and the network is that round's input); absent for a method pruned without a single plan (layer-wise).
     */
    public String plan(String experiment, String name) {
        return directory + "/models/" + experiment + "/" + name + ".plan.json";
    }

    /**
     * {@code <dir>/_stages/<experiment>/_settings.conf}: the experiment's resolved settings when it first
     * started; a resumed run must have the same.
     */
    public String settings(String experiment) {
        return stages() + "/" + experiment + "/_settings.conf";
    }

    /** {@code <dir>/_stages}: one directory per experiment, holding its settings and stage markers. */
    public String stages() {
        return directory + "/_stages";
    }

    /**
     * {@code <dir>/_stages/<experiment>/<stage>.json}: the stage's recorded result and seconds, written when
     * it completes; a rerun of the run skips a stage whose marker exists.
     */
    public String stageMarker(String experiment, String stage) {
        return stages() + "/" + experiment + "/" + stage + ".json";
    }

    /**
     * {@code <dir>/_cache/sweep-cells/<key>.json}: sweep accuracies measured on one network and one set of
     * validation images, named by a digest of both, for experiments of the run that sweep the same network.
     */
    public String sweepCells(String key) {
        return directory + "/_cache/sweep-cells/" + key + ".json";
    }

    /** {@code <dir>/summary.md}: the run's Markdown summary. */
    public String summary() {
        return directory + "/summary.md";
    }

    /** {@code <dir>/report.html}: the run's HTML report. */
    public String report() {
        return directory + "/report.html";
    }

    /** {@code <dir>/run.conf}: the run's whole resolved config, as rendered when the run started. */
    public String config() {
        return directory + "/run.conf";
    }

    /**
     * {@code <dir>/synthetic-data/<format>}: synthetic data in that format's layout, written when an
     * experiment's data path is missing and it asks for synthetic data instead.
     */
    public String syntheticData(String format) {
        return directory + "/synthetic-data/" + format;
    }
}
