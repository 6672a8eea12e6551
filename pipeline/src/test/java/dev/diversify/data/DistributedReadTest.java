package dev.diversify.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.testing.SparkTestContext;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/** Reading from a real HDFS (an in-process MiniDFSCluster) and reading by Spark tasks. */
@ExtendWith(SparkTestContext.class)
class DistributedReadTest {
    private static MiniDFSCluster hdfs;
    private static String root;

    @BeforeAll
    static void startHdfs(@TempDir Path base) throws Exception {
        Configuration conf = new Configuration();
        conf.set("dfs.replication", "1");
        hdfs = new MiniDFSCluster.Builder(conf, base.toFile()).numDataNodes(1).build();
        hdfs.waitActive();
        root = hdfs.getURI().toString();
    }

    @AfterAll
    static void stopHdfs() {
        hdfs.shutdown();
    }

    @Test
    void hdfsFilesReadTheSameAsLocalOnes(@TempDir Path local) {
        for (DataFormat format : DataFormat.values()) {
            String remote = root + "/data/" + format.id();
            SyntheticData.write(format, remote, 300, 20, 4, true);
            SyntheticData.write(format, local.resolve(format.id()).toString(), 300, 20, 4, true);
            DatasetSource fromHdfs = DataSourceSpec.forModels(remote, null).open();
            DatasetSource fromDisk = DataSourceSpec.forModels(local.resolve(format.id()).toString(), null).open();
            assertEquals(format, fromHdfs.format());
            for (Split split : Split.values()) {
                LabeledImages a = fromHdfs.readAll(split);
                LabeledImages b = fromDisk.readAll(split);
                assertArrayEquals(b.labels(), a.labels(), format + " " + split);
                assertArrayEquals(b.pixelBytes(), a.pixelBytes(), format + " " + split);
            }
        }
        var missing = assertThrows(InvalidDataException.class,
                () -> DataSourceSpec.forModels(root + "/data/none", DataFormat.CIFAR10).open());
        assertTrue(missing.getMessage().contains(root + "/data/none"), missing.getMessage());
    }

    @Test
    void sparkTasksReadTheirShareFromHdfs(JavaSparkContext sc) {
        String remote = root + "/data/spark-cifar10";
        SyntheticData.write(DataFormat.CIFAR10, remote, 500, 50, 8, false);
        DatasetSource source = DataSourceSpec.forModels(remote, DataFormat.CIFAR10).open();
        LabeledImages all = source.readAll(Split.TRAIN);

        int[] labels = SparkDatasets.labels(sc, source, Split.TRAIN, 3);
        assertArrayEquals(all.labels(), labels, "labels gathered in record order");

        SplitPlan.Selection selection = new SplitPlan(100, 20, 0, 1).select(labels, source.readAll(Split.TEST).labels(), 10);
        ChannelStats distributed = SparkDatasets.channelStats(sc, source, Split.TRAIN, selection.train(), 3);
        ChannelStats local = ChannelStats.of(all.select(selection.train()));
        for (int c = 0; c < 3; c++) {
            assertEquals(local.mean()[c], distributed.mean()[c], 1e-9);
            assertEquals(local.std()[c], distributed.std()[c], 1e-9);
        }

        Batches batches = new Batches(16, 10, distributed, Augmentation.CIFAR);
        List<DataSet> minibatches = SparkDatasets.minibatches(sc, source, Split.TRAIN, selection.train(), batches, 5, 4)
                .collect();
        assertEquals(200, minibatches.stream().mapToLong(DataSet::numExamples).sum());
        double[] perClass = new double[10];
        for (DataSet batch : minibatches) {
            assertEquals(3 * 32 * 32, batch.getFeatures().length() / batch.numExamples());
            double[] sums = batch.getLabels().sum(0).toDoubleVector();
            for (int k = 0; k < 10; k++) {
                perClass[k] += sums[k];
            }
        }
        assertArrayEquals(new double[] {20, 20, 20, 20, 20, 20, 20, 20, 20, 20}, perClass, "the stratified subset");
        assertEquals(4, SparkDatasets.minibatches(sc, source, Split.TRAIN, selection.train(), batches, 5, 4)
                .getNumPartitions());
    }
}
