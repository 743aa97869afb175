/**
 * Meters over Modbus (links, register maps and points, drivers, meter URIs, the simulator) and the
 * signed readings taken from them.
 */
package io.peerwatt.gateway.metering;
