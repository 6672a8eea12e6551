package dev.diversify.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class DnnlTest {
    private static final class Entry implements AutoCloseable {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void theCacheKeepsTheEightMostRecentlyUsedAndClosesWhatItEvicts() {
        List<Entry> evicted = new ArrayList<>();
        Map<String, Entry> cache = Dnnl.primitiveCache(evicted::add);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            entries.add(cache.computeIfAbsent(Integer.toString(i), k -> new Entry()));
        }
        cache.get("0"); // used again: "1" is now the least recently used
        cache.computeIfAbsent("8", k -> new Entry());
        assertEquals(8, cache.size());
        assertEquals(List.of(entries.get(1)), evicted);
        assertTrue(entries.get(1).closed);
        assertFalse(entries.get(0).closed);
    }

    @Test
    void aViewWithStridedUnitDimensionsIsDense() {
        // DL4J's 1x1 weight-gradient views: ND4J's own check calls these non-contiguous
        assertTrue(Dnnl.isDense(Nd4j.create(DataType.FLOAT, 48 * 108).reshape(48, 108, 1, 1)));
        assertFalse(Dnnl.isDense(Nd4j.create(DataType.FLOAT, 4, 6).transpose()));
    }
}
