package dev.diversify.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.experiment.Stages.Recorded;
import dev.diversify.results.RunLayout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every stage record survives its marker: written, read back, equal (NaN and map order included). */
class StagesTest {
    private static final CostTotals COST = new CostTotals(123_456, 640, 9_876_543_210L);
    private static final List<Epoch> HISTORY = List.of(
            new Epoch(1, 0.05, 2.25, 0.41, 12.5, 300.5, 700.25, 1500.0),
            new Epoch(2, 0.005, 1.75, Double.NaN, 11.0, 310.0, 701.0, 1510.5));

    private static Map<String, Integer> channels() {
        Map<String, Integer> channels = new LinkedHashMap<>();
        channels.put("z_last_added_first", 16); // insertion order, not sorted order, must survive
        channels.put("a_conv", 8);
        return channels;
    }

    private static <T> void roundTrip(T result, Class<T> type) throws Exception {
        Recorded<T> recorded = new Recorded<>(result, 42.25);
        Recorded<T> read = Stages.fromJson(Stages.toJson(recorded), type);
        assertEquals(recorded, read, type.getSimpleName());
        assertEquals(Stages.toJson(recorded), Stages.toJson(read), "the same JSON again: map order included");
    }

    @Test
    void everyStageRecordRoundTrips() throws Exception {
        roundTrip(new StageResults.Data("fashion-mnist", "idx", 10, 1000, 500, 500, List.of(0.286, 0.286, 0.286),
                List.of(0.353, 0.353, 0.353)), StageResults.Data.class);
        roundTrip(new StageResults.Baseline(HISTORY, COST, channels(), 0.875, 0.8625), StageResults.Baseline.class);
        roundTrip(new StageResults.Baseline(List.of(), COST, channels(), Double.NaN, 0.5), StageResults.Baseline.class);
        Map<String, StageResults.GroupGrid> groups = new LinkedHashMap<>();
        groups.put("stem_conv", new StageResults.GroupGrid(4, List.of(0.2, 0.4), List.of(List.of(0, 1, 2, 3), List.of(0, 3))));
        groups.put("b1_conv1", new StageResults.GroupGrid(2, List.of(0.2, 0.4), List.of(List.of(0, 1), List.of(1))));
        roundTrip(new StageResults.Similarity(groups), StageResults.Similarity.class);
        Map<String, Integer> chosen = new LinkedHashMap<>();
        chosen.put("stem_conv", 1);
        roundTrip(new StageResults.Sweep(0.9, List.of(new StageResults.SweepCell("stem_conv", 0.2, 4, 4, 0.9),
                new StageResults.SweepCell("stem_conv", 0.4, 4, 2, 0.8875)), chosen), StageResults.Sweep.class);
        roundTrip(new StageResults.Pruned(COST, channels(), 0.1), StageResults.Pruned.class);
        roundTrip(new StageResults.Retrained(HISTORY, COST, 0.85), StageResults.Retrained.class);
    }

    @Test
    void aCompleteStageIsReadBackInsteadOfRunAgain(@TempDir Path dir) {
        Stages stages = new Stages(new RunLayout(dir.toString()), new Progress(new PrintStream(new ByteArrayOutputStream())));
        AtomicInteger runs = new AtomicInteger();
        StageResults.Pruned result = new StageResults.Pruned(COST, channels(), 0.75);
        Recorded<StageResults.Pruned> first = stages.run("e", "prune-l1", StageResults.Pruned.class, () -> {
            runs.incrementAndGet();
            return result;
        });
        Recorded<StageResults.Pruned> again = stages.run("e", "prune-l1", StageResults.Pruned.class, () -> {
            runs.incrementAndGet();
            return null;
        });
        assertEquals(1, runs.get());
        assertEquals(first, again);
        assertEquals(result, again.result());
        assertTrue(first.seconds() >= 0);
    }

    @Test
    void aMarkerThatDoesNotBindCompletelyIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        RunLayout layout = new RunLayout(dir.toString());
        Path marker = Path.of(layout.stageMarker("e", "baseline"));
        Files.createDirectories(marker.getParent());
        Stages stages = new Stages(layout, new Progress(new PrintStream(new ByteArrayOutputStream())));
        for (String json : List.of("{\"params\": 12, \"accuracy\": 0.5, \"seconds\": 3}", "{\"foo\": 1}",
                "{\"seconds\": 1, \"result\": {\"history\": []}}")) {
            Files.writeString(marker, json);
            var error = assertThrows(UncheckedIOException.class,
                    () -> stages.run("e", "baseline", StageResults.Baseline.class, () -> null), json);
            assertTrue(error.getMessage().contains(marker.toString()) && error.getMessage().contains("delete it"),
                    error.getMessage());
        }
    }

    private static String legacy(String name) throws Exception {
        try (var in = StagesTest.class.getResourceAsStream("/markers-v0/" + name + ".json")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Markers written by the untyped version (commit 5f018cb, resnet20 of the README run) resume. */
    @Test
    void markersOfTheUntypedVersionAreReadIntoTheirRecords() throws Exception {
        var data = Stages.fromJson(legacy("data"), StageResults.Data.class);
        assertEquals(new StageResults.Data("fashion-mnist", "idx", 10, 1000, 500, 500,
                List.of(0.21600845971200994, 0.21600845971200994, 0.21600845971200994),
                List.of(0.32848017693235554, 0.32848017693235554, 0.32848017693235554)), data.result());
        assertEquals(0.572348122, data.seconds());
        var baseline = Stages.fromJson(legacy("baseline"), StageResults.Baseline.class).result();
        assertEquals(new Epoch(1, 0.05, 2.0526922890612522, 0.17, 9.534382505, 95.9599838256836, 1265.39453125,
                2347.39453125), baseline.history().get(0));
        assertEquals(3, baseline.history().size());
        assertEquals(new CostTotals(17534, 392, 2633888), baseline.cost());
        assertEquals(21, baseline.channels().size());
        assertEquals("stem_conv", baseline.channels().keySet().iterator().next());
        var similarity = Stages.fromJson(legacy("similarity"), StageResults.Similarity.class).result();
        assertEquals(List.of(0, 2), similarity.groups().get("stem_conv").kept().get(5));
        var sweep = Stages.fromJson(legacy("sweep"), StageResults.Sweep.class).result();
        assertEquals(new StageResults.SweepCell("stem_conv", 1.0, 4, 2, 0.09), sweep.cells().get(5));
        assertEquals(0.482, sweep.baselineValidation());
        assertEquals(4, sweep.chosen().get("stem_conv"), "the chosen tau 0.9 is the group's point 4");
        assertEquals(0.9, sweep.chosenTau("stem_conv"));
        var pruned = Stages.fromJson(legacy("prune-l1"), StageResults.Pruned.class).result();
        assertEquals(new CostTotals(17534, 392, 2633888), pruned.cost());
        var retrained = Stages.fromJson(legacy("retrain-l1"), StageResults.Retrained.class);
        assertEquals(0.492, retrained.result().accuracy());
        assertEquals(1.6398342754097055, retrained.result().history().get(1).loss());
        assertEquals(31.674753257, retrained.seconds());
    }

    /** Sweep markers written while the chosen points were still thresholds are read as grid points, never as 0. */
    @Test
    void aSweepWhoseChosenPointsAreThresholdsIsReadAsGridPoints() throws Exception {
        String marker = """
                {"seconds": 2.5, "result": {"baselineValidation": 0.9, "cells": [
                  {"group": "a", "tau": 0.2, "channels": 4, "kept": 4, "validationAccuracy": 0.9},
                  {"group": "a", "tau": 0.4, "channels": 4, "kept": 2, "validationAccuracy": 0.89}],
                 "chosen": {"a": 0.4}}}""";
        var sweep = Stages.fromJson(marker, StageResults.Sweep.class).result();
        assertEquals(Map.of("a", 1), sweep.chosen());
        assertEquals(0.4, sweep.chosenTau("a"));
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> Stages.fromJson(marker.replace("\"a\": 0.4}", "\"a\": 0.7}"), StageResults.Sweep.class));
        assertTrue(unknown.getMessage().contains("none of its sweep cells"), unknown.getMessage());
    }
}
