package dev.diversify.backend;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What our oneDNN layers share: the CPU engine, and ND4J arrays handed to oneDNN by address. */
final class Dnnl {
    /** oneDNN's CPU engine ({@code org.bytedeco:dnnl}, a oneDNN of its own, apart from the one inside ND4J). */
    static final engine CPU = new engine(engine.kind.cpu, 0);

    private Dnnl() {
    }

    /** {@code a} itself when its elements lie contiguously in C order (oneDNN reads it by address), else a copy. */
    static INDArray dense(INDArray a) {
        return isDense(a) ? a : a.dup('c');
    }

    /**
     * True when {@code a}'s elements lie in C order without gaps. Dimensions of size 1 may have any stride
     * (ND4J's own check, {@code Shape.hasDefaultStridesForShape}, refuses a [48, 108, 1, 1] view with
     * strides [108, 1, 1, 1]).
     */
    static boolean isDense(INDArray a) {
        long expected = 1;
        for (int i = a.rank() - 1; i >= 0; i--) {
            if (a.size(i) != 1 && a.stride(i) != expected) {
                return false;
            }
            expected *= a.size(i);
        }
        return true;
    }

    /** Points {@code m} at {@code a}'s elements; {@code a} is dense (a view's address includes its offset). */
    static void bind(memory m, INDArray a) {
        m.set_data_handle(a.data().addressPointer());
    }

    /**
     * Adds {@code a} to {@code held} and returns it. oneDNN reads and writes arrays by address: each call
     * keeps the arrays it binds in a list that it fences after the stream is done, or, outside DL4J's
     * workspaces, a garbage collection in between could free one (a dense copy, a reorder buffer).
     */
    static INDArray held(List<INDArray> held, INDArray a) {
        held.add(a);
        return a;
    }

    /**
     * A cache of primitives by shape for one layer, the most recently used 8 kept (a layer sees a few
     * batch sizes); an evicted entry is handed to {@code onEvict}, then its native objects are closed.
     */
    static <V extends AutoCloseable> Map<String, V> primitiveCache(Consumer<V> onEvict) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                if (size() <= 8) {
                    return false;
                }
                onEvict.accept(eldest.getValue());
                try {
                    eldest.getValue().close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot release oneDNN primitives", e);
                }
                return true;
            }
        };
    }

    /** A memory object of {@code desc} that is bound to arrays call by call. */
    static memory unbound(memory.desc desc) {
        return new memory(desc, CPU, new Pointer());
    }
}
