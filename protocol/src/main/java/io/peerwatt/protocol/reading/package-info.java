/**
 * What a meter gateway signs and is certified with: the meter reading and its codec
 * (READING-FORMAT.md), the reading's hash chain, device certificates, and the signatures over
 * requests, upload batches and enrolments.
 */
package io.peerwatt.protocol.reading;
