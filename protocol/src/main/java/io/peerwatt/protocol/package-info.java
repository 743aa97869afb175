/**
 * What both ends of PeerWatt agree on bit for bit, in packages by subject: {@code keys}, {@code
 * bsv}, {@code spv}, {@code reading}, {@code anchor}, {@code channel}, {@code statement}, with
 * {@code encoding} beneath them. This root holds only what they all share: the delivery slot, the
 * price unit, the hash functions and the format exception.
 */
package io.peerwatt.protocol;
