/**
 * Training and evaluation on Spark with DL4J parameter averaging, with the CIFAR learning-rate
 * schedule and per-epoch progress.
 */
package dev.diversify.train;
