package org.pibms.sim;

import java.util.Optional;
import org.pibms.core.Clock;
import org.pibms.core.settings.HardwareSettings;
import org.pibms.hw.BusException;

/**
 * An ADS1115 in single-shot mode, backed by the {@link PackModel}: one input sees the pack
 * voltage through its divider, another the load-side voltage. Writing the config register with
 * OS set starts a conversion of the selected input at the selected gain; it ends after one
 * sample period, and until then the OS bit reads 0.
 */
public final class Ads1115Emulator extends I2cEmulator {

    private static final int CONVERSION = 0x00;
    private static final int CONFIG = 0x01;
    private static final int DEFAULT_CONFIG = 0x8583;
    private static final int[] FULL_SCALE_mV = {6144, 4096, 2048, 1024, 512, 256, 256, 256};
    private static final int[] SAMPLES_PER_S = {8, 16, 32, 64, 128, 250, 475, 860};

    private final PackModel model;
    private final Clock clock;
    private final int packInput;
    private final double packDivider;
    private final int loadInput;
    private final double loadDivider;

    private int config = DEFAULT_CONFIG;
    private int conversion;
    private boolean converting;
    private long conversionDone_ns;
    private int convertingConfig;

    public Ads1115Emulator(PackModel model, Clock clock, int address, HardwareSettings.AnalogInput pack,
            Optional<HardwareSettings.AnalogInput> load) {
        super(address);
        this.model = model;
        this.clock = clock;
        this.packInput = pack.input();
        this.packDivider = pack.dividerRatio();
        this.loadInput = load.map(HardwareSettings.AnalogInput::input).orElse(-1);
        this.loadDivider = load.map(HardwareSettings.AnalogInput::dividerRatio).orElse(1.0);
    }

    @Override
    public void readRegister(int register, byte[] into, int length) throws BusException {
        acknowledge();
        finish();
        int value = switch (register) {
            case CONVERSION -> conversion;
            case CONFIG -> converting ? config & ~0x8000 : config | 0x8000;
            default -> 0;
        };
        for (int i = 0; i < length; i++) {
            into[i] = i < 2 ? (byte) (value >> (8 - 8 * i)) : 0;
        }
    }

    @Override
    public void writeRegister(int register, byte[] data, int length) throws BusException {
        acknowledge();
        if (register != CONFIG || length < 2) {
            return;
        }
        finish();
        config = ((data[0] & 0xFF) << 8 | (data[1] & 0xFF)) & 0x7FFF;
        boolean start = (data[0] & 0x80) != 0;
        if (start && !converting) {
            converting = true;
            convertingConfig = config;
            conversionDone_ns = clock.nanoTime() + 1_000_000_000L / SAMPLES_PER_S[(config >> 5) & 0x07];
        }
    }

    private void finish() {
        if (!converting || clock.nanoTime() < conversionDone_ns) {
            return;
        }
        converting = false;
        model.advance();
        int mux = (convertingConfig >> 12) & 0x07;
        double pin_mV = 0;
        if (mux >= 4) { // single-ended AINx against ground
            int input = mux - 4;
            if (input == packInput) {
                pin_mV = model.packVoltage_mV() / packDivider;
            } else if (input == loadInput) {
                pin_mV = model.loadVoltage_mV() / loadDivider;
            }
        }
        double fullScale = FULL_SCALE_mV[(convertingConfig >> 9) & 0x07];
        conversion = (int) Math.max(-32768, Math.min(32767, Math.round(pin_mV / fullScale * 32768))) & 0xFFFF;
    }

}
