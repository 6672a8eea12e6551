/**
 * Reading typed settings from Typesafe Config, with every problem of a file reported at once, each
 * with its config path and value.
 */
package dev.diversify.config;
