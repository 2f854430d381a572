package org.pibms.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** What identifies this BMS to protocol clients that ask for a serial number (SunSpec model 1). */
final class DeviceIdentity {

    private static final Path PI_SERIAL = Path.of("/proc/device-tree/serial-number");
    private static final Path MACHINE_ID = Path.of("/etc/machine-id");

    private DeviceIdentity() {
    }

    /**
     * The Raspberry Pi's own serial number; elsewhere 16 hex digits derived from the machine id
     * (hashed, because systemd asks that the id itself not be shown); "unknown" without either.
     */
    static String serialNumber() {
        return serialNumber(PI_SERIAL, MACHINE_ID);
    }

    static String serialNumber(Path piSerial, Path machineId) {
        String pi = read(piSerial);
        if (!pi.isEmpty()) {
            return pi;
        }
        String id = read(machineId);
        if (id.isEmpty()) {
            return "unknown";
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(("pibms " + id).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).replace("\0", "").trim();
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
