package dev.diversify.experiment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diversify.io.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Stage markers: a stage that finished wrote its results (a small JSON map) after its outputs, so
 * a rerun with the same run id returns the recorded results instead of recomputing.
 */
public final class Stages {
    /** NaN (an accuracy without data) is written as a bare NaN token, so reading must accept it. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private final RunLayout layout;
    private final Progress progress;

    public Stages(RunLayout layout, Progress progress) {
        this.layout = layout;
        this.progress = progress;
    }

    public boolean isComplete(String experiment, String stage) {
        return HadoopFiles.exists(layout.stageMarker(experiment, stage));
    }

    /** The results of {@code stage}: recorded ones when it is complete, else those {@code work} returns (then recorded). */
    public Map<String, Object> run(String experiment, String stage, Supplier<Map<String, Object>> work) {
        String marker = layout.stageMarker(experiment, stage);
        if (HadoopFiles.exists(marker)) {
            progress.say(experiment, stage + ": complete in an earlier attempt, skipped");
            return read(marker);
        }
        long start = System.nanoTime();
        Map<String, Object> results = new LinkedHashMap<>(work.get());
        results.putIfAbsent("seconds", (System.nanoTime() - start) / 1e9);
        try {
            HadoopFiles.writeText(marker, JSON.writeValueAsString(results));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return results;
    }

    private static Map<String, Object> read(String marker) {
        try {
            return JSON.readValue(HadoopFiles.readText(marker), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable stage marker " + marker + ": " + e.getMessage(), e);
        }
    }
}
