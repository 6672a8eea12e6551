package org.nd4j.nativeblas;

/**
 * Compatibility shim for a DL4J 1.0.0-M2 bug. {@code BaseMKLDNNHelper} looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()} by reflection, but
 * M2 ships that binding as {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment}
 * with {@code isUseONEDNN()}. Without this class the lookup fails silently and every oneDNN
 * layer helper is dropped (about 6x slower training). It must be on every classpath.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** Forwards the old lookup to the M2 binding. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
