import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * ONNX Runtime latency and throughput of ONNX files, side by side: what a pruned model gains where it is deployed.
 *
 * <p>Runs with the ONNX Runtime jar the test build fetches into the local Maven repository (Java 11+ runs a
 * single source file; nothing is compiled into the project):
 *
 * <pre>
 * ORT=~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.20.0/onnxruntime-1.20.0.jar
 * java -cp $ORT bench/peer/OrtLatency.java --input 1x32x32 --threads 2 original.onnx pruned.onnx
 * </pre>
 *
 * For each file: median milliseconds of one image (batch 1) and images/s at batch 64, over uniform random
 * inputs (seed 7), after 20 warm-up runs; 2,000 timed runs at batch 1 and 200 at batch 64. The session uses
 * --threads intra-op threads and all graph optimisations.
 */
public final class OrtLatency {
    public static void main(String[] args) throws Exception {
        long[] chw = {3, 32, 32};
        int threads = 2;
        int first = 0;
        while (first < args.length && args[first].startsWith("--")) {
            if (args[first].equals("--input")) {
                chw = Arrays.stream(args[first + 1].split("x")).mapToLong(Long::parseLong).toArray();
            } else if (args[first].equals("--threads")) {
                threads = Integer.parseInt(args[first + 1]);
            } else {
                throw new IllegalArgumentException("unknown option " + args[first]);
            }
            first += 2;
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        System.out.printf("| model | batch 1: median ms | batch 64: images/s |%n|---|---|---|%n");
        for (String file : Arrays.copyOfRange(args, first, args.length)) {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(file, options)) {
                String input = session.getInputNames().iterator().next();
                double one = median(session, env, input, chw, 1, 2000);
                double batch = median(session, env, input, chw, 64, 200);
                System.out.printf("| %s | %.3f | %.0f |%n", file, one * 1e3, 64 / batch);
            }
        }
    }

    /** Median seconds of one run on a batch of {@code n} random images, after 20 warm-up runs. */
    private static double median(OrtSession session, OrtEnvironment env, String input, long[] chw, int n, int runs)
            throws Exception {
        float[] values = new float[(int) (n * chw[0] * chw[1] * chw[2])];
        Random random = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), new long[] {n, chw[0], chw[1],
                chw[2]})) {
            double[] seconds = new double[runs];
            for (int i = -20; i < runs; i++) {
                long start = System.nanoTime();
                try (OrtSession.Result ignored = session.run(Map.of(input, x))) {
                    if (i >= 0) {
                        seconds[i] = (System.nanoTime() - start) / 1e9;
                    }
                }
            }
            Arrays.sort(seconds);
            return seconds[runs / 2];
        }
    }
}
