package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.data.DataFormat;
import dev.diversify.data.SyntheticData;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster, because local mode hides serialisation mistakes: a Spark standalone master and
 * two workers as separate JVMs on 127.0.0.1, from the Maven classpath (a SPARK_HOME whose jars/
 * links to it), and the application jar submitted through deploy/submit. Runs in `mvn verify`
 * (failsafe), after the jar is built.
 */
class StandaloneClusterIT {
    private static final Path PROJECT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path TARGET = PROJECT.resolve("jobs/target");
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopEverything() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void submitsATinyRunThroughEveryStage() throws Exception {
        Path sparkHome = sparkHomeOfTheMavenClasspath();
        int masterPort = freePort();
        String master = "spark://127.0.0.1:" + masterPort;
        start("master", sparkHome, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(freePort()));
        waitForPort(masterPort);
        for (int w = 1; w <= 2; w++) {
            start("worker" + w, sparkHome, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", "1", "--memory", "3g", "--webui-port", Integer.toString(freePort()),
                    "--work-dir", dir.resolve("work" + w).toString(), master);
        }

        String data = dir.resolve("cifar10").toString();
        SyntheticData.write(DataFormat.CIFAR10, data, 500, 100, 7, false);
        Path conf = dir.resolve("tiny.conf");
        Files.writeString(conf, PipelineRunTest.tinyConfig(data));
        String root = dir.resolve("runs").toString();

        ProcessBuilder submit = new ProcessBuilder(PROJECT.resolve("deploy/submit").toString(),
                "--master", master, "--deploy-mode", "client", "--executor-memory", "2g",
                "--total-executor-cores", "2", "--conf", "spark.ui.enabled=false",
                "--", "run", "--conf", conf.toString(), "--out", root, "--run-id", "cluster", "--only", "resnet")
                .directory(PROJECT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("submit.log").toFile());
        submit.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        submit.environment().remove("SPARK_HOME");
        Process driver = submit.start();
        processes.add(driver);
        boolean finished = driver.waitFor(10, TimeUnit.MINUTES);
        String log = Files.readString(dir.resolve("submit.log"));
        assertTrue(finished, "the run did not finish in 10 minutes:\n" + tail(log));
        assertEquals(0, driver.exitValue(), tail(log));
        assertTrue(log.contains("resnet") && log.contains("done"), tail(log));
        for (int w = 1; w <= 2; w++) {
            try (var apps = Files.list(dir.resolve("work" + w))) {
                assertTrue(apps.anyMatch(p -> p.getFileName().toString().startsWith("app-")),
                        "worker " + w + " ran an executor of the application");
            }
        }

        SparkSession spark = SparkSessions.start("cluster-check");
        try {
            List<Row> rows = spark.read().parquet(root + "/cluster/metrics").collectAsList();
            assertEquals(7, rows.size());
            assertTrue(rows.stream().allMatch(r -> r.<Double>getAs("accuracy") >= 0 && r.<Double>getAs("accuracy") <= 1));
        } finally {
            spark.stop();
        }
        assertTrue(Files.exists(Path.of(root, "cluster", "summary.md")));
    }

    /** A SPARK_HOME whose jars/ holds links to the project's Spark classpath, as a Spark distribution would. */
    private Path sparkHomeOfTheMavenClasspath() throws IOException {
        Path jars = dir.resolve("spark-home/jars");
        Files.createDirectories(jars);
        String classpath = Files.readString(TARGET.resolve("launcher.classpath")).trim();
        for (String entry : classpath.split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            Path link = jars.resolve(jar.getFileName());
            if (entry.endsWith(".jar") && !Files.exists(link)) {
                Files.createSymbolicLink(link, jar);
            }
        }
        return dir.resolve("spark-home");
    }

    private void start(String name, Path sparkHome, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(Files.readString(TARGET.resolve("jvm.flags")).trim().split("\\s+")));
        command.addAll(List.of("-Xmx1g", "-cp", sparkHome.resolve("jars") + "/*", mainClass));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().put("SPARK_HOME", sparkHome.toString());
        builder.environment().put("SPARK_SCALA_VERSION", "2.12");
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        processes.add(builder.start());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void waitForPort(int port) throws InterruptedException {
        for (int i = 0; i < 120; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(500);
            }
        }
        throw new AssertionError("the master did not open port " + port);
    }

    private static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }
}
