package io.peerwatt.gateway.metering;

import java.time.Duration;

/**
 * One meter on a bus of its own: the connection opens with the first read and closes with the link.
 */
final class ModbusLink implements RegisterReader {
  private final ModbusBus bus;
  private final RegisterReader unit;

  ModbusLink(MeterUri uri, int unitId, Duration timeout, int retries) {
    this.bus = new ModbusBus(uri, timeout, retries);
    this.unit = bus.unit(unitId);
  }

  @Override
  public byte[] read(int functionCode, int address, int count) throws MeterException {
    return unit.read(functionCode, address, count);
  }

  @Override
  public long connections() {
    return bus.connections();
  }

  @Override
  public void close() {
    bus.close();
  }
}
