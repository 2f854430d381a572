package org.pibms.protocol.can;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pibms.core.ActiveFault;
import org.pibms.core.CanFrame;
import org.pibms.core.FaultId;
import org.pibms.core.PackSnapshot;
import org.pibms.core.PackState;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.settings.SensorLocation;

/**
 * Golden frames per profile. The numbers are the worked example of the reference notes (CVL 55.2 V,
 * CCL 100 A, DCL 150 A, DVL 46.4 V; SOC 67 %, SOH 100 %; 53.10 V, -12.3 A, 24.5 °C) and its bytes.
 */
class InverterFramesTest {

    static final InverterFrames.Battery BATTERY = new InverterFrames.Battery(16, 100_000, 46_400,
            List.of(SensorLocation.CELL, SensorLocation.MOS), "pibms 16S LFP", 1, 2);

    static PackSnapshot snapshot(List<ActiveFault> faults) {
        int[] cells = new int[16];
        for (int i = 0; i < 16; i++) {
            cells[i] = 3310 + i;
        }
        SocState soc = new SocState(0, 0, 67, 67, 67, 100_000, 0, 1, 0, 0, SocCalibration.NONE, 0, null);
        return PackSnapshot.builder().sequence(1).state(PackState.NORMAL).cellVoltages_mV(cells, true)
                .packVoltage_mV(53_100, true).current_mA(-12_300, true).soc_pct(67, true).capacity_mAh(100_000)
                .soc(soc).temperatures(List.of("cells", "mos"), new int[] {245, 310}, new boolean[] {true, true})
                .mos(true, true).chargeLimits(55_200, 100_000, 150_000, false).faults(faults).build();
    }

    private static List<String> frames(InverterProfile profile, PackSnapshot s) {
        return new InverterFrames(profile, BATTERY).frames(s).stream().map(CanFrame::toString).toList();
    }

    @Test
    void pylonSendsThePylontech12Set() {
        assertThat(frames(InverterProfile.PYLON, snapshot(List.of()))).containsExactly(
                "351#2802E803DC05D001",
                "355#43006400",
                "356#BE1485FFF500",
                "359#0000000001504E",
                "35C#C000",
                "35E#50594C4F4E202020");
    }

    @Test
    void smaSendsItsSetWithTheHighResolutionSoc() {
        assertThat(frames(InverterProfile.SMA, snapshot(List.of()))).containsExactly(
                "351#2802E803DC05D001",
                "355#430064002C1A",
                "356#BE1485FFF500",
                "35A#AAAAAA02AAAAAA02",
                "35B#0000000000000000",
                "35E#5049424D53202020",
                "35F#4C69010264000000");
    }

    @Test
    void victronGetsTheExtrasNameModulesCellsAndCapacity() {
        assertThat(frames(InverterProfile.VICTRON, snapshot(List.of()))).containsExactly(
                "351#2802E803DC05D001",
                "355#430064002C1A",
                "356#BE1485FFF500",
                "35A#AAAAAA02AAAAAA02",
                "35E#5049424D53202020",
                "35F#4C69010264000000",
                "370#7069626D73203136",
                "371#53204C4650202020",
                "372#0100000000000000",
                "373#EE0CFD0C2A012A01",
                "379#6400000000000000");
    }

    @Test
    void aProtectionIsAnSmaAlarmAndAWarningOnlyAWarning() {
        PackSnapshot s = snapshot(List.of(
                new ActiveFault(FaultId.CELL_OVERVOLTAGE, ActiveFault.State.ACTIVE, "cell 3", 3700, 3650),
                new ActiveFault(FaultId.CELL_IMBALANCE, ActiveFault.State.ACTIVE, "", 80, 50)));
        CanFrame alarms = new InverterFrames(InverterProfile.SMA, BATTERY).frame(0x35A, s);
        // general alarm 01 and high voltage 01 in byte 0; general warning 01 and imbalance 01 in bytes 4 and 7
        assertThat(alarms.toString()).isEqualTo("35A#A5AAAA02A9AAAA01");
        CanFrame pylon = new InverterFrames(InverterProfile.PYLON, BATTERY).frame(0x359, s);
        assertThat(pylon.toString()).isEqualTo("359#0200000001504E");
    }

    @Test
    void theLowSocCutOffIsAWarningSoTheInverterCanStillCharge() {
        PackSnapshot s = snapshot(List.of(new ActiveFault(FaultId.LOW_SOC, ActiveFault.State.ACTIVE, "", 40, 50)));
        // alarms all fine; warnings: general and low voltage active
        assertThat(new InverterFrames(InverterProfile.SMA, BATTERY).frame(0x35A, s).toString())
                .isEqualTo("35A#AAAAAA0299AAAA02");
        assertThat(new InverterFrames(InverterProfile.PYLON, BATTERY).frame(0x359, s).toString())
                .isEqualTo("359#0000040001504E");
    }

    @Test
    void aFailedMonitorIsBothAPylonProtectionAndAnInternalAlarm() {
        PackSnapshot s = snapshot(List.of(new ActiveFault(FaultId.AFE_COMMUNICATION_LOST, ActiveFault.State.ACTIVE,
                "", 5, 3)));
        assertThat(new InverterFrames(InverterProfile.PYLON, BATTERY).frame(0x359, s).toString())
                .isEqualTo("359#0008000801504E");
    }

    @Test
    void withChargingStoppedCvlComesDownToThePackAndChargeEnableDrops() {
        PackSnapshot s = PackSnapshot.builder().cellVoltages_mV(new int[16], false).packVoltage_mV(53_100, true)
                .mos(false, true).chargeLimits(55_200, 0, 150_000, false).build();
        InverterFrames frames = new InverterFrames(InverterProfile.PYLON, BATTERY);
        assertThat(frames.frame(0x351, s).toString()).isEqualTo("351#1302" + "0000" + "DC05" + "D001");
        assertThat(frames.frame(0x35C, s).toString()).isEqualTo("35C#4000");
    }

    @Test
    void unknownValuesAreSentAsInvalidNotAsZero() {
        PackSnapshot s = PackSnapshot.builder().cellVoltages_mV(new int[16], false).capacity_mAh(100_000)
                .temperatures(List.of("cells", "mos"), new int[2], new boolean[2]).build();
        InverterFrames frames = new InverterFrames(InverterProfile.VICTRON, BATTERY);
        assertThat(frames.frame(0x355, s).toString()).isEqualTo("355#FFFFFFFFFFFF");
        assertThat(frames.frame(0x356, s).toString()).isEqualTo("356#008000800080");
        assertThat(frames.frame(0x373, s).toString()).isEqualTo("373#FFFFFFFFFFFFFFFF");
    }
}
