/**
 * Flexibility: the gateway as an OpenADR 3 VEN that acts on the platform's signed commands ({@link
 * io.peerwatt.protocol.flex.SignedFlexCommand}) by writing SunSpec setpoints to the home's battery
 * or inverter over Modbus TCP, within the owner's limits, and restoring the previous settings when
 * the command's window ends or the platform is out of reach.
 */
package io.peerwatt.gateway.control;
