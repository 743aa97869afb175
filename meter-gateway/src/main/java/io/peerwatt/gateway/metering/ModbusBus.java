package io.peerwatt.gateway.metering;

import com.digitalpetri.modbus.client.ModbusClient;
import com.digitalpetri.modbus.client.ModbusRtuClient;
import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.exceptions.ModbusExecutionException;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.ModbusTimeoutException;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.serial.client.SerialPortClientTransport;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import com.fazecast.jSerialComm.SerialPort;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Modbus TCP connection or serial line (digitalpetri Modbus 2.x), shared by the unit ids behind
 * it: connects lazily, retries timeouts and broken connections, never retries a Modbus exception
 * response (the meter answered: retrying won't help).
 */
final class ModbusBus implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModbusBus.class);

  private final MeterUri uri;
  private final int retries;
  private final ModbusClient client;
  private long connections;

  ModbusBus(MeterUri uri, Duration timeout, int retries) {
    this.uri = uri;
    this.retries = retries;
    this.client =
        switch (uri.transport()) {
          case TCP ->
              ModbusTcpClient.create(
                  NettyTcpClientTransport.create(
                      cfg ->
                          cfg.setHostname(uri.host())
                              .setPort(uri.port())
                              .setConnectTimeout(timeout)),
                  cfg -> cfg.setRequestTimeout(timeout));
          case RTU ->
              ModbusRtuClient.create(
                  SerialPortClientTransport.create(
                      cfg ->
                          cfg.setSerialPort(uri.device())
                              .setBaudRate(uri.baud())
                              .setDataBits(uri.dataBits())
                              .setStopBits(
                                  uri.stopBits() == 2
                                      ? SerialPort.TWO_STOP_BITS
                                      : SerialPort.ONE_STOP_BIT)
                              .setParity(parity(uri.parity()))),
                  cfg -> cfg.setRequestTimeout(timeout));
        };
  }

  private static int parity(String name) {
    return switch (name) {
      case "even" -> SerialPort.EVEN_PARITY;
      case "odd" -> SerialPort.ODD_PARITY;
      default -> SerialPort.NO_PARITY;
    };
  }

  MeterUri uri() {
    return uri;
  }

  /** How many times the connection (or serial port) has been opened. */
  synchronized long connections() {
    return connections;
  }

  /**
   * Reads {@code count} registers from zero-based {@code address} of unit {@code unitId} with
   * function code 3 or 4; returns {@code 2 * count} big-endian bytes.
   */
  synchronized byte[] read(int unitId, int functionCode, int address, int count)
      throws MeterException {
    MeterException last = null;
    for (int attempt = 0; attempt <= retries; attempt++) {
      try {
        if (!client.isConnected()) {
          client.connect();
          connections++;
        }
        return functionCode == 4
            ? client
                .readInputRegisters(unitId, new ReadInputRegistersRequest(address, count))
                .registers()
            : client
                .readHoldingRegisters(unitId, new ReadHoldingRegistersRequest(address, count))
                .registers();
      } catch (ModbusResponseException e) {
        throw new MeterException(
            MeterFault.EXCEPTION_RESPONSE,
            e.getExceptionCode(),
            uri
                + " unit "
                + unitId
                + " answered FC"
                + functionCode
                + " @"
                + address
                + "+"
                + count
                + " with Modbus exception "
                + e.getExceptionCode(),
            e);
      } catch (ModbusTimeoutException e) {
        last =
            new MeterException(
                MeterFault.TIMEOUT,
                0,
                uri
                    + " unit "
                    + unitId
                    + " did not answer FC"
                    + functionCode
                    + " @"
                    + address
                    + "+"
                    + count,
                e);
      } catch (ModbusExecutionException e) {
        last = new MeterException(MeterFault.CONNECTION, 0, uri + ": " + e.getMessage(), e);
        disconnectQuietly();
      }
      log.debug(
          "meter {} unit {} attempt {} failed: {}", uri, unitId, attempt + 1, last.getMessage());
    }
    throw last;
  }

  /** The meter at {@code unitId} on this bus; closing it leaves the bus open. */
  RegisterReader unit(int unitId) {
    if (unitId < 0 || unitId > 247) {
      throw new IllegalArgumentException("unit id must be 0..247, got " + unitId);
    }
    return new RegisterReader() {
      @Override
      public byte[] read(int functionCode, int address, int count) throws MeterException {
        return ModbusBus.this.read(unitId, functionCode, address, count);
      }

      @Override
      public long connections() {
        return ModbusBus.this.connections();
      }

      @Override
      public void close() {}
    };
  }

  private void disconnectQuietly() {
    try {
      client.disconnect();
    } catch (ModbusExecutionException e) {
      log.debug("disconnect from {} failed", uri, e);
    }
  }

  @Override
  public synchronized void close() {
    disconnectQuietly();
  }
}
