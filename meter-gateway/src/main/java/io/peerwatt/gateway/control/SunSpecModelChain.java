package io.peerwatt.gateway.control;

import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.exceptions.ModbusExecutionException;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.ModbusTimeoutException;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads holding registers and walks a device's SunSpec model chain, for {@link SunSpecController}.
 */
final class SunSpecModelChain {
  private static final int[] SUNSPEC_BASES = {40000, 0, 50000};
  private static final int SUNS_HIGH = 0x5375;
  private static final int SUNS_LOW = 0x6E53;
  private static final int MAX_MODELS = 64;

  private SunSpecModelChain() {}

  static Map<Integer, Integer> walk(ModbusTcpClient client, int unit)
      throws ModbusExecutionException, ModbusTimeoutException, ControlException {
    for (int base : SUNSPEC_BASES) {
      int[] marker;
      try {
        marker = read(client, unit, base, 2);
      } catch (ModbusResponseException e) {
        continue;
      }
      if (marker[0] != SUNS_HIGH || marker[1] != SUNS_LOW) {
        continue;
      }
      Map<Integer, Integer> models = new LinkedHashMap<>();
      int address = base + 2;
      for (int i = 0; i < MAX_MODELS; i++) {
        int[] header;
        try {
          header = read(client, unit, address, 2);
        } catch (ModbusResponseException e) {
          throw new ControlException("the SunSpec model chain breaks off at " + address);
        }
        if (header[0] == 0xFFFF) {
          return models;
        }
        models.putIfAbsent(header[0], address);
        address += 2 + header[1];
      }
      throw new ControlException("the SunSpec model chain has no end marker");
    }
    throw new ControlException("no SunSpec marker 'SunS' at 40000, 0 or 50000");
  }

  static int[] read(ModbusTcpClient client, int unit, int address, int count)
      throws ModbusExecutionException, ModbusTimeoutException, ModbusResponseException {
    byte[] bytes =
        client
            .readHoldingRegisters(unit, new ReadHoldingRegistersRequest(address, count))
            .registers();
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
    }
    return out;
  }
}
