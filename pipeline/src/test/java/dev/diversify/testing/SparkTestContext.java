package dev.diversify.testing;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@code local[2]} Spark context shared by every test of the JVM that asks for a
 * {@link JavaSparkContext} parameter; stopped when all tests are done.
 */
public final class SparkTestContext implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == JavaSparkContext.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Holder.class, key -> new Holder(), Holder.class).sc;
    }

    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        final JavaSparkContext sc = new JavaSparkContext(new SparkConf()
                .setMaster("local[2]")
                .setAppName("diversify-tests")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator"));

        @Override
        public void close() {
            sc.stop();
        }
    }
}
