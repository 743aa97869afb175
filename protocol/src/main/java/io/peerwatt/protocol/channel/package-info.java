/**
 * One-way (Spilman) payment channels as pure values, the same code on both ends: the platform hub
 * and the custodial store in settlement, and a home gateway in machine-to-machine mode. The terms
 * define every channel transaction, so each side checks the other's by rebuilding it. No I/O, no
 * clock.
 */
package io.peerwatt.protocol.channel;
