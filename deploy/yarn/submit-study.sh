#!/usr/bin/env bash
# The study on a YARN cluster: ten experiments (conf/experiments.conf), three at a time.
# Needs spark-submit on the PATH (or SPARK_HOME) and HADOOP_CONF_DIR pointing at the cluster.
# The config file is shipped with --files and read from the driver's working directory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DIVERSIFY_RUN_ROOT="${DIVERSIFY_RUN_ROOT:-hdfs:///diversify/runs}"
exec "$here/../submit" \
  --master yarn --deploy-mode cluster \
  --num-executors 8 --executor-cores 8 --executor-memory 32g \
  --driver-cores 4 --driver-memory 24g \
  --files "$here/../../conf/experiments.conf" \
  --conf spark.yarn.appMasterEnv.DIVERSIFY_RUN_ROOT="$DIVERSIFY_RUN_ROOT" \
  -- run --conf experiments.conf "$@"
