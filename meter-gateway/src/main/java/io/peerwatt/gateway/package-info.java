/**
 * The home gateway: polls meters over Modbus, signs every reading, journals it and uploads it.
 */
package io.peerwatt.gateway;
