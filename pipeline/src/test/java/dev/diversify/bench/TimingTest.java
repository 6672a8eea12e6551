package dev.diversify.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimingTest {
    @Test
    void warmUpLastsItsSecondsThoughItsRunsAreDoneEarlier() {
        List<Long> starts = new ArrayList<>();
        long begin = System.nanoTime();
        Timing t = Timing.measure(() -> {
            starts.add(System.nanoTime());
            sleep(5);
        }, new Timing.Warmup(1, 0.2), 3);
        assertEquals(3, t.repetitions());
        // the first measured run is the third from the end; it starts after the 0.2 s of warm-up
        long firstMeasured = starts.get(starts.size() - 3);
        assertTrue(firstMeasured - begin >= 200_000_000L, (firstMeasured - begin) / 1e6 + " ms of warm-up");
        assertTrue(starts.size() - 3 > 1, "warm-up ran " + (starts.size() - 3) + " times");
    }

    @Test
    void warmUpRunsItsRunsThoughItsSecondsAreOver() {
        int[] calls = {0};
        Timing.measure(() -> calls[0]++, new Timing.Warmup(7, 0), 2);
        assertEquals(9, calls[0]);
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        Timing t = Timing.of(new double[] {4, 1, 3, 2});
        assertEquals(2.5, t.medianMs());
        assertEquals(1, t.minMs());
        assertEquals(4, t.maxMs());
    }

    /**
     * Side by side: each task warmed up, then turns of one unmeasured and up to three measured runs, the order
     * reversed every other round; seven measured runs each take three rounds (3 + 3 + 1).
     */
    @Test
    void tasksSideBySideTakeTurnsInAlternatingOrder() {
        StringBuilder calls = new StringBuilder();
        List<Timing> timings = Timing.interleaved(List.of(() -> calls.append('a'), () -> {
            calls.append('b');
            sleep(2);
        }), Timing.Warmup.runs(2), 7, 3);
        assertEquals("aabb" + "aaaa" + "bbbb" + "bbbb" + "aaaa" + "aa" + "bb", calls.toString());
        assertEquals(List.of(7, 7), timings.stream().map(Timing::repetitions).toList());
        assertTrue(timings.get(1).minMs() >= 2, "b's own runs are timed: " + timings.get(1));
    }

    @Test
    void sideBySideRefusesNoRuns() {
        List<Runnable> tasks = List.of(() -> { });
        assertThrows(IllegalArgumentException.class, () -> Timing.interleaved(tasks, Timing.Warmup.runs(0), 0, 3));
        assertThrows(IllegalArgumentException.class, () -> Timing.interleaved(tasks, Timing.Warmup.runs(0), 3, 0));
    }

    @Test
    void refusesNegativeOrEndlessWarmUps() {
        assertThrows(IllegalArgumentException.class, () -> new Timing.Warmup(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Timing.Warmup(0, -0.5));
        assertThrows(IllegalArgumentException.class, () -> new Timing.Warmup(0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Timing.Warmup(0, Double.POSITIVE_INFINITY));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
