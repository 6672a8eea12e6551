package dev.diversify.backend;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.nativeblas.NativeOpsHolder;

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
        return isDense(a, IntStream.range(0, a.rank()).toArray());
    }

    /**
     * True when dimensions {@code slowestFirst} of {@code a} lie in that order without gaps; dimensions of size 1
     * may have any stride (see {@link #isDense(INDArray)}).
     */
    static boolean isDense(INDArray a, int... slowestFirst) {
        long expected = 1;
        for (int i = slowestFirst.length - 1; i >= 0; i--) {
            int d = slowestFirst[i];
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    /**
     * Points {@code m} at {@code a}'s elements, which lie as {@code m}'s descriptor says: without gaps in its
     * order, or with {@code a}'s strides ({@link #strided}); a view's address includes its offset.
     */
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
        return primitiveCache(8, onEvict);
    }

    /** The same, keeping the most recently used {@code capacity}. */
    static <V extends AutoCloseable> Map<String, V> primitiveCache(int capacity, Consumer<V> onEvict) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                if (size() <= capacity) {
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

    /**
     * OpenMP's thread count for the calling thread's parallel regions. oneDNN sizes a primitive's scratchpad and
     * splits its work for the count at creation: our primitive caches key on it, so that a primitive is never
     * run with more threads than it was made for ({@link OneDnn#useThreadsOnThisThread} changes it per thread).
     */
    static int threads() {
        return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
    }

    /**
     * Attributes that make a primitive take its scratchpad as an argument ({@code DNNL_ARG_SCRATCHPAD}, see
     * {@link Scratchpad}) instead of from oneDNN's own per-thread scratchpad.
     */
    static primitive_attr userScratchpad() {
        primitive_attr attr = new primitive_attr();
        attr.set_scratchpad_mode(dnnl.scratchpad_mode.user);
        return attr;
    }

    /**
     * A primitive's scratchpad, in DL4J's working memory for the call, 64-byte aligned. Why: with oneDNN's
     * default scratchpad (one buffer per thread, kept by the thread that created the primitive), channels-last
     * convolutions corrupted the native heap of Spark executors (standalone cluster; not reproduced in one JVM).
     */
    static final class Scratchpad {
        private static final int ALIGNMENT = 64;
        private final memory memory;
        private final long bytes;

        /** Adds the scratchpad argument of {@code pd} (a primitive descriptor made with {@link #userScratchpad}) to {@code args}. */
        Scratchpad(primitive_desc_base pd, IntMemoryMap args) {
            memory.desc desc = pd.scratchpad_desc();
            bytes = desc.get_size();
            memory = unbound(desc);
            args.put(dnnl.DNNL_ARG_SCRATCHPAD, memory);
        }

        /** Binds a new scratchpad of {@code type} memory, held in {@code held} until the caller's stream is done. */
        void bind(LayerWorkspaceMgr workspaceMgr, ArrayType type, List<INDArray> held) {
            if (bytes == 0) {
                return;
            }
            INDArray buffer = held(held, workspaceMgr.createUninitialized(type, DataType.BYTE,
                    new long[] {bytes + ALIGNMENT}, 'c'));
            long address = buffer.data().address();
            memory.set_data_handle(new BytePointer(buffer.data().addressPointer())
                    .position((ALIGNMENT - address % ALIGNMENT) % ALIGNMENT));
        }
    }

    /** A reorder (a copy between two layouts, or within one) whose arrays are bound call by call. */
    static final class Reorder implements AutoCloseable {
        private final memory from;
        private final memory to;
        private final reorder reorder;
        private final IntMemoryMap args = new IntMemoryMap();

        Reorder(memory.desc fromDesc, memory.desc toDesc) {
            from = unbound(fromDesc);
            to = unbound(toDesc);
            reorder = new reorder(from, to);
            args.put(dnnl.DNNL_ARG_FROM, from);
            args.put(dnnl.DNNL_ARG_TO, to);
        }

        /** Queues the copy of {@code source} into {@code target} on {@code stream}; both stay alive until it is done. */
        void execute(INDArray source, INDArray target, stream stream) {
            bind(from, source);
            bind(to, target);
            reorder.execute(stream, args);
        }

        @Override
        public void close() {
            reorder.close();
            args.close();
        }
    }

    /** oneDNN's description of float array {@code a} as it lies in memory: its shape and strides in elements, views included. */
    static memory.desc strided(INDArray a) {
        return new memory.desc(a.shape(), memory.data_type.f32, a.stride());
    }

    /** A memory object of {@code desc} that is bound to arrays call by call. */
    static memory unbound(memory.desc desc) {
        return new memory(desc, CPU, new Pointer());
    }
}
