/**
 * What the gateway says to the platform over HTTP: enrolment, the reading upload, and the signed
 * device-API client.
 */
package io.peerwatt.gateway.platform;
