package dev.diversify.experiment;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.diversify.io.HadoopFiles;
import dev.diversify.results.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * Stage markers: a stage that finished writes its typed result (one of {@link StageResults}) and
 * its wall time as JSON after its outputs, so a rerun with the same run id returns the recorded
 * result instead of recomputing. Markers of the earlier, untyped version are read through
 * {@link MarkerUpgrade}; anything else that does not bind completely is refused.
 */
public final class Stages {
    /** NaN (an accuracy without data) is written as a bare NaN token, so reading must accept it. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES) // a missing number is an error, not 0
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // 0.4 must never bind as grid point 0
            .build();

    /**
     * A stage's result and how long the stage took when it ran.
     *
     * @param seconds wall time of the stage's first, complete attempt
     */
    public record Recorded<T>(T result, double seconds) {
    }

    private final RunLayout layout;
    private final Progress progress;

    /** Markers under {@code layout}'s {@code _stages/}; skipped stages are reported to {@code progress}. */
    public Stages(RunLayout layout, Progress progress) {
        this.layout = layout;
        this.progress = progress;
    }

    /**
     * The result of {@code stage} of {@code experiment}: the recorded one when its marker exists, else
     * what {@code work} returns, then recorded.
     *
     * @throws UncheckedIOException when the marker cannot be written, or exists but does not hold a
     *     {@code type} (written by another version): the message names the file to delete
     */
    public <T> Recorded<T> run(String experiment, String stage, Class<T> type, Supplier<T> work) {
        String marker = layout.stageMarker(experiment, stage);
        if (HadoopFiles.exists(marker)) {
            progress.say(experiment, stage + ": complete in an earlier attempt, skipped");
            return read(marker, type);
        }
        long start = System.nanoTime();
        Recorded<T> recorded = new Recorded<>(work.get(), (System.nanoTime() - start) / 1e9);
        HadoopFiles.writeText(marker, toJson(recorded));
        return recorded;
    }

    static String toJson(Recorded<?> recorded) {
        ObjectNode node = JSON.createObjectNode();
        node.put("seconds", recorded.seconds());
        node.set("result", JSON.valueToTree(recorded.result()));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> Recorded<T> fromJson(String json, Class<T> type) throws IOException {
        JsonNode node = JSON.readTree(json);
        if (node != null && MarkerUpgrade.isLegacy(node)) {
            node = MarkerUpgrade.upgrade(node, type);
        } else if (node != null && type == StageResults.Sweep.class) {
            MarkerUpgrade.upgradeChosenTaus(node);
        }
        if (node == null || !node.has("result") || !node.has("seconds")) {
            throw new IOException("no 'result' and 'seconds'");
        }
        return new Recorded<>(JSON.treeToValue(node.get("result"), type), node.get("seconds").asDouble());
    }

    /**
     * The result and seconds recorded in {@code marker}.
     *
     * @throws UncheckedIOException naming the marker when it cannot be read or does not hold a {@code type}
     */
    static <T> Recorded<T> read(String marker, Class<T> type) {
        try {
            return fromJson(HadoopFiles.readText(marker), type);
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException("unreadable stage marker " + marker + " (expected a " + type.getSimpleName()
                    + " result; written by another version?): " + e.getMessage() + "; delete it to recompute the stage",
                    e instanceof IOException io ? io : new IOException(e));
        }
    }
}
