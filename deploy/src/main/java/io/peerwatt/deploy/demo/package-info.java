/**
 * {@code peerwatt demo}: the command, the run and its accelerated clock, the neighbourhood's set-up
 * (homes, accounts, meter simulators, gateways, rules), the per-slot report and the summary and
 * export.
 */
package io.peerwatt.deploy.demo;
