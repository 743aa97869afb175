/**
 * Metering points and devices: who may see which, enrolment (codes, the gateway's signed enrolment,
 * the certificate the platform key signs, key rotation), revocation, and the devices by key for the
 * device-signed API.
 */
package io.peerwatt.trading.device;
