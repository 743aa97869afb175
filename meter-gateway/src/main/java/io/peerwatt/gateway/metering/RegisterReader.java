package io.peerwatt.gateway.metering;

/** Raw register access to one meter: Modbus TCP or RTU in production, fakes in tests. */
interface RegisterReader extends AutoCloseable {

  /**
   * Reads {@code count} registers starting at zero-based {@code address} with function code 3
   * (holding) or 4 (input); returns {@code 2 * count} big-endian bytes.
   */
  byte[] read(int functionCode, int address, int count) throws MeterException;

  /**
   * How many times the connection to the meter has been opened; a change means a new connection, on
   * which the meter's identity is read again.
   */
  long connections();

  @Override
  void close();
}
