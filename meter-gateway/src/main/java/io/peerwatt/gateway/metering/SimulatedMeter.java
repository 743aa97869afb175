package io.peerwatt.gateway.metering;

import com.digitalpetri.modbus.ExceptionCode;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.UnknownUnitIdException;

/**
 * A simulated meter at one unit id of a {@link SimulatedBus}: answers register reads as the meter
 * would.
 */
public interface SimulatedMeter {

  /** The unit id it answers to. */
  int unitId();

  /**
   * {@code quantity} registers from zero-based {@code address} (input registers for function code
   * 4, holding registers for 3), as big-endian bytes.
   *
   * @throws ModbusResponseException the meter's exception answer (2 for a register it does not
   *     have)
   * @throws UnknownUnitIdException the meter says nothing (silent, as when it is not there)
   */
  byte[] answer(int functionCode, int address, int quantity)
      throws ModbusResponseException, UnknownUnitIdException;

  /**
   * Writes {@code values} (big-endian, 2 bytes a register) to the holding registers from {@code
   * address} (function code 6 or 16). A meter has nothing to write: illegal function (exception 1).
   *
   * @throws ModbusResponseException the device's exception answer
   * @throws UnknownUnitIdException the device says nothing
   */
  default void write(int functionCode, int address, byte[] values)
      throws ModbusResponseException, UnknownUnitIdException {
    throw new ModbusResponseException(functionCode, ExceptionCode.ILLEGAL_FUNCTION.getCode());
  }
}
